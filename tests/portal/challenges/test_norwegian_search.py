"""Search finds inflected Norwegian forms (Snowball's Norwegian stemmer), on either database."""

import re

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import Challenge, Company
from portal.search import search_text, stems
from portal.services import accounts


def _titles(client, q: str) -> set[str]:
    page = client.get("/challenges/", query_string={"q": q}).get_data(as_text=True)
    return set(re.findall(r'<h2><a href="/challenges/\d+">([^<]+)</a></h2>', page))


@pytest.fixture
def norwegian_catalogue(make_challenge):
    make_challenge(title="Varsling av små droner",
                   problem="Avdelingen trenger tidlig varsling når en drone nærmer seg leiren.")
    make_challenge(title="Autonom undervannsfarkost for minerydding",
                   problem="Vi søker en undervannsfarkost som kan lete etter miner i fjordene.")
    make_challenge(title="Kalde batterier",
                   problem="Batteriene mister kapasitet i kulda under vinterøvelser i Finnmark.")


def test_inflected_forms_share_a_stem():
    assert stems("droner") == stems("drone") == stems("dronene")
    assert stems("batterier") == stems("batteriene")
    assert stems("undervannsfarkost")[0].startswith(stems("undervann")[0])


def test_search_text_holds_each_stem_once_after_a_space():
    text = search_text("Droner og drone", "DRONENE")
    assert text.split() == [stems("drone")[0], "og"]
    assert text.startswith(" ")


def test_inflected_query_finds_the_base_form(client, norwegian_catalogue):
    assert _titles(client, "droner") == {"Varsling av små droner"}
    assert _titles(client, "dronene") == {"Varsling av små droner"}
    assert _titles(client, "batteri") == {"Kalde batterier"}


def test_a_word_finds_compounds_it_begins(client, norwegian_catalogue):
    assert _titles(client, "undervann") == {"Autonom undervannsfarkost for minerydding"}
    assert _titles(client, "undervannsfarkoster") == {"Autonom undervannsfarkost for minerydding"}


def test_every_query_word_must_match(client, norwegian_catalogue):
    assert _titles(client, "droner leiren") == {"Varsling av små droner"}
    assert _titles(client, "droner fjordene") == set()
    assert _titles(client, "helikopter") == set()


def test_search_text_follows_edits(app, client, norwegian_catalogue):
    challenge = db.session.scalar(select(Challenge).where(Challenge.title == "Kalde batterier"))
    challenge.problem = "Sensorene fryser."
    db.session.commit()
    assert _titles(client, "batterier") == {"Kalde batterier"}  # still in the title
    assert _titles(client, "sensor") == {"Kalde batterier"}
    assert _titles(client, "kulda") == set()


def test_admin_company_search_is_stemmed(app, make_company):
    make_company(name="Nordic Undervannssystemer AS", description="Sonarer for fjorder.")
    make_company(name="Fjellradio AS", description="Radioer for kalde strøk.")

    def names(text: str) -> set[str]:
        query = accounts.companies_query(name=text)
        return {c.name for c in db.session.scalars(query)}

    assert names("undervannssystem") == {"Nordic Undervannssystemer AS"}
    assert names("sonar") == {"Nordic Undervannssystemer AS"}
    assert names("radio") == {"Fjellradio AS"}
    assert names("fjellradio") == {"Fjellradio AS"}
    assert db.session.scalars(select(Company)).first().search_text.startswith(" ")

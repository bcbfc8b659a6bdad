"""Which language a page is served in, the switch in the header, and who gets what language."""

import re

import pytest

from portal.config import load_config
from portal.db import db
from portal.models import Notification, User
from portal.services import interests

PASSWORD = "correct horse battery"


@pytest.fixture
def app_config():
    # The portal's real default (tests elsewhere read English pages).
    return {"BABEL_DEFAULT_LOCALE": "nb"}


def page_language(response) -> str:
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def language_of(client, **headers) -> str:
    return page_language(client.get("/challenges/", headers=headers))


def test_the_default_language_is_bokmal(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_DEFAULT_LOCALE", raising=False)
    assert load_config(tmp_path)["BABEL_DEFAULT_LOCALE"] == "nb"
    assert load_config(tmp_path)["BABEL_DEFAULT_TIMEZONE"] == "Europe/Oslo"


def test_without_any_preference_pages_are_in_bokmal(client):
    response = client.get("/challenges/")
    assert page_language(response) == "nb"
    assert "Kapabilitetsutfordringer" in response.get_data(as_text=True)


@pytest.mark.parametrize("header, expected", [
    ("nn-NO,nn;q=0.9,en;q=0.5", "nn"),
    ("nb-NO,nb;q=0.9", "nb"),
    ("no", "nb"),
    ("en-GB,en;q=0.9", "en"),
    ("sv-SE,sv;q=0.9,en;q=0.7", "en"),
    ("de-DE", "nb"),
    ("en;q=0.3,nn;q=0.8", "nn"),
])
def test_accept_language_is_followed(client, header, expected):
    assert language_of(client, **{"Accept-Language": header}) == expected


def test_the_cookie_beats_accept_language(client):
    client.set_cookie("lang", "nn")
    assert language_of(client, **{"Accept-Language": "en"}) == "nn"


def test_a_bad_cookie_is_ignored(client):
    client.set_cookie("lang", "xx")
    assert language_of(client, **{"Accept-Language": "en"}) == "en"


def test_the_saved_preference_beats_cookie_and_header(client, make_user, login):
    user = make_user("sme", locale="en")
    login(user)
    client.set_cookie("lang", "nn")
    assert language_of(client, **{"Accept-Language": "nn"}) == "en"


def test_the_switch_sets_a_cookie_and_returns_to_the_page(client):
    response = client.post("/language", data={"locale": "nn", "next": "/challenges/?q=drone"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/challenges/?q=drone")
    cookie = client.get_cookie("lang")
    assert cookie.value == "nn" and cookie.http_only
    assert language_of(client, **{"Accept-Language": "en"}) == "nn"


def test_the_switch_refuses_unknown_languages_and_foreign_redirects(client):
    assert client.post("/language", data={"locale": "de"}).status_code == 400
    response = client.post("/language", data={"locale": "en", "next": "//evil.example/"})
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_the_switch_is_in_every_page_header_with_the_current_language_marked(client):
    body = client.get("/about", headers={"Accept-Language": "nn"}).get_data(as_text=True)
    form = re.search(r'<form method="post" action="/language".*?</form>', body, re.S).group(0)
    assert 'name="csrf_token"' in form and 'name="next" value="/about"' in form
    buttons = re.findall(r'<button type="submit" name="locale" value="(\w+)" lang="\w+"'
                         r'[^>]*?( aria-current="true")?>', form)
    assert buttons == [("nb", ""), ("nn", ' aria-current="true"'), ("en", "")]


def test_a_signed_in_switch_is_saved_on_the_account(client, make_user, login):
    user = make_user("military")
    login(user)
    client.post("/language", data={"locale": "nn", "next": "/dashboard"})
    assert db.session.get(User, user.id).locale == "nn"
    client.delete_cookie("lang")
    assert language_of(client) == "nn"


def test_the_choice_sticks_after_login(client, make_user):
    make_user("military", email="kari@example.test", password=PASSWORD)
    client.post("/language", data={"locale": "nn", "next": "/auth/login"})
    response = client.post("/auth/login", data={"email": "kari@example.test",
                                                 "password": PASSWORD}, follow_redirects=True)
    assert page_language(response) == "nn"
    assert "Du er logga inn." in response.get_data(as_text=True)


def test_the_account_page_choice_wins_on_the_next_login(client, make_user, login):
    user = make_user("sme", email="per@example.test", password=PASSWORD)
    login(user)
    client.post("/language", data={"locale": "en", "next": "/account/"})
    client.post("/auth/logout")
    client.set_cookie("lang", "nn")
    assert language_of(client) == "nn"  # logged out: the cookie
    client.post("/auth/login", data={"email": "per@example.test", "password": PASSWORD})
    assert language_of(client) == "en"  # logged in: the saved choice


@pytest.mark.parametrize("language, required, own", [
    ("nb", "Dette feltet må fylles ut.", "Velg et passord."),
    ("nn", "Dette feltet må fyllast ut.", "Vel eit passord."),
    ("en", "This field is required.", "Choose a password."),
])
def test_validation_messages_follow_the_language(client, make_user, login, language, required,
                                                 own):
    client.set_cookie("lang", language)
    body = client.post("/auth/signup", data={"account_type": "sme"}).get_data(as_text=True)
    assert own in body  # the portal's own message
    login(make_user("military"))
    body = client.post("/challenges/new", data={}).get_data(as_text=True)
    assert required in body  # WTForms' built-in message, from the portal's catalogs


def test_the_json_api_stays_english(client):
    client.set_cookie("lang", "nn")
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "nn"})
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "The page you asked for does not exist."


def test_error_pages_are_translated(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "nn"})
    assert response.status_code == 404
    assert "Sida du bad om, finst ikkje." in response.get_data(as_text=True)


def test_notifications_are_written_in_the_recipients_language(
        app, client, make_user, login):
    from tests.conftest import add_challenge

    owner = make_user("military", unit="Kystjegerkommandoen", locale="en")
    sme = make_user("sme", locale="nn")
    challenge = add_challenge({"title": "Droner i kystsonen", "problem": "x" * 40,
                               "status": "open", "visibility": "public"}, owner=owner)
    interest = interests.express_interest(db.session, sme, challenge, "p" * 60)
    db.session.commit()
    interests.set_interest_status(db.session, owner, interest, "shortlisted")
    db.session.commit()
    note_for_sme = db.session.query(Notification).filter_by(user_id=sme.id).one()
    note_for_owner = db.session.query(Notification).filter_by(user_id=owner.id).one()
    assert note_for_sme.message == ("Interessemeldinga di for «Droner i kystsonen» vart sett på "
                                    "kortlista av Kystjegerkommandoen.")
    assert note_for_owner.message.endswith("expressed interest in “Droner i kystsonen”.")


def test_the_account_page_saves_the_language(client, make_user, login):
    user = make_user("sme", locale="nn")
    login(user)
    body = client.get("/account/").get_data(as_text=True)
    select = re.search(r'<select id="account-locale" name="locale">.*?</select>', body, re.S)
    assert '<option value="nn" lang="nn" selected>' in select.group(0)
    response = client.post("/language", data={"locale": "en", "next": "/account/#language"})
    assert response.headers["Location"].endswith("/account/#language")
    assert db.session.get(User, user.id).locale == "en"


def test_export_headers_follow_the_exporting_user(client, make_user, login):
    from datetime import date, time, timedelta

    from portal.models import Event

    organiser = make_user("organiser", locale="nn")
    event = Event(name="Innovasjonsdag", county="Trøndelag", venue="Ørland",
                  date=date.today() + timedelta(days=9), start_time=time(9, 0),
                  end_time=time(10, 0), meeting_minutes=20, tables=1, status="open",
                  organiser_id=organiser.id)
    db.session.add(event)
    db.session.commit()
    login(organiser)
    csv = client.get(f"/events/{event.id}/export/matches.csv").get_data(as_text=True)
    assert "# Eksport: Treffliste: Innovasjonsdag" in csv
    assert "Arrangement,Utfordring,Bedrift,Organisasjonsnummer,Fylke,TRL,Poengsum (0-100)" in csv
    # The same export through the API (a program asking) stays English.
    from portal.services.tokens import create_token

    _, raw = create_token(db.session, organiser, "ci")
    db.session.commit()
    api = client.application.test_client()
    api_csv = api.get(f"/api/v1/events/{event.id}/matches?format=csv",
                      headers={"Authorization": f"Bearer {raw}"}).get_data(as_text=True)
    assert "Event,Challenge,Company,Organisation number,County,TRL,Score (0-100)" in api_csv


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_LOCALE": "nb", "WTF_CSRF_ENABLED": True}])
def test_the_switch_needs_the_csrf_token(client, app_config):
    assert client.post("/language", data={"locale": "en"}).status_code == 400
    assert client.get_cookie("lang") is None
    page = client.get("/about").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/language", data={"locale": "en", "csrf_token": token})
    assert response.status_code == 302 and client.get_cookie("lang").value == "en"


def test_every_matcher_note_is_in_the_catalogs():
    # The matching library writes its notes in English; pages translate them by exact text.
    from pathlib import Path

    from portal.i18n import MATCHER_NOTES

    source = (Path(__file__).resolve().parents[3] / "matching" / "explain.py").read_text()
    templates = re.findall(r'notes\.append\(\s*((?:f?"[^"]*"\s*)+)\)', source)
    assert len(templates) == 5
    expected = set()
    for template in templates:
        text = "".join(re.findall(r'f?"([^"]*)"', template))
        for side in ("challenge", "company"):
            for pairing in ("nb-en", "en-nb"):
                for unused in ("", "; lexical evidence not used"):
                    expected.add(text.replace("{missing[0]}", side).replace("{who}", side)
                                 .replace("{pairing}", pairing).replace("{unused}", unused))
    assert expected == set(MATCHER_NOTES)


def test_an_admin_names_a_new_area_in_each_language(client, make_user, login):
    login(make_user("admin"))
    response = client.post("/admin/areas", data={
        "name": "Directed energy", "kind": "emerging",
        "description": "Lasers and high-power microwaves against drones and missiles.",
        "name_nb": "Rettet energi", "name_nn": "",
        "description_nb": "Laser og kraftig mikrobølgestråling mot droner og missiler.",
    })
    assert response.status_code == 302
    pages = {}
    for language in ("nb", "nn", "en"):
        client.set_cookie("lang", language)
        pages[language] = client.get("/taxonomy").get_data(as_text=True)
    assert "<h3>Rettet energi</h3>" in pages["nb"]
    assert "Laser og kraftig mikrobølgestråling" in pages["nb"]
    assert "<h3>Directed energy</h3>" in pages["nn"]  # no Nynorsk name given: the English
    assert "<h3>Directed energy</h3>" in pages["en"]


@pytest.mark.parametrize(("header", "expected"), [
    ("nb", "Logg inn for å se denne siden."),
    ("nn", "Logg inn for å sjå denne sida."),
    ("en", "Please log in to see this page."),
])
def test_the_log_in_request_of_a_protected_page_is_in_the_visitors_language(client, header,
                                                                           expected):
    response = client.get("/recommendations", headers={"Accept-Language": header},
                          follow_redirects=True)
    assert response.request.path == "/auth/login"
    assert expected in response.get_data(as_text=True)

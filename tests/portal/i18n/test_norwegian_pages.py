"""The main pages of every role, in Bokmål and Nynorsk, carry no English UI words.

Data is written in Norwegian here, so any English left on a page comes from the portal itself.
"""

import re
from datetime import date, time, timedelta

import pytest

from portal.db import db
from portal.models import (
    Conversation,
    Event,
    EventChallenge,
    EventPair,
    EventRegistration,
    Interest,
    Message,
    Shortlist,
)
from portal.models.enums import Role
from tests.conftest import add_challenge

# Common English UI words and phrases, matched as whole words, case-sensitive ("for" and "to"
# are left out: they are Norwegian words too, as "Open" is Nynorsk).
ENGLISH_UI = (
    "Log in", "Log out", "Sign up", "Challenges", "Challenge", "Save", "Dashboard", "Search",
    "Welcome", "Events", "Notifications", "Deadline", "Cancel", "Edit", "Password", "Account",
    "Company", "Companies", "Score", "Matches", "Closed", "Draft", "Public", "Next",
    "Previous", "Back", "Submit", "Delete", "Remove", "Add", "Create", "New", "Users", "Settings",
    "About", "Skip to content", "Technology areas", "Interests", "Meetings", "Schedule",
    "Approve", "Pending", "Filter challenges", "Page", "Yes", "Never", "Unit", "Email",
    "Full name", "Contact", "Description", "Visibility", "Title", "Owner", "Show", "Hide",
    "the", "and", "your", "you", "with", "of", "is", "are", "not", "this",
)
WORDS = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH_UI) + r")(?![\w-])")
READ_ATTRIBUTES = re.compile(
    r'\b(?:aria-label|placeholder|title|alt|data-confirm|data-label)="([^"]*)"')
PASSWORD = "correct horse battery"


@pytest.fixture
def app_config():
    return {"BABEL_DEFAULT_LOCALE": "nb"}


def readable_text(html: str) -> str:
    """What a person reads or hears: text nodes, the page title and labelling attributes."""
    html = re.sub(r"<(script|style|code|pre)\b.*?</\1>", " ", html, flags=re.S)
    attributes = " ".join(READ_ATTRIBUTES.findall(html))
    # The switch names each language in itself ("English" is meant to be there).
    html = re.sub(r'<button[^>]* name="locale"[^>]*>.*?</button>', " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\S+@\S+", " ", text)  # e-mail addresses
    return " ".join(f"{text} {attributes}".split()).replace("&amp;", "&")


def english_words(html: str) -> list[str]:
    return sorted(set(WORDS.findall(readable_text(html))))


def in_context(html: str) -> list[str]:
    """Each English word with the text around it, for a readable failure."""
    text = readable_text(html)
    return [text[max(0, m.start() - 30):m.end() + 30] for m in WORDS.finditer(text)][:5]


@pytest.fixture
def world(app, make_user, make_company):
    """A unit, a company, an organiser, an admin, a challenge, an interest and an event."""
    company = make_company(name="Fjordsonar AS", county="Trøndelag",
                           description="Vi lager sonarer og undervannsdroner for kystovervåking "
                                       "og minerydding i norske fjorder.")
    sme = make_user(Role.SME, company=company, full_name="Kari Nordmann")
    military = make_user(Role.MILITARY, unit="Kystjegerkommandoen", full_name="Ola Nordmann")
    organiser = make_user(Role.ORGANISER, full_name="Siri Arrangør")
    admin = make_user(Role.ADMIN, full_name="Per Admin")
    pending = make_user(Role.MILITARY, status="pending", unit="Hærens våpenskole",
                        full_name="Nils Venter")
    challenge = add_challenge({
        "title": "Varsling av små droner ved kystbaser",
        "problem": "Avdelingen trenger tidlig varsling når små droner nærmer seg baser langs "
                   "kysten, også i mørke og dårlig vær.",
        "context": "Kyst og skjærgård, vinter.",
        "effect": "Tidlig varsling og bedre situasjonsforståelse.",
        "status": "open", "visibility": "public", "county": "Trøndelag",
        "deadline": date.today() + timedelta(days=30), "trl_min": 4, "trl_max": 7,
    }, owner=military, area_slugs=["autonomy-ai", "underwater-technology"])
    db.session.add(Interest(challenge_id=challenge.id, company_id=company.id, user_id=sme.id,
                            pitch="Vi har levert sonarer til Kystverket og kan teste raskt.",
                            status="new"))
    event = Event(name="Innovasjonsdag i Trøndelag", county="Trøndelag", venue="Ørland",
                  date=date.today() + timedelta(days=20), start_time=time(9, 0),
                  end_time=time(11, 0), meeting_minutes=20, tables=2, regional_boost=0.1,
                  status="open", organiser_id=organiser.id)
    db.session.add(event)
    db.session.flush()
    db.session.add(EventChallenge(event_id=event.id, challenge_id=challenge.id))
    db.session.add(EventPair(event_id=event.id, challenge_id=challenge.id,
                             company_id=company.id, state="invited", score=0.6,
                             origin="matchmaking", components="{}"))
    db.session.add(EventRegistration(event_id=event.id, company_id=company.id,
                                     status="registered"))
    conversation = Conversation(challenge_id=challenge.id, company_id=company.id,
                                started_by_id=military.id)
    db.session.add(conversation)
    db.session.flush()
    db.session.add(Message(conversation_id=conversation.id, author_id=military.id, side="staff",
                           body="Kan dere vise sonaren på Ørland i januar?"))
    db.session.add(Message(conversation_id=conversation.id, author_id=sme.id, side="company",
                           body="Ja, vi kan stille med to personer."))
    db.session.add(Shortlist(challenge_id=challenge.id, company_id=company.id,
                             user_id=military.id))
    db.session.commit()
    return {"sme": sme, "military": military, "organiser": organiser, "admin": admin,
            "pending": pending, "challenge": challenge, "event": event, "company": company,
            "conversation": conversation}


def pages(world) -> dict[str, list[str]]:
    c, e = world["challenge"].id, world["event"].id
    firm, talk = world["company"].id, world["conversation"].id
    return {
        "anonymous": ["/", "/challenges/", f"/challenges/{c}", "/auth/login", "/auth/signup",
                      "/about", "/taxonomy", "/accessibility", "/privacy", "/auth/forgot",
                      "/no-such-page"],
        "sme": ["/dashboard", "/company/", "/company/edit", "/company/interests",
                "/recommendations", "/company/areas/suggestions", "/account/", "/notifications",
                f"/challenges/{c}", "/challenges/", "/events/", f"/events/{e}", "/messages",
                f"/messages/{talk}"],
        "military": ["/dashboard", "/challenges/mine", "/challenges/new", f"/challenges/{c}",
                     f"/challenges/{c}/edit", f"/challenges/{c}/matches", "/events/",
                     "/account/", f"/challenges/{c}/shortlist", "/messages", f"/messages/{talk}",
                     f"/company/{firm}"],
        "organiser": ["/dashboard", "/events/", "/events/new", f"/events/{e}",
                      f"/events/{e}/edit", f"/events/{e}/challenges", f"/events/{e}/matches",
                      f"/events/{e}/schedule", f"/events/{e}/outbox", f"/events/{e}/agenda",
                      "/events/dashboard", f"/company/{firm}", f"/events/{e}/invitations"],
        "admin": ["/dashboard", "/admin/users", "/admin/companies", "/admin/audit",
                  "/admin/areas", "/taxonomy", "/messages", f"/messages/{talk}",
                  "/admin/outbox", "/admin/matching"],
        "pending": ["/pending"],
    }


@pytest.mark.parametrize("language", ["nb", "nn"])
@pytest.mark.parametrize("role", ["anonymous", "sme", "military", "organiser", "admin",
                                  "pending"])
def test_no_english_ui_words(client, login, world, role, language):
    if role != "anonymous":
        login(world[role])
    client.set_cookie("lang", language)
    leftovers = {}
    for path in pages(world)[role]:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        html = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in html, path
        if english_words(html):
            leftovers[path] = in_context(html)
    assert not leftovers, leftovers


def test_the_word_check_catches_english(client, world):
    # The same pages in English are full of the words the test looks for.
    client.set_cookie("lang", "en")
    html = client.get("/").get_data(as_text=True)
    assert {"Log in", "Sign up", "Challenges"} <= set(english_words(html))


def test_a_failed_form_reads_in_norwegian(client, login, world):
    login(world["military"])
    client.set_cookie("lang", "nb")
    html = client.post("/challenges/new", data={"title": ""}).get_data(as_text=True)
    assert "Rett opp de markerte feltene." in html
    assert not english_words(html), english_words(html)


def test_dates_follow_the_language(client, world):
    deadline = world["challenge"].deadline
    client.set_cookie("lang", "nb")
    html = client.get(f"/challenges/{world['challenge'].id}").get_data(as_text=True)
    assert f"{deadline.day}. " in html and str(deadline.year) in html
    client.set_cookie("lang", "en")
    html = client.get(f"/challenges/{world['challenge'].id}").get_data(as_text=True)
    assert f"{deadline:%b} {deadline.day}, {deadline.year}" in html

"""A small world with every kind of object, and a client per role, for the access proofs.

``world`` builds, in a fresh database: one user per role the role x route table knows (see
``ROLES``), challenges of the owner unit at every visibility (plus a draft), companies for the
two SME users and a spare one for admin actions, an open event organised by ``organiser`` with
challenges attached, an interest, invited / requested / accepted pairs, meetings, and two API
tokens per user (one to call the API with, one spare the user may revoke).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest

from portal.db import db, utcnow
from portal.models import (
    ApiToken,
    Challenge,
    Company,
    Conversation,
    Event,
    EventChallenge,
    EventPair,
    EventRegistration,
    Interest,
    Meeting,
    Message,
    User,
)
from portal.models.enums import AccountStatus, Role
from portal.services import tokens
from portal.services.validation import org_number_check_digit

# Column order of the role x route table.
ROLES = (
    "anonymous",
    "pending_military",
    "sme_unvetted",
    "sme_vetted",
    "military_owner",
    "military_other",
    "organiser_owner",
    "organiser_other",
    "admin",
)

OWNER_UNIT = "Brigade North"
OTHER_UNIT = "Coastal Ranger Command"


def org_number(seed: int) -> str:
    """A valid Norwegian organisation number (modulus-11) derived from ``seed``."""
    for offset in range(100):
        stem = f"{(91000000 + seed * 97 + offset) % 100000000:08d}"
        digit = org_number_check_digit(stem)
        if digit is not None:
            return stem + str(digit)
    raise AssertionError("no valid organisation number found")


@dataclass
class World:
    users: dict[str, User | None]
    raw_tokens: dict[str, str]
    spare_token_ids: dict[str, int]
    challenges: dict[str, Challenge]
    companies: dict[str, Company]
    event: Event
    draft_event: Event
    other_event: Event
    interest: Interest
    pairs: dict[str, EventPair]
    meetings: dict[str, Meeting]
    victim: User
    extra: dict = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return self.users[role]


def _company(n: int, **fields) -> Company:
    values = {
        "name": f"Access Test Company {n} AS",
        "org_number": org_number(n),
        "country": "NO",
        "county": "Trøndelag",
        "description": "We build underwater acoustic sensors, sonar processing and autonomous "
                       "surface vessels for Arctic conditions.",
        "clearance": "none",
        "contact_name": f"Contact Person {n}",
        "contact_email": f"contact{n}@company{n}.test",
        "contact_phone": f"+47 400 00 0{n:02d}",
    }
    values.update(fields)
    company = Company(**values)
    db.session.add(company)
    return company


def _challenge(owner: User | None, unit: str, title: str, **fields) -> Challenge:
    values = {
        "title": title,
        "problem": "Detect small surface vessels in the Arctic with passive sonar and radar.",
        "context": "Arctic winter, maritime.",
        "effect": "Persistent situational awareness.",
        "unit": unit,
        "owner_id": owner.id if owner is not None else None,
        "status": "open",
        "visibility": "registered",
        "deadline": date.today() + timedelta(days=60),
    }
    values.update(fields)
    challenge = Challenge(**values)
    db.session.add(challenge)
    return challenge


def _event(organiser: User, name: str, **fields) -> Event:
    values = {
        "name": name,
        "county": "Trøndelag",
        "venue": "Brekstad",
        "date": date.today() + timedelta(days=20),
        "start_time": time(9, 0),
        "end_time": time(11, 0),
        "meeting_minutes": 20,
        "tables": 3,
        "regional_boost": 0.1,
        "status": "open",
        "organiser_id": organiser.id,
    }
    values.update(fields)
    event = Event(**values)
    db.session.add(event)
    return event


def _meeting(event: Event, pair: EventPair, slot: int, table: int) -> Meeting:
    start = datetime.combine(event.date, event.start_time) + timedelta(
        minutes=slot * event.meeting_minutes)
    meeting = Meeting(event_id=event.id, pair_id=pair.id, slot=slot, table_number=table,
                      starts_at=start, ends_at=start + timedelta(minutes=event.meeting_minutes),
                      confirmed=True)
    db.session.add(meeting)
    return meeting


def build_world(make_user) -> World:
    companies = {
        "unvetted": _company(1),
        "vetted": _company(2, clearance="facility", clearance_verified=True,
                           verified_at=utcnow()),
        "spare": _company(3, clearance="in_process"),
    }
    db.session.commit()
    users: dict[str, User | None] = {
        "anonymous": None,
        "pending_military": make_user(Role.MILITARY, status=AccountStatus.PENDING,
                                      unit=OWNER_UNIT, email="pending.mil@forces.test"),
        "sme_unvetted": make_user(Role.SME, company=companies["unvetted"],
                                  email="sme.unvetted@company1.test"),
        "sme_vetted": make_user(Role.SME, company=companies["vetted"],
                                email="sme.vetted@company2.test"),
        "military_owner": make_user(Role.MILITARY, unit=OWNER_UNIT, email="owner@forces.test"),
        "military_other": make_user(Role.MILITARY, unit=OTHER_UNIT, email="other@forces.test"),
        "organiser_owner": make_user(Role.ORGANISER, email="organiser@cluster.test"),
        "organiser_other": make_user(Role.ORGANISER, email="organiser2@cluster.test"),
        "admin": make_user(Role.ADMIN, email="admin@portal.test"),
    }
    victim = make_user(Role.ORGANISER, status=AccountStatus.PENDING, email="victim@cluster.test")
    owner = users["military_owner"]
    challenges = {
        "public": _challenge(owner, OWNER_UNIT, "Public sonar challenge", visibility="public"),
        "registered": _challenge(owner, OWNER_UNIT, "Registered radar challenge"),
        "vetted": _challenge(owner, OWNER_UNIT, "Vetted acoustic challenge",
                             visibility="vetted"),
        "draft": _challenge(owner, OWNER_UNIT, "Draft drone challenge", status="draft",
                            visibility="public"),
        "detachable": _challenge(owner, OWNER_UNIT, "Detachable buoy challenge"),
        "other_unit": _challenge(users["military_other"], OTHER_UNIT,
                                 "Other unit's cold-weather challenge"),
    }
    db.session.commit()
    organiser = users["organiser_owner"]
    event = _event(organiser, "Trøndelag access day")
    draft_event = _event(organiser, "Draft planning day", status="draft")
    other_event = _event(users["organiser_other"], "Nordland partner day", county="Nordland",
                         status="draft")
    db.session.flush()
    for key in ("public", "registered", "vetted", "detachable"):
        db.session.add(EventChallenge(event_id=event.id, challenge_id=challenges[key].id))
    db.session.add(EventChallenge(event_id=other_event.id,
                                  challenge_id=challenges["other_unit"].id))
    for company in (companies["unvetted"], companies["vetted"]):
        db.session.add(EventRegistration(event_id=event.id, company_id=company.id,
                                         status="registered"))
    interest = Interest(challenge_id=challenges["registered"].id,
                        company_id=companies["unvetted"].id,
                        user_id=users["sme_unvetted"].id, pitch="We can help with radar.")
    db.session.add(interest)
    db.session.flush()

    def pair(challenge_key: str, company_key: str, state: str, origin="matchmaking"):
        row = EventPair(event_id=event.id, challenge_id=challenges[challenge_key].id,
                        company_id=companies[company_key].id, state=state, origin=origin,
                        score=0.7, components='{"components": {"semantic": 0.7}}')
        db.session.add(row)
        return row

    pairs = {
        "invited": pair("registered", "unvetted", "invited"),
        "requested": pair("public", "vetted", "requested", origin="request"),
        "meeting": pair("public", "unvetted", "accepted"),
        "vetted_meeting": pair("vetted", "vetted", "accepted"),
        "proposed": pair("registered", "vetted", "proposed"),
    }
    db.session.flush()
    meetings = {
        "meeting": _meeting(event, pairs["meeting"], 0, 1),
        "vetted_meeting": _meeting(event, pairs["vetted_meeting"], 1, 1),
    }
    # A conversation between the owner unit and the unvetted company about a registered
    # challenge (attached to the organiser's event), with one message from each side.
    conversation = Conversation(challenge_id=challenges["registered"].id,
                                company_id=companies["unvetted"].id, started_by_id=owner.id)
    db.session.add(conversation)
    db.session.flush()
    db.session.add_all([
        Message(conversation_id=conversation.id, author_id=owner.id, side="staff",
                body="Can your radar see small boats in sea clutter?"),
        Message(conversation_id=conversation.id, author_id=users["sme_unvetted"].id,
                side="company", body="Yes, down to 2 m hulls at 5 km."),
    ])
    db.session.commit()

    raw_tokens: dict[str, str] = {}
    spare_token_ids: dict[str, int] = {}
    for role, user in users.items():
        if user is None:
            continue
        _token, raw = tokens.create_token(db.session, user, "access tests")
        spare, _raw = tokens.create_token(db.session, user, "spare")
        raw_tokens[role] = raw
        spare_token_ids[role] = spare.id
    db.session.commit()
    # An id that is no user's spare token: what an anonymous caller is given.
    spare_token_ids["anonymous"] = db.session.query(ApiToken).order_by(ApiToken.id).first().id
    return World(users=users, raw_tokens=raw_tokens, spare_token_ids=spare_token_ids,
                 challenges=challenges, companies=companies, event=event,
                 draft_event=draft_event, other_event=other_event, interest=interest,
                 pairs=pairs, meetings=meetings, victim=victim,
                 extra={"conversation": conversation})


@pytest.fixture
def world(make_user) -> World:
    return build_world(make_user)


@pytest.fixture
def as_role(app, world, login):
    """A fresh test client for ``role``: logged in through the session cookie (not anonymous).

    Call it again before each request when a request may end the session (logout, password
    change): the user is re-read so the cookie carries the current session token.
    """

    def make(role: str, client=None):
        client = client or app.test_client()
        user = world.user(role)
        if user is None:
            with client.session_transaction() as session:
                session.clear()
            return client
        db.session.refresh(user)
        login(user, client)
        return client

    return make


def bearer(world: World, role: str) -> dict[str, str]:
    raw = world.raw_tokens.get(role)
    return {"Authorization": f"Bearer {raw}"} if raw else {}


def category(response, client=None) -> str:
    """The outcome class of a response, as the role x route table writes it.

    A redirect elsewhere than the login or pending page is "ok" only when it carries no error
    or warning message: with ``client`` (the test client that made the request), a redirect
    that flashed one is "refused".
    """
    status = response.status_code
    if 200 <= status < 300:
        return "ok"
    if status in (301, 302, 303, 307, 308):
        path = urlsplit(response.headers.get("Location", "")).path
        if path.startswith("/auth/login"):
            return "login"
        if path == "/pending":
            return "pending"
        if client is not None and _flashed(client) & {"error", "warning"}:
            return "refused"
        return "ok"
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 422: "invalid"}.get(
        status, f"status_{status}")


def _flashed(client) -> set[str]:
    """Categories of the messages waiting in the client's session (they stay there: the
    session is only read)."""
    with client.session_transaction() as session:
        return {category for category, _message in session.get("_flashes", [])}


def body_texts(response) -> list[str]:
    """Every readable form of a response body: raw text, and XLSX cell values when zipped."""
    data = response.get_data()
    texts = [data.decode("utf-8", "replace")]
    if data[:2] == b"PK":
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True)
        cells = []
        for sheet in workbook.worksheets:
            cells.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells.extend(str(value) for value in row if value is not None)
        texts.append("\n".join(cells))
        # Shared strings and other parts, in case a value hides outside the cell grid.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                texts.append(archive.read(name).decode("utf-8", "replace"))
    if b"BEGIN:VCALENDAR" in data:
        # iCalendar folds long lines at 75 octets: unfold before searching.
        texts.append(data.decode("utf-8", "replace").replace("\r\n ", "").replace("\n ", ""))
    return texts

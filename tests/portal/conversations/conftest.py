"""A challenge owner, a company with two users, and helpers for the conversation tests."""

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest

from portal.db import db
from portal.models import Challenge, Company, Event, EventChallenge, User
from portal.models.enums import Role
from portal.services import tokens
from tests.conftest import add_challenge

UNIT = "Brigade North"


@dataclass
class Cast:
    owner: User
    other_military: User
    organiser: User
    other_organiser: User
    admin: User
    sme: User
    colleague: User
    outsider_sme: User
    company: Company
    challenge: Challenge
    vetted_challenge: Challenge

    def token(self, user: User) -> dict[str, str]:
        raw = tokens.create_token(db.session, user, "tests")[1]
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}


def make_challenge(owner: User, **fields) -> Challenge:
    defaults = {"title": "Ice on radar domes", "problem": "Radar domes ice up in winter storms.",
                "status": "open", "visibility": "registered",
                "deadline": date.today() + timedelta(days=30)}
    return add_challenge(defaults, owner=owner, **fields)


@pytest.fixture
def cast(make_user, make_company) -> Cast:
    company = make_company(name="Isfri Belegg AS", description="Ice-phobic coatings.",
                           contact_email="post@isfri.test")
    owner = make_user(Role.MILITARY, unit=UNIT, email="owner@forces.test", full_name="Ola Owner")
    organiser = make_user(Role.ORGANISER, email="organiser@cluster.test")
    challenge = make_challenge(owner)
    vetted_challenge = make_challenge(owner, title="Classified de-icing", visibility="vetted")
    event = Event(name="Coast day", county="Troms", venue="Tromsø",
                  date=date.today() + timedelta(days=9), start_time=time(9), end_time=time(12),
                  meeting_minutes=20, tables=2, status="open", organiser_id=organiser.id)
    db.session.add(event)
    db.session.flush()
    db.session.add(EventChallenge(event_id=event.id, challenge_id=challenge.id))
    db.session.commit()
    return Cast(
        owner=owner,
        other_military=make_user(Role.MILITARY, unit="Coastal Rangers"),
        organiser=organiser,
        other_organiser=make_user(Role.ORGANISER),
        admin=make_user(Role.ADMIN),
        sme=make_user(Role.SME, company=company, email="kari@isfri.test", full_name="Kari"),
        colleague=make_user(Role.SME, company=company, email="per@isfri.test"),
        outsider_sme=make_user(Role.SME),
        company=company,
        challenge=challenge,
        vetted_challenge=vetted_challenge,
    )

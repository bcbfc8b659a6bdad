"""Fixtures for event tests: organisers, challenges and events built directly with the ORM."""

from datetime import date, time, timedelta

import pytest

from portal.db import db
from portal.models import Challenge, Event, EventChallenge, EventPair, EventRegistration
from portal.models.enums import Role
from tests.conftest import add_challenge


@pytest.fixture
def organiser(make_user):
    return make_user(Role.ORGANISER, email="organiser@example.test")


@pytest.fixture
def make_challenge(app):
    def factory(**fields) -> Challenge:
        defaults = {
            "title": "Arctic sensor network",
            "problem": "We need robust sensors that survive Arctic winter conditions on land.",
            "effect": "Persistent situational awareness.",
            "unit": "Brigade North",
            "status": "open",
            "visibility": "registered",
        }
        return add_challenge(defaults, **fields)

    return factory


@pytest.fixture
def make_event(app):
    def factory(organiser, *, challenges=(), **fields) -> Event:
        values = {
            "name": "Trøndelag innovation day",
            "county": "Trøndelag",
            "venue": "Brekstad",
            "date": date.today() + timedelta(days=20),
            "start_time": time(9, 0),
            "end_time": time(10, 0),
            "meeting_minutes": 20,
            "tables": 2,
            "regional_boost": 0.1,
            "status": "open",
            "organiser_id": organiser.id if organiser is not None else None,
        }
        values.update(fields)
        event = Event(**values)
        db.session.add(event)
        db.session.flush()
        for challenge in challenges:
            db.session.add(EventChallenge(event_id=event.id, challenge_id=challenge.id))
        db.session.commit()
        return event

    return factory


@pytest.fixture
def make_pair(app):
    def factory(event, challenge, company, *, state="accepted", score=0.5, register=True,
                origin="matchmaking") -> EventPair:
        pair = EventPair(event_id=event.id, challenge_id=challenge.id, company_id=company.id,
                         state=state, score=score, origin=origin, components="{}")
        db.session.add(pair)
        if register and db.session.query(EventRegistration).filter_by(
                event_id=event.id, company_id=company.id).first() is None:
            db.session.add(EventRegistration(event_id=event.id, company_id=company.id,
                                             status="registered"))
        db.session.commit()
        return pair

    return factory

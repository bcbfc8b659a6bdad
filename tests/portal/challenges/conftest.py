"""Fixtures for the challenge tests."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import Area, Challenge


@pytest.fixture
def make_challenge(app):
    """Create a challenge: ``make_challenge(unit=..., status="open", visibility="public")``."""

    def factory(*, areas=(), **fields) -> Challenge:
        values = {
            "title": "Untitled challenge",
            "problem": "Units need a way to see what happens in the dark, cold and far away.",
            "context": "Arctic winter.",
            "effect": "Better situational awareness.",
            "unit": "Unit X",
            "status": "open",
            "visibility": "public",
            "deadline": date.today() + timedelta(days=30),
        }
        values.update(fields)
        challenge = Challenge(**values)
        if areas:
            challenge.areas = list(db.session.scalars(
                select(Area).where(Area.slug.in_(list(areas)))))
        db.session.add(challenge)
        db.session.commit()
        return challenge

    return factory

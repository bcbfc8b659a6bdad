"""Fixtures for the matching bridge, pages and CLI tests."""

import itertools

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import Area, Challenge

_numbers = itertools.count(1)


def areas(*slugs: str) -> list[Area]:
    rows = {a.slug: a for a in db.session.scalars(select(Area).where(Area.slug.in_(slugs)))}
    return [rows[s] for s in slugs]


@pytest.fixture
def make_challenge(app):
    """Create a challenge: ``make_challenge(unit=..., visibility=..., status=..., areas=[...])``."""

    def factory(*, unit: str = "Unit X", area_slugs=(), **fields) -> Challenge:
        n = next(_numbers)
        values = {
            "title": f"Challenge {n}",
            "problem": "We need better sensors for harsh Arctic conditions.",
            "status": "open",
            "visibility": "registered",
            "unit": unit,
        }
        values.update(fields)
        challenge = Challenge(**values)
        challenge.areas = areas(*area_slugs)
        db.session.add(challenge)
        db.session.commit()
        return challenge

    return factory



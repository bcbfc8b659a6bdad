"""Fixtures for the matching bridge, pages and CLI tests."""

import itertools

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import Area, Challenge
from tests.conftest import add_challenge

_numbers = itertools.count(1)


def areas(*slugs: str) -> list[Area]:
    rows = {a.slug: a for a in db.session.scalars(select(Area).where(Area.slug.in_(slugs)))}
    return [rows[s] for s in slugs]


@pytest.fixture
def make_challenge(app):
    """Create a challenge: ``make_challenge(unit=..., visibility=..., area_slugs=[...])``."""

    def factory(**fields) -> Challenge:
        defaults = {
            "title": f"Challenge {next(_numbers)}",
            "problem": "We need better sensors for harsh Arctic conditions.",
            "status": "open",
            "visibility": "registered",
            "unit": "Unit X",
        }
        return add_challenge(defaults, **fields)

    return factory



"""Fixtures for the challenge tests."""

from datetime import date, timedelta

import pytest

from portal.models import Challenge
from tests.conftest import add_challenge


@pytest.fixture
def make_challenge(app):
    """Create a challenge: ``make_challenge(unit=..., status="open", visibility="public")``."""

    def factory(**fields) -> Challenge:
        defaults = {
            "title": "Untitled challenge",
            "problem": "Units need a way to see what happens in the dark, cold and far away.",
            "context": "Arctic winter.",
            "effect": "Better situational awareness.",
            "unit": "Unit X",
            "status": "open",
            "visibility": "public",
            "deadline": date.today() + timedelta(days=30),
        }
        return add_challenge(defaults, **fields)

    return factory

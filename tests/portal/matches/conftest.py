"""The match pages use the challenge fixture of the matching service's tests."""

from tests.portal.matching.conftest import make_challenge

__all__ = ["make_challenge"]

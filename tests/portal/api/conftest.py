"""Fixtures for the JSON API tests: bearer tokens and challenges."""

import itertools

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import Area, Challenge
from portal.services import tokens

_numbers = itertools.count(1)


@pytest.fixture
def api(app):
    """A client that calls the API with a bearer token: ``api(user).get(...)``."""

    class Client:
        def __init__(self, user=None):
            self.client = app.test_client()
            self.headers = {}
            if user is not None:
                _token, raw = tokens.create_token(db.session, user, "test")
                db.session.commit()
                self.headers["Authorization"] = f"Bearer {raw}"

        def _call(self, method, url, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return getattr(self.client, method)(url, headers=headers, **kwargs)

        def get(self, url, **kwargs):
            return self._call("get", url, **kwargs)

        def post(self, url, **kwargs):
            return self._call("post", url, **kwargs)

        def put(self, url, **kwargs):
            return self._call("put", url, **kwargs)

    return Client


@pytest.fixture
def make_challenge(app):
    def factory(*, unit: str = "Unit X", area_slugs=(), **fields) -> Challenge:
        n = next(_numbers)
        values = {"title": f"Challenge {n}", "problem": "Passive sonar for quiet submarines.",
                  "status": "open", "visibility": "registered", "unit": unit}
        values.update(fields)
        challenge = Challenge(**values)
        if area_slugs:
            challenge.areas = list(db.session.scalars(
                select(Area).where(Area.slug.in_(area_slugs))))
        db.session.add(challenge)
        db.session.commit()
        return challenge

    return factory

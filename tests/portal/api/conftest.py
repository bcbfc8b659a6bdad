"""Fixtures for the JSON API tests: bearer tokens and challenges."""

import itertools

import pytest

from portal.db import db
from portal.models import Challenge
from portal.services import tokens
from tests.conftest import add_challenge

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

        def delete(self, url, **kwargs):
            return self._call("delete", url, **kwargs)

    return Client


@pytest.fixture
def make_challenge(app):
    def factory(**fields) -> Challenge:
        defaults = {"title": f"Challenge {next(_numbers)}",
                    "problem": "Passive sonar for quiet submarines.",
                    "status": "open", "visibility": "registered", "unit": "Unit X"}
        return add_challenge(defaults, **fields)

    return factory

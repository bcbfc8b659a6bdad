"""Hole 9: the API is rate-limited per token and per address, 429 with Retry-After."""

import pytest

from portal.db import db
from portal.services import tokens


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "API_RATE_LIMIT_PER_TOKEN": "3 per minute",
            "API_RATE_LIMIT_PER_ADDRESS": "5 per minute"}


def _bearer(user) -> dict[str, str]:
    _row, raw = tokens.create_token(db.session, user, "script")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_token_limit_answers_429_with_retry_after(client, make_user):
    headers = _bearer(make_user("sme"))
    for _ in range(3):
        assert client.get("/api/v1/challenges", headers=headers,
                          environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200
    response = client.get("/api/v1/challenges", headers=headers,
                          environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.get_json()["error"]["code"] == 429
    # Another token of another user is counted apart.
    other = _bearer(make_user("sme"))
    assert client.get("/api/v1/challenges", headers=other,
                      environ_base={"REMOTE_ADDR": "10.0.0.3"}).status_code == 200


def test_address_limit_covers_anonymous_calls(client):
    for _ in range(5):
        assert client.get("/api/v1/challenges",
                          environ_base={"REMOTE_ADDR": "10.1.0.1"}).status_code == 200
    response = client.get("/api/v1/challenges", environ_base={"REMOTE_ADDR": "10.1.0.1"})
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert client.get("/api/v1/challenges",
                      environ_base={"REMOTE_ADDR": "10.1.0.2"}).status_code == 200


def test_pages_outside_the_api_are_not_limited(client):
    for _ in range(8):
        assert client.get("/", environ_base={"REMOTE_ADDR": "10.2.0.1"}).status_code == 200


def test_openapi_documents_the_429_on_every_operation(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = [op for item in document["paths"].values() for op in item.values()
                  if isinstance(op, dict) and "responses" in op]
    assert operations
    for operation in operations:
        assert "429" in operation["responses"], operation.get("summary")

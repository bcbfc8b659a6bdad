"""A bearer-token call that builds the matching index must not lock itself out on SQLite.

``authenticate_token`` stamps ``last_used_at`` on the request's session; the ranking's first
query autoflushes it (SQLite: a write lock for the rest of the request). An embedding cache
that wrote on a connection of its own would wait out the busy timeout for every batch and
give up: the cache would stay empty and a warning would be logged.
"""

import logging

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.models import ApiToken, Challenge, Embedding
from portal.models.enums import Role
from portal.services import tokens


@pytest.fixture
def app_config():
    # Keep a lock wait short, should one happen, so the failing case costs little time.
    return {"SQLITE_BUSY_TIMEOUT_MS": 300}


def test_bearer_recommendations_store_embeddings_without_a_lock_wait(app, client, make_user,
                                                                     caplog):
    user = make_user(Role.SME)
    db.session.add(Challenge(title="Passive sonar", problem="Quiet submarines, passive sonar.",
                             unit="Unit X", status="open", visibility="public"))
    _token, raw = tokens.create_token(db.session, user, "lock test")
    db.session.commit()
    with caplog.at_level(logging.WARNING):
        response = client.get("/api/v1/me/recommendations",
                              headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert not [r for r in caplog.records if "embeddings" in r.getMessage()]
    stored = db.session.scalar(select(func.count()).select_from(Embedding))
    assert stored > 0, "the embedding cache write was locked out"


def test_bearer_call_persists_last_used_at(app, make_user):
    user = make_user(Role.SME)
    token, raw = tokens.create_token(db.session, user, "stamp test")
    db.session.commit()
    token_id = token.id
    # A request in its own app context, as in production (teardown removes the session).
    with app.app_context():
        client = app.test_client()
        response = client.get("/api/v1/challenges", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200
    with db.engine.connect() as connection:
        stamped = connection.execute(
            select(ApiToken.last_used_at).where(ApiToken.id == token_id)).scalar_one()
    assert stamped is not None

"""Conversations through the JSON API."""

from sqlalchemy import select

from portal.db import db
from portal.models import Conversation


def _create(client, cast, headers, **overrides):
    payload = {"challenge_id": cast.challenge.id, "company_id": cast.company.id,
               "body": "Can your coating keep radar domes free of ice?"}
    payload.update(overrides)
    return client.post("/api/v1/conversations", json=payload, headers=headers)


def test_start_list_reply_through_the_api(cast, client):
    owner, sme = cast.token(cast.owner), cast.token(cast.sme)
    response = _create(client, cast, owner)
    assert response.status_code == 201
    created = response.get_json()
    assert created["id"] == db.session.scalars(select(Conversation)).one().id
    assert created["company"] == {"id": cast.company.id, "name": "Isfri Belegg AS"}

    listing = client.get("/api/v1/conversations", headers=sme).get_json()["items"]
    assert [c["id"] for c in listing] == [created["id"]]
    item = listing[0]
    assert item["challenge"]["title"] == "Ice on radar domes"
    assert item["unread"] == 1
    [message] = item["messages"]
    assert set(message) == {"id", "author", "body", "sent_at"}
    assert message["body"] == "Can your coating keep radar domes free of ice?"
    assert message["author"]["side"] == "staff"

    response = client.post(f"/api/v1/conversations/{created['id']}/messages",
                           json={"body": "Yes, down to -30 °C."}, headers=sme)
    assert response.status_code == 201
    assert response.get_json()["body"] == "Yes, down to -30 °C."
    owner_view = client.get("/api/v1/conversations", headers=owner).get_json()["items"][0]
    assert [m["body"] for m in owner_view["messages"]] == [
        "Can your coating keep radar domes free of ice?", "Yes, down to -30 °C."]
    assert owner_view["unread"] == 1


def test_newest_activity_first(cast, client, make_company):
    owner = cast.token(cast.owner)
    first = _create(client, cast, owner).get_json()["id"]
    other = make_company(name="Andre AS")
    second = _create(client, cast, owner, company_id=other.id).get_json()["id"]
    ids = [c["id"] for c in client.get("/api/v1/conversations", headers=owner).get_json()["items"]]
    assert ids == [second, first]
    client.post(f"/api/v1/conversations/{first}/messages", json={"body": "Bump."}, headers=owner)
    ids = [c["id"] for c in client.get("/api/v1/conversations", headers=owner).get_json()["items"]]
    assert ids == [first, second]


def test_outsiders_get_404(cast, client):
    conversation_id = _create(client, cast, cast.token(cast.owner)).get_json()["id"]
    for user in (cast.outsider_sme, cast.other_military, cast.other_organiser):
        headers = cast.token(user)
        response = client.post(f"/api/v1/conversations/{conversation_id}/messages",
                               json={"body": "Let me in."}, headers=headers)
        assert response.status_code == 404
        assert client.get("/api/v1/conversations", headers=headers).get_json()["items"] == []
    # An SME cannot start a conversation, not even with its own company.
    assert _create(client, cast, cast.token(cast.sme)).status_code == 404


def test_vetted_rule_and_validation(cast, client):
    owner = cast.token(cast.owner)
    response = _create(client, cast, owner, challenge_id=cast.vetted_challenge.id)
    assert response.status_code == 422
    assert "vetted" in response.get_json()["error"]["message"]
    assert _create(client, cast, owner, body="x" * 4001).status_code == 422
    assert _create(client, cast, owner, body="  ").status_code == 422
    assert _create(client, cast, owner, extra=1).status_code == 422
    assert _create(client, cast, owner, company_id=10**6).status_code == 404
    assert db.session.scalars(select(Conversation)).all() == []


def test_hidden_topic_in_the_api(cast, client):
    sme = cast.token(cast.sme)
    _create(client, cast, cast.token(cast.owner))
    cast.challenge.status = "draft"
    db.session.commit()
    [item] = client.get("/api/v1/conversations", headers=sme).get_json()["items"]
    assert item["challenge"]["id"] is None
    assert "Ice on radar domes" not in str(item)
    assert item["messages"] == [] and item["closed"] is True
    response = client.post(f"/api/v1/conversations/{item['id']}/messages",
                           json={"body": "Hello?"}, headers=sme)
    assert response.status_code == 422


def test_database_refuses_an_empty_message(cast, client):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from portal.models import Message

    conversation_id = _create(client, cast, cast.token(cast.owner)).get_json()["id"]
    db.session.add(Message(conversation_id=conversation_id, side="staff", body=""))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()

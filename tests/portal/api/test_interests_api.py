"""Expressions of interest through the API: the challenge page's rules, service and audit rows."""

import pytest
from sqlalchemy import select

from portal.api.openapi import build_document
from portal.db import db
from portal.models import AuditEntry, Interest, Notification
from portal.services.schemas.interest import PITCH_MAX_LENGTH, PITCH_MIN_LENGTH

PITCH = "Our passive sonar arrays hear quiet submarines at long range."


@pytest.fixture
def owner(make_user):
    return make_user(role="military", unit="Brigade North")


@pytest.fixture
def open_challenge(make_challenge, owner):
    return make_challenge(owner=owner, title="Quiet submarine detection")


def url(challenge) -> str:
    return f"/api/v1/challenges/{challenge.id}/interest"


def interest_rows(challenge) -> list[Interest]:
    return list(db.session.scalars(select(Interest).where(Interest.challenge_id == challenge.id)
                                   .order_by(Interest.id)))


def audit_actions(user) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id)
                                   .order_by(AuditEntry.id)))


def test_sme_expresses_edits_and_withdraws_interest(api, make_user, open_challenge, owner):
    sme = make_user()
    client = api(sme)

    created = client.put(url(open_challenge), json={"pitch": f"  {PITCH}  "})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["challenge"] == {"id": open_challenge.id, "title": "Quiet submarine detection"}
    assert body["pitch"] == PITCH  # stored stripped
    assert body["status"] == "new"
    assert body["created_at"].endswith("Z")
    [row] = interest_rows(open_challenge)
    assert (row.company_id, row.user_id, row.pitch) == (sme.company_id, sme.id, PITCH)

    # The owner's verdict stays when the pitch changes.
    row.status = "shortlisted"
    db.session.commit()
    edited = client.put(url(open_challenge), json={"pitch": PITCH + " And towed arrays."})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["status"] == "shortlisted"
    assert interest_rows(open_challenge)[0].pitch == PITCH + " And towed arrays."

    withdrawn = client.delete(url(open_challenge))
    assert withdrawn.status_code == 204
    assert withdrawn.get_data() == b""
    assert interest_rows(open_challenge) == []
    # The same audit rows as the page, and the owner was told each time.
    assert audit_actions(sme)[-3:] == ["interest_create", "interest_edit", "interest_withdraw"]
    notices = db.session.scalars(select(Notification).where(Notification.user_id == owner.id))
    assert len(list(notices)) == 3
    # Withdrawn twice: nothing left to withdraw.
    assert client.delete(url(open_challenge)).status_code == 404


def test_my_interests_lists_the_company_s_interests_newest_first(api, make_user,
                                                                 make_challenge, owner):
    sme = make_user()
    colleague = make_user(company=sme.company)
    first = make_challenge(owner=owner, title="First challenge")
    second = make_challenge(owner=owner, title="Second challenge")
    assert api(sme).put(url(first), json={"pitch": PITCH}).status_code == 201
    assert api(colleague).put(url(second), json={"pitch": PITCH}).status_code == 201
    # Another company's interest is not listed.
    assert api(make_user()).put(url(first), json={"pitch": PITCH}).status_code == 201

    body = api(sme).get("/api/v1/me/interests").get_json()
    assert [i["challenge"]["title"] for i in body["items"]] == ["Second challenge",
                                                                 "First challenge"]
    assert set(body["items"][0]) == {"challenge", "pitch", "status", "created_at"}


def test_my_interests_leaves_out_challenges_the_company_may_no_longer_see(
        api, make_user, make_challenge, owner, login, client):
    """As the My interests page: a challenge made vetted-only after the interest was sent
    disappears from the list, title and all."""
    sme = make_user()
    hidden = make_challenge(owner=owner, title="Soon vetted-only challenge")
    kept = make_challenge(owner=owner, title="Still registered challenge")
    for challenge in (hidden, kept):
        assert api(sme).put(url(challenge), json={"pitch": PITCH}).status_code == 201
    hidden.visibility = "vetted"
    db.session.commit()
    response = api(sme).get("/api/v1/me/interests")
    assert [i["challenge"]["id"] for i in response.get_json()["items"]] == [kept.id]
    assert "Soon vetted-only" not in response.get_data(as_text=True)
    page = login(sme, client).get("/company/interests").get_data(as_text=True)
    assert "Still registered challenge" in page and "Soon vetted-only" not in page


def test_another_company_cannot_touch_an_interest(api, make_user, open_challenge):
    sme, other = make_user(), make_user()
    assert api(sme).put(url(open_challenge), json={"pitch": PITCH}).status_code == 201
    # The other company has no interest to withdraw; its PUT makes its own, never edits ours.
    assert api(other).delete(url(open_challenge)).status_code == 404
    assert api(other).put(url(open_challenge),
                          json={"pitch": "A different company's own pitch."}).status_code == 201
    rows = {row.company_id: row.pitch for row in interest_rows(open_challenge)}
    assert rows == {sme.company_id: PITCH, other.company_id: "A different company's own pitch."}
    assert [i["pitch"] for i in api(other).get("/api/v1/me/interests").get_json()["items"]] \
        == ["A different company's own pitch."]


@pytest.mark.parametrize("role", ["military", "organiser", "admin"])
def test_other_roles_are_refused(api, make_user, open_challenge, role):
    caller = api(make_user(role=role))
    assert caller.put(url(open_challenge), json={"pitch": PITCH}).status_code == 403
    assert caller.delete(url(open_challenge)).status_code == 403
    assert caller.get("/api/v1/me/interests").status_code == 403
    assert interest_rows(open_challenge) == []


def test_anonymous_is_401(api, open_challenge):
    anonymous = api()
    assert anonymous.put(url(open_challenge), json={"pitch": PITCH}).status_code == 401
    assert anonymous.delete(url(open_challenge)).status_code == 401
    assert anonymous.get("/api/v1/me/interests").status_code == 401


def test_an_sme_without_a_company_profile_is_403(api, make_user, open_challenge):
    sme = make_user()
    sme.company_id = None
    db.session.commit()
    response = api(sme).put(url(open_challenge), json={"pitch": PITCH})
    assert response.status_code == 403
    assert "company profile" in response.get_json()["error"]["message"]
    assert api(sme).get("/api/v1/me/interests").get_json() == {"items": []}


def test_a_challenge_the_caller_may_not_see_is_404(api, make_user, make_challenge, owner):
    vetted_only = make_challenge(owner=owner, visibility="vetted", title="Secret sonar")
    draft = make_challenge(owner=owner, status="draft")
    unvetted = api(make_user())
    for challenge in (vetted_only, draft):
        response = unvetted.put(url(challenge), json={"pitch": PITCH})
        assert response.status_code == 404
        assert "Secret sonar" not in response.get_data(as_text=True)
        assert unvetted.delete(url(challenge)).status_code == 404
    assert unvetted.put("/api/v1/challenges/999999/interest",
                        json={"pitch": PITCH}).status_code == 404
    # Even a military user of another unit gets 404 for a draft, before the role's 403.
    assert api(make_user(role="military")).put(url(draft), json={"pitch": PITCH}).status_code \
        == 404
    # A vetted company may express interest in the vetted-only challenge.
    assert api(make_user(vetted=True)).put(url(vetted_only),
                                           json={"pitch": PITCH}).status_code == 201
    assert [row.challenge_id for row in interest_rows(vetted_only)] == [vetted_only.id]


def test_a_closed_challenge_takes_no_new_or_changed_interest(api, make_user, open_challenge):
    sme = make_user()
    assert api(sme).put(url(open_challenge), json={"pitch": PITCH}).status_code == 201
    open_challenge.status = "closed"
    db.session.commit()
    newcomer = api(make_user()).put(url(open_challenge), json={"pitch": PITCH})
    assert newcomer.status_code == 422
    assert "no longer open" in newcomer.get_json()["error"]["message"]
    assert api(sme).put(url(open_challenge), json={"pitch": PITCH + "!"}).status_code == 422
    assert api(sme).delete(url(open_challenge)).status_code == 422
    assert [row.pitch for row in interest_rows(open_challenge)] == [PITCH]


@pytest.mark.parametrize("payload, field", [
    ({}, "pitch"),
    ({"pitch": None}, "pitch"),
    ({"pitch": 42}, "pitch"),
    ({"pitch": "x" * (PITCH_MIN_LENGTH - 1)}, "pitch"),
    ({"pitch": "x" * (PITCH_MAX_LENGTH + 1)}, "pitch"),
    ({"pitch": " " * PITCH_MIN_LENGTH}, "pitch"),
    # Long enough as sent, too short once stripped (the service counts the stripped text).
    ({"pitch": " " * (PITCH_MIN_LENGTH - 1) + "x"}, "pitch"),
    ({"pitch": PITCH, "status": "shortlisted"}, "status"),
    ({"pitch": PITCH, "company_id": 1}, "company_id"),
])
def test_invalid_input_is_422_naming_the_field(api, make_user, open_challenge, payload, field):
    response = api(make_user()).put(url(open_challenge), json=payload)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
    assert interest_rows(open_challenge) == []


@pytest.mark.parametrize("pitch", ["We hear submarines\x00 well enough", "\ud800" * 30])
def test_text_no_database_can_hold_is_400(api, make_user, open_challenge, pitch):
    response = api(make_user()).put(url(open_challenge), json={"pitch": pitch})
    assert response.status_code == 400
    assert interest_rows(open_challenge) == []


def test_a_cookie_call_needs_the_csrf_token(app, make_user, open_challenge, login):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    login(make_user(), client)
    assert client.put(url(open_challenge), json={"pitch": PITCH}).status_code == 400
    assert client.delete(url(open_challenge)).status_code == 400
    assert interest_rows(open_challenge) == []


def test_the_document_lists_the_interest_operations():
    document = build_document()
    paths = document["paths"]
    assert set(paths["/api/v1/challenges/{challenge_id}/interest"]) == {"put", "delete"}
    assert set(paths["/api/v1/me/interests"]) == {"get"}
    put = paths["/api/v1/challenges/{challenge_id}/interest"]["put"]
    assert {"200", "201", "401", "403", "404", "409", "422", "429"} <= set(put["responses"])
    assert "204" in paths["/api/v1/challenges/{challenge_id}/interest"]["delete"]["responses"]
    pitch = document["components"]["schemas"]["Interest"]["properties"]["pitch"]
    assert (pitch["minLength"], pitch["maxLength"]) == (PITCH_MIN_LENGTH, PITCH_MAX_LENGTH)
    schema = document["components"]["schemas"]["Interest"]
    assert all(schema["properties"][name].get("readOnly")
               for name in ("challenge", "status", "created_at"))

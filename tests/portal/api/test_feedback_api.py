"""Judgements of matches through the API: whoever sees a challenge's matches on the web."""

import pytest
from sqlalchemy import select

from portal.api.openapi import build_document
from portal.db import db
from portal.models import AuditEntry, MatchFeedback
from portal.services.schemas.feedback import COMMENT_MAX_LENGTH, VERDICTS


@pytest.fixture
def owner(make_user):
    return make_user(role="military", unit="Brigade North")


@pytest.fixture
def challenge(make_challenge, owner):
    return make_challenge(owner=owner, title="Arctic radar")


@pytest.fixture
def company(make_company):
    return make_company(name="Radar Works AS")


def url(challenge, company) -> str:
    return f"/api/v1/challenges/{challenge.id}/feedback/{company.id}"


def feedback_rows(challenge) -> list[MatchFeedback]:
    return list(db.session.scalars(select(MatchFeedback).where(
        MatchFeedback.challenge_id == challenge.id).order_by(MatchFeedback.id)))


def test_owner_records_and_changes_a_judgement(api, owner, challenge, company):
    client = api(owner)
    response = client.put(url(challenge, company),
                          json={"verdict": "relevant", "comment": "  Good radar fit.  "})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("challenge_id", "company_id", "verdict", "comment")} == {
        "challenge_id": challenge.id, "company_id": company.id, "verdict": "relevant",
        "comment": "Good radar fit."}
    assert body["updated_at"].endswith("Z")

    again = client.put(url(challenge, company), json={"verdict": "not_relevant"})
    assert again.status_code == 200
    assert (again.get_json()["verdict"], again.get_json()["comment"]) == ("not_relevant", "")
    [row] = feedback_rows(challenge)  # one judgement per caller and pair
    assert (row.user_id, row.relevant, row.comment, row.source) == \
        (owner.id, False, "", "match_page")
    audit = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "match_feedback", AuditEntry.actor_id == owner.id)))
    assert len(audit) == 2
    assert audit[0].target_id == challenge.id


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_organisers_and_admins_judge_as_on_the_page(api, make_user, challenge, company, role):
    # The page lets every organiser see (and judge) a challenge's matches: so does the API.
    response = api(make_user(role=role)).put(url(challenge, company), json={"verdict": "relevant"})
    assert response.status_code == 200
    assert len(feedback_rows(challenge)) == 1


def test_callers_who_may_not_see_matches_are_refused(api, make_user, challenge, company):
    other_unit = make_user(role="military", unit="Coastal Rangers")
    response = api(other_unit).put(url(challenge, company), json={"verdict": "relevant"})
    assert response.status_code == 403
    # The refusal is audit-logged, as on the page.
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "access_denied", AuditEntry.actor_id == other_unit.id))
    sme = make_user(company=company)
    assert api(sme).put(url(challenge, company), json={"verdict": "relevant"}).status_code == 403
    assert api().put(url(challenge, company), json={"verdict": "relevant"}).status_code == 401
    assert feedback_rows(challenge) == []


def test_unknown_or_unsuited_company_and_invisible_challenge_are_404(
        api, make_user, make_challenge, make_company, owner, company):
    client = api(owner)
    vetted_only = make_challenge(owner=owner, visibility="vetted", title="Vetted radar")
    # The unvetted company may not see the vetted-only challenge: it is never judged for it.
    assert client.put(url(vetted_only, company), json={"verdict": "relevant"}).status_code == 404
    vetted = make_company(clearance="facility", clearance_verified=True)
    assert client.put(url(vetted_only, vetted), json={"verdict": "relevant"}).status_code == 200
    assert client.put(f"/api/v1/challenges/{vetted_only.id}/feedback/999999",
                      json={"verdict": "relevant"}).status_code == 404
    # Another unit's draft is invisible to this owner.
    other = make_user(role="military", unit="Coastal Rangers")
    draft = make_challenge(owner=other, status="draft")
    assert client.put(url(draft, company), json={"verdict": "relevant"}).status_code == 404
    assert [row.company_id for row in feedback_rows(vetted_only)] == [vetted.id]
    assert feedback_rows(draft) == []


@pytest.mark.parametrize("payload, field", [
    ({}, "verdict"),
    ({"verdict": "maybe"}, "verdict"),
    ({"verdict": True}, "verdict"),
    ({"verdict": "relevant", "comment": "x" * (COMMENT_MAX_LENGTH + 1)}, "comment"),
    ({"verdict": "relevant", "comment": 7}, "comment"),
    ({"verdict": "relevant", "company_id": 3}, "company_id"),
    ({"verdict": "relevant", "relevant": True}, "relevant"),
])
def test_invalid_input_is_422_naming_the_field(api, owner, challenge, company, payload, field):
    response = api(owner).put(url(challenge, company), json=payload)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
    assert feedback_rows(challenge) == []


def test_the_document_lists_the_feedback_operation():
    document = build_document()
    operation = document["paths"]["/api/v1/challenges/{challenge_id}/feedback/{company_id}"]
    assert set(operation) == {"put"}
    assert {"200", "401", "403", "404", "422", "429"} <= set(operation["put"]["responses"])
    properties = document["components"]["schemas"]["Feedback"]["properties"]
    assert properties["verdict"]["enum"] == list(VERDICTS)
    assert properties["comment"]["maxLength"] == COMMENT_MAX_LENGTH

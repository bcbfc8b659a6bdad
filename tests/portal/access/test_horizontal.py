"""Horizontal and field-level access, mass assignment and revocations (checklist 4-7).

Every refusal is checked twice: the status code, and the row afterwards (unchanged). Each
attack has a positive control where it matters (the rightful user's same request works), so a
test cannot pass because the request was malformed.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import (
    AuditEntry,
    Challenge,
    Company,
    EventPair,
    Interest,
    MatchFeedback,
    User,
)
from portal.models.enums import Role
from portal.services import audit
from tests.portal.access.conftest import OTHER_UNIT, ROLES, bearer, body_texts, category
from tests.portal.access.test_canary import sweep


def challenge_form(**overrides) -> dict:
    data = {
        "title": "Arctic drone detection", "problem": "Forward units cannot detect drones.",
        "context": "Inner Troms.", "effect": "Early warning.", "trl_min": "4", "trl_max": "7",
        "deadline": (date.today() + timedelta(days=30)).isoformat(),
        "contract_model": "prototype_test", "county": "Troms", "status": "open",
        "visibility": "registered",
    }
    data.update(overrides)
    return data


def company_form(company: Company, **overrides) -> dict:
    data = {
        "kind": "company", "name": company.name, "country": "NO",
        "org_number": company.org_number, "county": "Vestland", "municipality": "Bergen",
        "size_band": "10-49", "website": "https://example.test", "contact_name": "Ola",
        "contact_email": "post@fjordsonar.no", "contact_phone": "+47 55 12 34 56",
        "description": company.description, "trl": "6", "clearance": "none",
        "norwegian_owned": "y",
    }
    data.update(overrides)
    return data


def snapshot(row) -> dict:
    db.session.expire_all()
    db.session.refresh(row)
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


# --- military A vs unit B's challenge ---------------------------------------------------------

def test_other_unit_cannot_edit_or_change_status_of_a_challenge(world, as_role):
    challenge = world.challenges["registered"]
    before = snapshot(challenge)
    client = as_role("military_other")
    url = f"/challenges/{challenge.id}"
    assert client.get(f"{url}/edit").status_code == 403
    assert client.post(f"{url}/edit", data=challenge_form(title="Hijacked")).status_code == 403
    assert client.post(f"{url}/edit", data=challenge_form(status="closed")).status_code == 403
    api = as_role("anonymous")
    for payload in ({"title": "Hijacked"}, {"status": "closed"}, {"visibility": "public"}):
        response = api.put(f"/api/v1/challenges/{challenge.id}", json=payload,
                           headers=bearer(world, "military_other"))
        assert response.status_code == 403, payload
    # Interests of the challenge are the owner's to decide.
    interest_before = snapshot(world.interest)
    response = client.post(f"{url}/interests/{world.interest.id}", data={"status": "declined"})
    assert response.status_code == 403
    assert snapshot(world.interest) == interest_before
    assert snapshot(challenge) == before
    # Positive control: the owner's same API call works.
    response = api.put(f"/api/v1/challenges/{challenge.id}", json={"status": "closed"},
                       headers=bearer(world, "military_owner"))
    assert response.status_code == 200
    assert snapshot(challenge)["status"] == "closed"


def test_sme_and_organiser_cannot_edit_a_challenge_either(world, as_role):
    challenge = world.challenges["public"]
    before = snapshot(challenge)
    for role in ("sme_vetted", "organiser_owner"):
        client = as_role(role)
        assert client.post(f"/challenges/{challenge.id}/edit",
                           data=challenge_form(title="Hijacked")).status_code == 403
        response = as_role("anonymous").put(f"/api/v1/challenges/{challenge.id}",
                                            json={"title": "Hijacked"},
                                            headers=bearer(world, role))
        assert response.status_code == 403
    assert snapshot(challenge) == before


# --- SME A vs company B ------------------------------------------------------------------------

def test_sme_cannot_target_another_company_through_the_api(world, as_role):
    mine, other = world.companies["unvetted"], world.companies["vetted"]
    other_before, mine_before = snapshot(other), snapshot(mine)
    api = as_role("anonymous")
    headers = bearer(world, "sme_unvetted")
    for payload in ({"id": other.id, "name": "Taken over AS"},
                    {"company_id": other.id, "name": "Taken over AS"},
                    {"org_number": other.org_number}):
        response = api.put("/api/v1/me/company", json=payload, headers=headers)
        assert response.status_code in (409, 422), payload
    assert snapshot(other) == other_before
    assert snapshot(mine) == mine_before
    # Reading "my company" always returns the caller's own.
    assert api.get("/api/v1/me/company", headers=headers).get_json()["id"] == mine.id


def test_sme_cannot_target_another_company_through_the_form(world, as_role):
    mine, other = world.companies["unvetted"], world.companies["vetted"]
    other_before = snapshot(other)
    client = as_role("sme_unvetted")
    response = client.post("/company/edit", data=company_form(
        mine, name="Renamed Own AS", id=str(other.id), company_id=str(other.id)))
    assert response.status_code == 302
    assert snapshot(mine)["name"] == "Renamed Own AS"
    assert snapshot(other) == other_before
    assert db.session.get(User, world.users["sme_unvetted"].id).company_id == mine.id
    # Another company's page is staff-only: to an SME it does not exist.
    assert client.get(f"/company/{other.id}").status_code == 404


# --- organiser A vs organiser B's event -----------------------------------------------------

def test_other_organiser_cannot_manage_or_export_the_event(world, as_role):
    event = world.event
    before = snapshot(event)
    pairs_before = {p.id: p.state for p in db.session.scalars(
        select(EventPair).where(EventPair.event_id == event.id))}
    client = as_role("organiser_other")
    base = f"/events/{event.id}"
    for url in ("/edit", "/challenges", "/matches", "/outbox", "/schedule",
                "/export/matches.csv", "/export/matches.xlsx", "/export/schedule.xlsx",
                f"/calendar.ics?company={world.companies['vetted'].id}",
                f"/agenda?company={world.companies['vetted'].id}", "/calendar.ics?owner=x"):
        assert client.get(base + url).status_code == 403, url
    posts = {
        "/status": {"status": "closed"},
        "/edit": {"name": "Hijacked", "county": "Oslo", "venue": "X",
                  "date": event.date.isoformat(), "start_time": "09:00",
                  "end_time": "10:00", "meeting_minutes": "20", "tables": "2",
                  "regional_boost": "0.1"},
        "/challenges": {"challenge_id": str(world.challenges["other_unit"].id)},
        f"/challenges/{world.challenges['public'].id}/detach": {},
        "/matchmaking": {"top_n": "5"},
        f"/pairs/{world.pairs['proposed'].id}/state": {"action": "remove"},
        "/invitations": {},
        "/schedule": {},
        "/schedule/confirm": {},
        f"/pairs/{world.pairs['requested'].id}/decide": {"decision": "decline"},
    }
    for url, data in posts.items():
        assert client.post(base + url, data=data).status_code == 403, url
    api = as_role("anonymous")
    headers = bearer(world, "organiser_other")
    for url in (f"/api/v1/events/{event.id}/matches",
                f"/api/v1/events/{event.id}/matches?format=xlsx",
                f"/api/v1/events/{event.id}/schedule.ics?company={world.companies['vetted'].id}"):
        assert api.get(url, headers=headers).status_code == 403, url
    assert snapshot(event) == before
    assert {p.id: p.state for p in db.session.scalars(
        select(EventPair).where(EventPair.event_id == event.id))} == pairs_before
    # Organiser B's own draft event is invisible to organiser A (404, not 403).
    other = as_role("organiser_owner")
    assert other.get(f"/events/{world.other_event.id}").status_code == 404
    assert other.get(f"/events/{world.other_event.id}/export/matches.csv").status_code == 404


# --- SME vs other companies' interests, meetings, calendars ---------------------------------

def test_sme_cannot_see_another_companys_interests_meetings_or_calendar(world, as_role):
    secret_pitch = f"secret-pitch-{uuid.uuid4().hex}"
    vetted, unvetted = world.companies["vetted"], world.companies["unvetted"]
    db.session.add(Interest(challenge_id=world.challenges["public"].id, company_id=vetted.id,
                            user_id=world.users["sme_vetted"].id, pitch=secret_pitch))
    db.session.commit()
    client = as_role("sme_unvetted")
    event = world.event
    for url in (f"/events/{event.id}/calendar.ics?company={vetted.id}",
                f"/events/{event.id}/agenda?company={vetted.id}",
                f"/events/{event.id}/calendar.ics?owner=me",
                f"/events/{event.id}/agenda?owner={world.challenges['public'].unit}"):
        assert client.get(url).status_code == 403, url
    api = as_role("anonymous")
    response = api.get(f"/api/v1/events/{event.id}/schedule.ics?company={vetted.id}",
                       headers=bearer(world, "sme_unvetted"))
    assert response.status_code == 403
    # The own calendar has the own meeting only.
    own = client.get(f"/events/{event.id}/calendar.ics").get_data(as_text=True)
    assert unvetted.name in own
    assert vetted.name not in own
    for url in ("/company/interests", "/dashboard", f"/events/{event.id}",
                f"/challenges/{world.challenges['public'].id}"):
        body = client.get(url).get_data(as_text=True)
        assert secret_pitch not in body, url
        assert vetted.name not in body, url


# --- field level -----------------------------------------------------------------------------

def test_sme_never_receives_contact_feedback_or_audit_data_of_others(app, world, as_role):
    vetted = world.companies["vetted"]
    feedback_marker = f"feedback-{uuid.uuid4().hex}"
    audit_marker = f"audit-{uuid.uuid4().hex}"
    db.session.add(MatchFeedback(challenge_id=world.challenges["public"].id,
                                 company_id=world.companies["unvetted"].id,
                                 user_id=world.users["military_owner"].id, relevant=False,
                                 comment=feedback_marker))
    audit.record(db.session, "access_test", actor=world.users["admin"], outcome="ok",
                 details={"note": audit_marker})
    db.session.commit()
    secrets = [vetted.contact_email, vetted.contact_phone, vetted.contact_name,
               world.users["sme_vetted"].email, feedback_marker, audit_marker]
    leaks = []
    for headers in ({}, bearer(world, "sme_unvetted")):
        client = as_role("sme_unvetted") if not headers else as_role("anonymous")
        for url, response in sweep(app, client, world, {}, headers=headers):
            for text in body_texts(response):
                leaks.extend(f"{url}: {secret}" for secret in secrets if secret in text)
    assert not leaks, "\n".join(sorted(set(leaks)))
    # Positive control: the staff view of the company shows its contact data.
    assert vetted.contact_email in as_role("organiser_owner").get(
        f"/company/{vetted.id}").get_data(as_text=True)


def test_recommendation_json_carries_no_company_or_internal_fields(world, as_role):
    api = as_role("anonymous")
    # Cookie, not bearer: see test_api_token_lock.py for the bearer + index-build lock.
    data = as_role("sme_unvetted").get("/api/v1/me/recommendations?top_k=100").get_json()
    assert data["items"], "expected recommendations"
    allowed = {"challenge", "rank", "score", "band", "components", "shared_areas",
               "areas_inferred",
               "top_terms", "best_passages", "notes"}
    for item in data["items"]:
        assert set(item) <= allowed, set(item) - allowed
        assert set(item["challenge"]) == {"id", "title"}
    assert set(data) == {"items", "model", "weights_version", "candidates"}
    # Matches of a challenge (companies with scores) stay with owners and staff.
    for role in ("sme_unvetted", "sme_vetted"):
        response = api.get(f"/api/v1/challenges/{world.challenges['public'].id}/matches",
                           headers=bearer(world, role))
        assert response.status_code == 403
        assert as_role(role).get(
            f"/challenges/{world.challenges['public'].id}/matches").status_code == 403


# --- mass assignment --------------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    {"clearance_verified": True}, {"verified_at": "2024-01-01T00:00:00"},
    {"verified_by_id": 1}, {"role": "admin"}, {"id": 1}, {"users": []},
])
def test_company_api_refuses_read_only_fields(world, as_role, payload):
    company = world.companies["unvetted"]
    user = world.users["sme_unvetted"]
    before, user_before = snapshot(company), snapshot(user)
    response = as_role("anonymous").put("/api/v1/me/company",
                                        json={**payload, "name": "Still mine AS"},
                                        headers=bearer(world, "sme_unvetted"))
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == next(iter(payload))
    assert snapshot(company) == before
    assert snapshot(user) == user_before


@pytest.mark.parametrize("payload", [
    {"unit": OTHER_UNIT}, {"owner_id": 1}, {"id": 999}, {"created_at": "2020-01-01"},
    {"role": "admin"},
])
def test_challenge_api_refuses_read_only_fields(world, as_role, payload):
    challenge = world.challenges["registered"]
    before = snapshot(challenge)
    api = as_role("anonymous")
    headers = bearer(world, "military_owner")
    response = api.put(f"/api/v1/challenges/{challenge.id}", json={**payload, "title": "New"},
                       headers=headers)
    assert response.status_code == 422
    assert snapshot(challenge) == before
    count = db.session.query(Challenge).count()
    response = api.post("/api/v1/challenges", headers=headers, json={
        **payload, "title": "Mass assignment", "problem": "P", "visibility": "public"})
    assert response.status_code == 422
    assert db.session.query(Challenge).count() == count


def test_forms_ignore_role_unit_owner_and_vetting_fields(world, as_role, app):
    # Challenge form: unit and owner come from the session, never from the form.
    challenge = world.challenges["registered"]
    client = as_role("military_owner")
    response = client.post(f"/challenges/{challenge.id}/edit", data=challenge_form(
        title="Edited by owner", unit=OTHER_UNIT, owner_id=str(world.users["admin"].id)))
    assert response.status_code == 302
    after = snapshot(challenge)
    assert (after["title"], after["unit"], after["owner_id"]) == (
        "Edited by owner", challenge.unit, world.users["military_owner"].id)
    # Company form: clearance_verified is the admin's.
    company = world.companies["unvetted"]
    client = as_role("sme_unvetted")
    response = client.post("/company/edit", data=company_form(
        company, clearance="facility", clearance_verified="y", verified_by_id="1",
        role="admin"))
    assert response.status_code == 302
    after = snapshot(company)
    assert after["clearance"] == "facility"
    assert (after["clearance_verified"], after["verified_by_id"]) == (False, None)
    assert snapshot(world.users["sme_unvetted"])["role"] == Role.SME
    # Signup: role and vetting cannot be chosen.
    anonymous = app.test_client()
    response = anonymous.post("/auth/signup", data={
        "email": "new.sme@example.test", "password": "a long enough passphrase",
        "confirm": "a long enough passphrase", "full_name": "New SME", "account_type": "sme",
        "company_name": "Brand New AS", "profile_kind": "company", "country": "NO",
        "org_number": "923609016", "role": "admin", "status": "active",
        "clearance_verified": "y", "unit": OTHER_UNIT})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.sme@example.test"))
    assert (user.role, user.unit) == (Role.SME, None)
    assert user.company.clearance_verified is False
    anonymous.post("/auth/logout")
    response = anonymous.get("/account/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = anonymous.post("/auth/signup", data={
        "email": "new.admin@example.test", "password": "a long enough passphrase",
        "confirm": "a long enough passphrase", "full_name": "Would-be admin",
        "account_type": "admin", "unit": OTHER_UNIT})
    assert db.session.scalar(select(User).where(User.email == "new.admin@example.test")) is None


# --- revocations --------------------------------------------------------------------------------

def test_revoked_vetting_applies_on_the_next_request(world, as_role):
    vetted = world.challenges["vetted"]
    sme = as_role("sme_vetted")
    api = as_role("anonymous")
    headers = bearer(world, "sme_vetted")
    assert sme.get(f"/challenges/{vetted.id}").status_code == 200
    assert api.get(f"/api/v1/challenges/{vetted.id}", headers=headers).status_code == 200
    admin = as_role("admin")
    response = admin.post(f"/admin/companies/{world.companies['vetted'].id}/unvet")
    assert response.status_code == 302
    assert sme.get(f"/challenges/{vetted.id}").status_code == 404
    assert api.get(f"/api/v1/challenges/{vetted.id}", headers=headers).status_code == 404
    # (The query is the title minus its last word, so the search box's echo cannot match.)
    search = sme.get(f"/challenges/?q={vetted.title.rsplit(' ', 1)[0]}")
    assert vetted.title not in search.get_data(as_text=True)
    # Cookie, not bearer: see test_api_token_lock.py for the bearer + index-build lock.
    recommendations = sme.get("/api/v1/me/recommendations?top_k=100")
    assert vetted.id not in {i["challenge"]["id"] for i in recommendations.get_json()["items"]}


# What a meeting request by each role leads to: only a company registered for the event
# creates a request; everybody else is sent back without a row.
MEETING_REQUEST_OUTCOME = {
    "anonymous": "login", "pending_military": "pending",
    "sme_unvetted": "ok", "sme_vetted": "ok",
    "military_owner": "refused", "military_other": "refused",
    "organiser_owner": "refused", "organiser_other": "refused", "admin": "refused",
}


@pytest.mark.parametrize("role", ROLES)
def test_meeting_request_writes_a_row_only_for_a_registered_company(world, as_role, role):
    event, challenge = world.event, world.challenges["detachable"]

    def requests() -> set[tuple[int, str, str]]:
        db.session.expire_all()
        return {(p.company_id, p.state, p.origin) for p in db.session.scalars(
            select(EventPair).where(EventPair.event_id == event.id,
                                    EventPair.challenge_id == challenge.id))}

    before = requests()
    client = as_role(role)
    response = client.post(f"/events/{event.id}/requests",
                           data={"challenge_id": str(challenge.id)})
    assert category(response, client) == MEETING_REQUEST_OUTCOME[role]
    user = world.user(role)
    if MEETING_REQUEST_OUTCOME[role] == "ok":
        assert requests() - before == {(user.company_id, "requested", "request")}
    else:
        assert requests() == before


def test_revoked_vetting_hides_the_challenge_from_the_companys_calendar(world, as_role):
    vetted = world.challenges["vetted"]
    sme = as_role("sme_vetted")
    event = world.event
    assert vetted.title in sme.get(f"/events/{event.id}/calendar.ics").get_data(as_text=True)
    as_role("admin").post(f"/admin/companies/{world.companies['vetted'].id}/unvet")
    leaks = []
    api = as_role("anonymous")
    for url in (f"/events/{event.id}", f"/events/{event.id}/calendar.ics",
                f"/events/{event.id}/agenda", "/company/interests", "/dashboard"):
        if any(vetted.title in text for text in body_texts(sme.get(url))):
            leaks.append(url)
    response = api.get(f"/api/v1/events/{event.id}/schedule.ics",
                       headers=bearer(world, "sme_vetted"))
    if vetted.title in "".join(body_texts(response)):
        leaks.append("api schedule.ics")
    assert not leaks


def test_disabled_account_is_logged_out_and_its_token_refused_on_the_next_request(world,
                                                                                  as_role):
    user = world.users["sme_vetted"]
    sme = as_role("sme_vetted")
    api = as_role("anonymous")
    headers = bearer(world, "sme_vetted")
    assert sme.get("/dashboard").status_code == 200
    assert api.get("/api/v1/me/company", headers=headers).status_code == 200
    response = as_role("admin").post(f"/admin/users/{user.id}/disable")
    assert response.status_code == 302
    assert db.session.get(User, user.id).status == "disabled"
    response = sme.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert sme.get(f"/challenges/{world.challenges['vetted'].id}").status_code == 404
    response = api.get("/api/v1/me/company", headers=headers)
    assert response.status_code == 401
    # The cookie does not come back to life when the account is enabled again: logout
    # everywhere rotated the session token.
    as_role("admin").post(f"/admin/users/{user.id}/enable")
    assert sme.get("/dashboard").status_code == 302


def test_revoked_token_is_refused_on_the_next_request(world, as_role):
    api = as_role("anonymous")
    client = as_role("military_owner")
    headers = bearer(world, "military_owner")
    assert api.get("/api/v1/events", headers=headers).status_code == 200
    token_id = db.session.scalar(select(AuditEntry.target_id).where(
        AuditEntry.action == "create_token",
        AuditEntry.actor_id == world.users["military_owner"].id).order_by(AuditEntry.id))
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert api.get("/api/v1/events", headers=headers).status_code == 401
    # Another user cannot revoke someone's token (404, and it keeps working).
    other_headers = bearer(world, "military_other")
    other_token = db.session.scalar(select(AuditEntry.target_id).where(
        AuditEntry.action == "create_token",
        AuditEntry.actor_id == world.users["military_other"].id).order_by(AuditEntry.id))
    assert client.post(f"/account/tokens/{other_token}/revoke").status_code == 404
    assert api.get("/api/v1/events", headers=other_headers).status_code == 200


def test_role_change_applies_on_the_next_request(world, as_role):
    user = world.users["organiser_other"]
    client = as_role("organiser_other")
    assert client.get("/events/new").status_code == 200
    response = as_role("admin").post(f"/admin/users/{user.id}/role", data={"role": "sme"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).role == Role.SME
    # A role change ends the user's sessions: the next page asks to log in again.
    response = client.get("/events/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    response = as_role("anonymous").get(f"/api/v1/events/{world.event.id}/matches",
                                        headers=bearer(world, "organiser_other"))
    assert response.status_code == 403

"""Admin pages: access, approvals, disabling, roles, vetting, areas and the audit log."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from portal.db import db, utcnow
from portal.models import Area, AuditEntry, Company, EncodingJob, User
from portal.services import audit

ADMIN_PAGES = ["/admin/users", "/admin/companies", "/admin/audit", "/admin/areas",
               "/admin/matching"]


@pytest.fixture
def admin(make_user):
    return make_user("admin", email="boss@example.com")


@pytest.fixture
def admin_client(client, admin, login):
    login(admin)
    return client


def audit_rows(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_render_for_admins(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Administration" in body and 'aria-current="page"' in body


@pytest.mark.parametrize("role", ["sme", "military", "organiser"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_non_admins_get_403(client, make_user, login, role, path):
    user = make_user(role)
    login(user)
    assert client.get(path).status_code == 403
    [entry] = audit_rows("access_denied")
    assert entry.actor_id == user.id and entry.outcome == "denied"


def test_non_admin_posts_are_refused_and_change_nothing(client, make_user, login):
    target = make_user("military", status="pending")
    login(make_user("organiser"))
    assert client.post(f"/admin/users/{target.id}/approve").status_code == 403
    assert client.post(f"/admin/users/{target.id}/role", data={"role": "admin"}).status_code == 403
    target = db.session.get(User, target.id)
    assert target.status == "pending" and target.role == "military"


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_user_list_puts_pending_first_and_filters(admin_client, make_user):
    make_user("sme", email="active-sme@example.com")
    make_user("military", email="waiting@example.com", status="pending")
    body = admin_client.get("/admin/users").get_data(as_text=True)
    assert body.index("waiting@example.com") < body.index("active-sme@example.com")
    body = admin_client.get("/admin/users?role=sme").get_data(as_text=True)
    assert "active-sme@example.com" in body and "waiting@example.com" not in body
    body = admin_client.get("/admin/users?status=pending").get_data(as_text=True)
    assert "waiting@example.com" in body and "active-sme@example.com" not in body
    assert admin_client.get("/admin/users?role=bogus&page=x").status_code == 200


def _count_commits():
    commits = []
    event.listen(db.session, "after_commit", lambda _s: commits.append(1))
    return commits


def test_approve_user_with_audit_row_in_the_same_transaction(admin_client, admin, make_user):
    user = make_user("military", status="pending")
    commits = _count_commits()
    response = admin_client.post(f"/admin/users/{user.id}/approve?status=pending")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/users?status=pending")
    assert len(commits) == 1
    assert db.session.get(User, user.id).status == "active"
    [entry] = audit_rows("approve_user")
    assert entry.actor_id == admin.id and entry.target_id == user.id
    details = json.loads(entry.details)
    assert details["before"] == {"status": "pending"} and details["after"] == {"status": "active"}


def test_approve_only_pending(admin_client, make_user):
    user = make_user("military", status="disabled")
    admin_client.post(f"/admin/users/{user.id}/approve")
    assert db.session.get(User, user.id).status == "disabled"
    assert audit_rows("approve_user") == []


def test_approved_user_gets_in_on_the_next_request(app, admin_client, make_user, login):
    user = make_user("military", status="pending")
    user_client = login(user, app.test_client())
    assert user_client.get("/challenges/").headers["Location"].endswith("/pending")
    admin_client.post(f"/admin/users/{user.id}/approve")
    assert user_client.get("/account/").status_code == 200
    assert user_client.get("/admin/users").status_code == 403  # approved, not admin


def test_disable_logs_the_user_out_on_their_next_request(app, admin_client, make_user, login):
    user = make_user("sme")
    user_client = login(user, app.test_client())
    assert user_client.get("/account/").status_code == 200
    response = admin_client.post(f"/admin/users/{user.id}/disable")
    assert response.status_code == 302
    user = db.session.get(User, user.id)
    assert user.status == "disabled"
    response = user_client.get("/account/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    [entry] = audit_rows("disable_user")
    assert json.loads(entry.details)["after"] == {"status": "disabled"}

    admin_client.post(f"/admin/users/{user.id}/enable")
    assert db.session.get(User, user.id).status == "active"
    assert len(audit_rows("enable_user")) == 1


def test_admin_cannot_disable_or_demote_themselves(admin_client, admin):
    admin_client.post(f"/admin/users/{admin.id}/disable")
    admin_client.post(f"/admin/users/{admin.id}/role", data={"role": "sme"})
    me = db.session.get(User, admin.id)
    assert me.status == "active" and me.role == "admin"
    assert audit_rows("disable_user") == [] and audit_rows("change_role") == []
    assert admin_client.get("/admin/users").status_code == 200


def test_change_role_is_audited_with_before_and_after(admin_client, admin, make_user):
    user = make_user("organiser")
    commits = _count_commits()
    admin_client.post(f"/admin/users/{user.id}/role", data={"role": "military"})
    assert len(commits) == 1
    assert db.session.get(User, user.id).role == "military"
    [entry] = audit_rows("change_role")
    details = json.loads(entry.details)
    assert details["before"] == {"role": "organiser"} and details["after"] == {"role": "military"}


def test_change_role_rejects_unknown_roles(admin_client, make_user):
    user = make_user("organiser")
    admin_client.post(f"/admin/users/{user.id}/role", data={"role": "superuser"})
    assert db.session.get(User, user.id).role == "organiser"


def test_unknown_user_is_404(admin_client):
    assert admin_client.post("/admin/users/9999/approve").status_code == 404


def test_vet_and_unvet_company(app, admin_client, admin, make_user, make_company, login):
    company = make_company(name="Arctic Sonar AS", clearance="facility")
    sme = make_user("sme", company=company)
    sme_client = login(sme, app.test_client())
    body = admin_client.get("/admin/companies?verified=no").get_data(as_text=True)
    assert "Arctic Sonar AS" in body

    commits = _count_commits()
    admin_client.post(f"/admin/companies/{company.id}/vet")
    assert len(commits) == 1
    company = db.session.get(Company, company.id)
    assert company.clearance_verified is True
    assert company.verified_by_id == admin.id and company.verified_at is not None
    [entry] = audit_rows("vet_company")
    assert entry.target_type == "company" and entry.target_id == company.id
    assert "Vetted" in sme_client.get("/account/").get_data(as_text=True)

    admin_client.post(f"/admin/companies/{company.id}/unvet")
    company = db.session.get(Company, company.id)
    assert company.clearance_verified is False and company.verified_by_id is None
    assert len(audit_rows("unvet_company")) == 1
    # Takes effect on the SME's next request: nothing is cached in their session.
    assert "Vetted</span>" not in sme_client.get("/account/").get_data(as_text=True)


def test_add_area_with_crosswalk(admin_client):
    c2 = db.session.scalar(select(Area).where(Area.slug == "c2-decision-support"))
    before = db.session.scalar(select(func.count(Area.id)))
    response = admin_client.post("/admin/areas", data={
        "name": "Directed energy", "kind": "emerging",
        "description": "High-energy lasers and high-power microwaves for countering drones, "
                       "missiles and electronics.",
        "related": [str(c2.id)]})
    assert response.status_code == 302
    area = db.session.scalar(select(Area).where(Area.name == "Directed energy"))
    assert area.slug == "directed-energy" and area.kind == "emerging"
    assert [a.slug for a in area.related_priorities] == ["c2-decision-support"]
    assert db.session.scalar(select(func.count(Area.id))) == before + 1
    [entry] = audit_rows("add_area")
    assert json.loads(entry.details)["related"] == ["c2-decision-support"]
    assert "Directed energy" in admin_client.get("/admin/areas").get_data(as_text=True)


def test_add_area_refuses_duplicates_and_same_kind_links(admin_client):
    quantum = db.session.scalar(select(Area).where(Area.slug == "quantum-technology"))
    before = db.session.scalar(select(func.count(Area.id)))
    response = admin_client.post("/admin/areas", data={
        "name": "quantum technology", "kind": "emerging",
        "description": "A duplicate of an existing area, which must be refused by the form."})
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    response = admin_client.post("/admin/areas", data={
        "name": "Photonics", "kind": "emerging", "related": [str(quantum.id)],
        "description": "Light-based sensing and communication, lasers and optical fibres."})
    assert response.status_code == 400
    assert "other kind" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Area.id))) == before
    assert audit_rows("add_area") == []


def test_audit_log_lists_filters_and_paginates(admin_client, admin, make_user):
    make_user("sme", email="someone@example.com")
    now = utcnow()
    for n in range(60):
        audit.record(db.session, "login", actor_email=f"guess{n}@example.com",
                     outcome="failure", ip="198.51.100.9")
    old = audit.record(db.session, "export", actor_email="old@example.com",
                       details={"rows": 12})
    db.session.flush()
    old.created_at = now - timedelta(days=30)
    db.session.commit()

    response = admin_client.get("/admin/audit")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Page 1 of 2" in body and "198.51.100.9" in body
    assert body.index("guess59@example.com") < body.index("guess10@example.com")
    body = admin_client.get("/admin/audit?actor=OLD@&action=export").get_data(as_text=True)
    assert "old@example.com" in body and "guess1@" not in body and "&#34;rows&#34;: 12" in body
    date_from = (now - timedelta(days=1)).date().isoformat()
    body = admin_client.get(f"/admin/audit?date_from={date_from}&action=export").get_data(
        as_text=True)
    assert "old@example.com" not in body and "No audit entries" in body
    to = (now - timedelta(days=29)).date().isoformat()
    body = admin_client.get(f"/admin/audit?date_to={to}").get_data(as_text=True)
    assert "old@example.com" in body and "guess1@" not in body
    body = admin_client.get("/admin/audit?outcome=failure&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in body and "old@example.com" not in body
    assert admin_client.get("/admin/audit?date_from=nonsense").status_code == 200


def test_the_matching_page_shows_the_texts_waiting_for_encoding(admin_client):
    from portal.services.matching import queue

    for row_id in (1, 2):
        queue.enqueue(db.session, "company", row_id, f"Sonar arrays, model {row_id}.")
    queue.enqueue(db.session, "challenge", 7, "Quiet submarines.")
    db.session.execute(update(EncodingJob).where(EncodingJob.kind == "challenge").values(
        attempts=queue.MAX_ATTEMPTS, last_error="RuntimeError: model file missing"))
    db.session.commit()
    body = admin_client.get("/admin/matching").get_data(as_text=True)
    assert '<dd id="encoding-waiting">2 ' in body
    assert '<dd id="encoding-failed">1</dd>' in body
    assert "RuntimeError: model file missing" in body

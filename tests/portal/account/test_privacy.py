"""Privacy rights: the privacy page, download my data, delete my account (checklist 32)."""

import json

from sqlalchemy import String, Text, func, or_, select

from portal.db import Base, db
from portal.models import AuditEntry, Challenge, Company, Interest, User
from portal.services import accounts, notifications, tokens
from portal.services.access import company_clause_for_challenge
from tests.conftest import add_challenge

PASSWORD = "correct horse battery"


def _interest(user, challenge, pitch):
    db.session.add(Interest(challenge_id=challenge.id, company_id=user.company_id,
                            user_id=user.id, pitch=pitch, status="new"))
    db.session.commit()


def _challenge(owner=None, **fields):
    values = {"title": "Drone watch", "problem": "Thermal video.", "status": "open",
              "visibility": "registered", "unit": "Brigade North"}
    values.update(fields)
    return add_challenge(values, owner=owner)


def test_privacy_page_is_linked_from_footer_and_signup(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "What we store, and why" in page and "For how long" in page and "Contact" in page
    assert 'href="/privacy"' in client.get("/").get_data(as_text=True)
    assert 'href="/privacy"' in client.get("/auth/signup").get_data(as_text=True)


def test_export_holds_my_data_and_nobody_elses(client, login, make_user, make_company):
    me = make_user("sme", email="me@example.com", full_name="Mette Meg",
                   company=make_company(name="My Sensors AS"))
    other = make_user("sme", email="other@example.com", full_name="Ola Annen",
                      company=make_company(name="Other Optics AS"))
    challenge = _challenge()
    _interest(me, challenge, "My own pitch about thermal drones.")
    _interest(other, challenge, "Somebody else's secret pitch.")
    notifications.notify(db.session, me, "A note for me.")
    notifications.notify(db.session, other, "A note for someone else.")
    tokens.create_token(db.session, me, "my script")
    db.session.commit()
    login(me)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    text = json.dumps(data)
    assert data["account"]["email"] == "me@example.com"
    assert data["company"]["name"] == "My Sensors AS"
    assert [i["pitch"] for i in data["interests"]] == ["My own pitch about thermal drones."]
    assert [n["message"] for n in data["notifications"]] == ["A note for me."]
    assert [t["name"] for t in data["api_tokens"]] == ["my script"]
    for foreign in ("other@example.com", "Ola Annen", "Other Optics AS", "secret pitch",
                    "someone else"):
        assert foreign not in text
    for secret in ("password_hash", "session_token", "token_hash", me.password_hash):
        assert secret not in text
    assert db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "personal_data_export"))


def _text_columns():
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                yield table, column


def _where_found(needles: list[str]) -> list[str]:
    found = []
    for table, column in _text_columns():
        hits = db.session.scalar(select(func.count()).select_from(table).where(
            or_(*(func.lower(column).contains(n.lower()) for n in needles))))
        if hits:
            found.append(f"{table.name}.{column.name}")
    return found


def test_deletion_leaves_no_personal_data_and_keeps_the_audit_chain(app, client, login,
                                                                    make_user, make_company):
    company = make_company(name="Unikvik Sonar AS", contact_name="Ingrid Unikvik",
                           contact_email="ingrid.unikvik@example.com")
    user = make_user("sme", email="ingrid.unikvik@example.com", full_name="Ingrid Unikvik",
                     company=company)
    admin = make_user("admin")
    challenge = _challenge()
    _interest(user, challenge, "Our sonar finds quiet submarines.")
    notifications.notify(db.session, user, "Welcome, Ingrid Unikvik.")
    tokens.create_token(db.session, user, "Ingrid Unikvik's laptop")
    accounts.change_role(db.session, admin, user, "organiser")  # audit details name the email
    accounts.change_role(db.session, admin, user, "sme")
    db.session.commit()
    app.test_client().post("/auth/login", data={"email": user.email, "password": "wrong"})
    app.test_client().post("/auth/login", data={"email": user.email, "password": PASSWORD})
    needles = ["ingrid.unikvik@example.com", "Ingrid Unikvik"]
    assert _where_found(needles)  # the search finds them before the deletion
    audit_ids = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()

    login(db.session.get(User, user.id))
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302

    assert _where_found(needles) == []
    # Every audit entry is still there, in order; the deletion is appended under the pseudonym.
    after = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.id for e in after][:len(audit_ids)] == audit_ids
    alias = accounts.pseudonym(user.id)
    assert after[-1].action == "account_delete" and after[-1].actor_email == alias
    assert {e.actor_email for e in after if e.actor_id == user.id} == {alias}
    # What the administrator did to the account still names the administrator.
    role_changes = [e for e in after if e.action == "change_role"]
    assert len(role_changes) == 2
    assert {e.actor_email for e in role_changes} == {admin.email}
    assert all(alias in e.details for e in role_changes)
    # The company, whose last user left, is withdrawn from matching.
    db.session.refresh(company)
    assert company.withdrawn_at is not None
    assert db.session.scalar(select(Company.id).where(
        Company.id == company.id, company_clause_for_challenge(challenge))) is None
    # The account cannot log in again, the session is gone.
    assert client.get("/account/").status_code == 302
    assert "Withdrawn" in login(admin, app.test_client()).get(
        "/admin/companies").get_data(as_text=True)
    assert app.test_client().post("/auth/login", data={
        "email": "ingrid.unikvik@example.com", "password": PASSWORD}).status_code == 200


def test_military_users_challenges_stay_with_the_unit(client, login, make_user):
    owner = make_user("military", unit="Brigade North")
    colleague = make_user("military", unit="Brigade North")
    challenge = _challenge(owner=owner)
    login(owner)
    assert client.post("/account/delete", data={"password": PASSWORD,
                                                 "understood": "y"}).status_code == 302
    kept = db.session.get(Challenge, challenge.id)
    assert kept is not None and kept.unit == "Brigade North" and kept.owner_id is None
    login(colleague)
    assert client.get(f"/challenges/{challenge.id}/edit").status_code == 200


def test_wrong_password_deletes_nothing_and_is_throttled(client, login, make_user):
    user = make_user("sme", email="keep@example.com")
    login(user)
    for _ in range(5):
        response = client.post("/account/delete", data={"password": "wrong guess",
                                                         "understood": "y"})
        assert response.status_code == 400
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 429 and "Retry-After" in response.headers
    db.session.refresh(user)
    assert user.email == "keep@example.com" and user.status == "active"

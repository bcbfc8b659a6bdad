"""The account page: details, password change (ends other sessions), API tokens."""

import re

from sqlalchemy import func, select

from portal.db import db
from portal.models import ApiToken, AuditEntry, User
from portal.services import accounts, tokens

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new,
        "confirm": confirm if confirm is not None else new})


def test_account_page_needs_login(client):
    response = client.get("/account/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_account_page_shows_details_and_company_link(client, make_user, make_company, login):
    company = make_company(name="Polar Optics AS")
    login(make_user("sme", email="sme@example.com", company=company, full_name="Siri Berg"))
    body = client.get("/account/").get_data(as_text=True)
    for text in ("sme@example.com", "Siri Berg", "SME user", "Active", "Polar Optics AS",
                 'href="/company/"', "Change password", "API tokens"):
        assert text in body


def test_password_change_keeps_this_session_and_ends_the_others(app, client, make_user):
    user = make_user("military", email="ola@example.com")
    client.post("/auth/login", data={"email": "ola@example.com", "password": PASSWORD})
    other_device = app.test_client()
    other_device.post("/auth/login", data={"email": "ola@example.com", "password": PASSWORD})
    old_cookie = client.get_cookie("session").value
    assert other_device.get("/account/").status_code == 200

    response = change(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/")
    assert client.get("/account/").status_code == 200  # this browser stays logged in
    assert other_device.get("/account/").status_code == 302  # every other session ended
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/account/").status_code == 302

    user = db.session.get(User, user.id)
    assert accounts.verify_password(user.password_hash, NEW_PASSWORD)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password_change"))
    assert entry.outcome == "success" and entry.actor_id == user.id
    assert NEW_PASSWORD not in entry.details and PASSWORD not in entry.details


def test_wrong_current_password_changes_nothing(client, make_user, login):
    user = make_user("sme")
    token_before = user.session_token
    login(user)
    response = change(client, current="not my password")
    assert response.status_code == 400
    assert "current password is not correct" in response.get_data(as_text=True)
    user = db.session.get(User, user.id)
    assert accounts.verify_password(user.password_hash, PASSWORD)
    assert user.session_token == token_before
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password_change"))
    assert entry.outcome == "failure"


def test_weak_or_mismatched_new_password_is_refused(client, make_user, login):
    user = make_user("sme")
    login(user)
    assert "most common" in change(client, new="password1").get_data(as_text=True)
    assert "do not match" in change(client, confirm="something else").get_data(as_text=True)
    assert accounts.verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


def test_create_token_shows_it_once_and_stores_only_a_hash(client, make_user, login):
    user = make_user("military")
    login(user)
    response = client.post("/account/tokens", data={"name": "Export script"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    raw = re.search(r'value="(pt_[A-Za-z0-9_-]+)"', body).group(1)
    assert "shown only this once" in body
    token = db.session.scalar(select(ApiToken))
    assert token.name == "Export script" and token.prefix == raw[:8]
    assert token.token_hash == tokens.hash_token(raw) and raw not in token.token_hash
    page = client.get("/account/").get_data(as_text=True)
    assert "Export script" in page and raw[:8] in page and raw not in page
    assert tokens.authenticate_token(db.session, raw).id == user.id


def test_revoke_token_from_the_account_page(client, make_user, login):
    user = make_user("military")
    token, raw = tokens.create_token(db.session, user, "CI")
    db.session.commit()
    login(user)
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert tokens.authenticate_token(db.session, raw) is None
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404


def test_cannot_revoke_someone_elses_token(client, make_user, login):
    owner = make_user("military")
    token, _raw = tokens.create_token(db.session, owner, "Theirs")
    db.session.commit()
    login(make_user("military"))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_token_name_is_required(client, make_user, login):
    login(make_user("sme"))
    response = client.post("/account/tokens", data={"name": ""})
    assert response.status_code == 400
    assert "Name the token." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0

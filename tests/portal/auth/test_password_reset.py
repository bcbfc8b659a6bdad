"""Forgot password, end to end through the outbox (security checklist 11 and 29)."""

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry, OutboxMessage
from portal.services import tokens

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a fresh long passphrase"


def ask(client, email, ip="127.0.0.1"):
    return client.post("/auth/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": ip},
                       follow_redirects=True)


def reset_link(email: str) -> str:
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                 .order_by(OutboxMessage.id.desc())).first()
    assert message is not None, "no reset e-mail in the outbox"
    [link] = re.findall(r"https?://\S+/auth/reset\?token=\S+", message.body)
    return link.split("localhost", 1)[1]


def set_new(client, link, password=NEW_PASSWORD):
    page = client.get(link)
    assert page.status_code == 200
    token = re.search(r'name="token" type="hidden" value="([^"]+)"',
                      page.get_data(as_text=True)).group(1)
    return client.post("/auth/reset", data={"token": token, "new_password": password,
                                            "confirm": password})


def test_login_page_links_to_the_reset_page(client):
    assert "/auth/forgot" in client.get("/auth/login").get_data(as_text=True)
    assert "Forgot your password?" in client.get("/auth/forgot").get_data(as_text=True)


def test_same_answer_for_known_and_unknown_emails(client, make_user):
    make_user("sme", email="kari@example.com")
    known = ask(client, "Kari@Example.com ")
    unknown = ask(client.application.test_client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: re.sub(r'name="csrf_token"[^>]*', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(known) == strip(unknown)
    recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert recipients == ["kari@example.com"]
    rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "password_reset_request").order_by(AuditEntry.id)).all()
    assert [r.actor_email for r in rows] == ["kari@example.com", "nobody@example.com"]


def test_reset_works_once_and_ends_sessions_and_tokens(app, client, login, make_user):
    user = make_user("sme", email="kari@example.com")
    other_device = login(user, app.test_client())
    assert other_device.get("/account/").status_code == 200
    _row, raw = tokens.create_token(db.session, user, "script")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {raw}"}
    assert app.test_client().get("/api/v1/me/company", headers=bearer).status_code == 200

    ask(client, "kari@example.com")
    link = reset_link("kari@example.com")
    response = set_new(client, link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")

    # The new password works, the old one does not.
    fresh = app.test_client()
    assert fresh.post("/auth/login", data={"email": "kari@example.com",
                                           "password": NEW_PASSWORD}).status_code == 302
    assert app.test_client().post("/auth/login", data={
        "email": "kari@example.com", "password": PASSWORD}).status_code == 200
    # Every other session and every API token ended.
    assert other_device.get("/account/").status_code == 302
    assert app.test_client().get("/api/v1/me/company", headers=bearer).status_code == 401
    # The link works once.
    again = client.get(link)
    assert again.status_code == 400
    assert "expired or has already been used" in again.get_data(as_text=True)
    outcomes = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.in_(["password_reset_request", "password_reset",
                               "revoke_all_tokens"])).order_by(AuditEntry.id)).all()
    assert outcomes == ["password_reset_request", "revoke_all_tokens", "password_reset"]


def test_link_expires(client, make_user, monkeypatch):
    make_user("sme", email="kari@example.com")
    ask(client, "kari@example.com")
    link = reset_link("kari@example.com")
    assert client.get(link).status_code == 200
    later = int(time.time()) + 31 * 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_tampered_link_is_refused(client, make_user):
    make_user("sme", email="kari@example.com")
    ask(client, "kari@example.com")
    link = reset_link("kari@example.com")
    assert client.get(link[:-2] + "xx").status_code == 400


def test_new_password_follows_the_signup_rules(client, make_user):
    user = make_user("sme", email="kari@example.com")
    old_hash = user.password_hash
    ask(client, "kari@example.com")
    response = set_new(client, reset_link("kari@example.com"), password="password")
    assert response.status_code == 400
    assert "most common" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == old_hash


@pytest.mark.parametrize("known", [True, False])
def test_requests_are_throttled_per_email_without_revealing_accounts(client, make_user, known):
    if known:
        make_user("sme", email="kari@example.com")
    limit = client.application.config["RESET_REQUESTS_PER_EMAIL"]
    for n in range(limit):
        assert ask(client, "kari@example.com", ip=f"10.5.0.{n}").status_code == 200
    response = ask(client, "kari@example.com", ip="10.5.1.1")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_requests_are_throttled_per_address(client):
    limit = client.application.config["RESET_REQUESTS_PER_ADDRESS"]
    for n in range(limit):
        assert ask(client, f"person{n}@example.com", ip="10.6.0.1").status_code == 200
    assert ask(client, "another@example.com", ip="10.6.0.1").status_code == 429
    assert ask(client, "another@example.com", ip="10.6.0.2").status_code == 200

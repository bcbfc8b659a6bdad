"""Login, logout, session renewal and end, idle timeout, open redirects and throttling."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.db import db, utcnow
from portal.models import AuditEntry, User
from portal.services import accounts

PASSWORD = "correct horse battery"
GENERIC = "The email or password is not correct."


def post_login(client, email, password=PASSWORD, ip="127.0.0.1", **extra):
    return client.post("/auth/login", data={"email": email, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": ip})


def session_of(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def login_rows(outcome: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == "login").order_by(AuditEntry.id)
    if outcome:
        query = query.where(AuditEntry.outcome == outcome)
    return list(db.session.scalars(query))


def test_login_page_renders(client):
    response = client.get("/auth/login?next=/challenges/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'name="email"' in body and 'name="password"' in body
    assert 'value="/challenges/"' in body


def test_successful_login_starts_a_session_and_is_audited(client, make_user):
    user = make_user("military", email="ola@example.com")
    response = post_login(client, " OLA@example.com ")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    session = session_of(client)
    assert session["_user_id"] == user.get_id()
    assert "login_at" in session and "last_seen" in session
    assert db.session.get(User, user.id).last_login_at is not None
    [row] = login_rows()
    assert row.outcome == "success" and row.actor_id == user.id and row.ip == "127.0.0.1"
    assert client.get("/account/").status_code == 200


def test_sme_lands_on_company_profile(client, make_user):
    make_user("sme", email="sme@example.com")
    response = post_login(client, "sme@example.com")
    assert response.headers["Location"].endswith("/company/")


def test_unknown_email_and_wrong_password_answer_the_same(client, make_user):
    make_user("sme", email="known@example.com")
    wrong_password = post_login(client, "known@example.com", "not the password at all")
    unknown_email = post_login(client, "nobody@example.com", "not the password at all")
    assert wrong_password.status_code == unknown_email.status_code == 200
    for response in (wrong_password, unknown_email):
        assert GENERIC in response.get_data(as_text=True)
    assert "_user_id" not in session_of(client)
    rows = login_rows("failure")
    assert [row.actor_email for row in rows] == ["known@example.com", "nobody@example.com"]
    assert all(row.actor_id is None for row in rows)
    assert all("not the password" not in row.details for row in rows)


def test_disabled_account_cannot_log_in(client, make_user):
    make_user("sme", email="gone@example.com", status="disabled")
    response = post_login(client, "gone@example.com")
    assert GENERIC in response.get_data(as_text=True)
    assert "_user_id" not in session_of(client)
    [row] = login_rows()
    assert row.outcome == "failure"
    assert json.loads(row.details)["reason"] == "disabled"


def test_pending_user_logs_in_to_the_pending_page(client, make_user):
    make_user("organiser", email="org@example.com", status="pending")
    response = post_login(client, "org@example.com", next="/dashboard")
    assert response.headers["Location"].endswith("/pending")


@pytest.mark.parametrize("target", [
    "//evil.test", "/\\evil.test", "https:evil.test", "http://evil.test",
    "https://evil.test/path", "///evil.test", "\\\\evil.test", "/\tevil", "javascript:alert(1)",
    "evil.test", "",
])
def test_next_never_leaves_the_site(client, make_user, target):
    make_user("military", email="ola@example.com")
    response = post_login(client, "ola@example.com", next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in ("/dashboard", "http://localhost/dashboard")


def test_local_next_is_honoured(client, make_user):
    make_user("military", email="ola@example.com")
    response = post_login(client, "ola@example.com", next="/challenges/?q=sonar")
    assert response.headers["Location"] == "/challenges/?q=sonar"


def test_login_renews_the_session(client, make_user):
    make_user("military", email="ola@example.com")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
        session["_user_id"] = "999:forged"
    post_login(client, "ola@example.com")
    session = session_of(client)
    assert "planted" not in session
    assert session["_user_id"] != "999:forged"


def test_logout_ends_the_session_server_side(app, client, make_user):
    user = make_user("military", email="ola@example.com")
    post_login(client, "ola@example.com")
    stolen = client.get_cookie("session").value
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/account/").status_code == 200  # the copy works while logged in

    response = client.post("/auth/logout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert "_user_id" not in session_of(client)
    assert client.get("/account/").status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/account/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert db.session.get(User, user.id).session_token not in stolen
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "logout")) is not None


def test_logout_needs_post(client, make_user, login):
    login(make_user("sme"))
    assert client.get("/auth/logout").status_code == 405


def test_idle_session_is_logged_out(client, make_user, login):
    login(make_user("military"))
    assert client.get("/account/").status_code == 200
    with client.session_transaction() as session:
        session["last_seen"] = (utcnow() - timedelta(hours=3)).isoformat()
    response = client.get("/account/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_absolute_session_lifetime(client, make_user, login):
    login(make_user("military"))
    with client.session_transaction() as session:
        session["login_at"] = (utcnow() - timedelta(days=2)).isoformat()
    assert client.get("/account/").status_code == 302


# --- Throttling ------------------------------------------------------------------------------


def test_sixth_failure_for_one_account_from_one_address_is_throttled(client, make_user):
    make_user("sme", email="target@example.com")
    for _ in range(5):
        response = post_login(client, "target@example.com", "wrong guess", ip="10.0.0.1")
        assert response.status_code == 200
    # Even with the right password: this pair is paused.
    response = post_login(client, "target@example.com", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 800 < retry_after <= 900
    assert "Too many failed logins" in response.get_data(as_text=True)
    assert "_user_id" not in session_of(client)
    [throttled] = login_rows("throttled")
    assert throttled.actor_email == "target@example.com" and throttled.ip == "10.0.0.1"


def test_address_ceiling_throttles_guessing_across_accounts(client, make_user):
    make_user("sme", email="real@example.com")
    ceiling = client.application.config["LOGIN_FAILURES_PER_ADDRESS"]
    for n in range(ceiling):
        post_login(client, f"guess{n % 9}@example.com", "wrong guess", ip="203.0.113.7")
    response = post_login(client, "real@example.com", PASSWORD, ip="203.0.113.7")
    assert response.status_code == 429 and "Retry-After" in response.headers
    # Another address is not affected.
    response = post_login(client, "real@example.com", PASSWORD, ip="203.0.113.8")
    assert response.status_code == 302


def test_retry_after_counts_down_and_the_window_passes(client, make_user):
    make_user("sme", email="target@example.com")
    for _ in range(5):
        post_login(client, "target@example.com", "wrong guess", ip="10.0.2.1")
    ten_minutes_ago = utcnow() - timedelta(minutes=10)
    db.session.execute(update(AuditEntry).values(created_at=ten_minutes_ago))
    db.session.commit()
    response = post_login(client, "target@example.com", PASSWORD, ip="10.0.2.1")
    assert response.status_code == 429
    assert 290 <= int(response.headers["Retry-After"]) <= 300

    sixteen_minutes_ago = utcnow() - timedelta(minutes=16)
    db.session.execute(update(AuditEntry).values(created_at=sixteen_minutes_ago))
    db.session.commit()
    assert post_login(client, "target@example.com", PASSWORD, ip="10.0.2.1").status_code == 302


def test_four_failures_then_success_is_not_throttled(client, make_user):
    make_user("sme", email="target@example.com")
    for _ in range(4):
        post_login(client, "target@example.com", "wrong guess")
    assert post_login(client, "target@example.com", PASSWORD).status_code == 302


def test_success_restarts_the_pair_count_but_not_the_address_count(app, make_user):
    make_user("sme", email="me@example.com")
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 6
    with app.test_request_context():
        for _ in range(4):
            accounts.attempt_login(db.session, "me@example.com", "wrong guess", "10.1.1.1")
        assert accounts.attempt_login(db.session, "me@example.com", PASSWORD, "10.1.1.1").user
        accounts.attempt_login(db.session, "me@example.com", "wrong guess", "10.1.1.1")
        db.session.commit()
        # One failure since the success: the pair may go on.
        assert accounts.login_retry_after(db.session, "me@example.com", "10.1.1.1") is None
        accounts.attempt_login(db.session, "other@example.com", "wrong guess", "10.1.1.1")
        # Six failures from the address in the window: its ceiling holds for every account.
        assert accounts.login_retry_after(db.session, "x@example.com", "10.1.1.1") is not None
        assert accounts.login_retry_after(db.session, "x@example.com", "10.1.1.2") is None

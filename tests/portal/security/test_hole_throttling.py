"""Holes 5, 7 and 8: password checks inside a session, login and signup are throttled, per
(account, address) pair with wider ceilings, so guessing is bounded and nobody locks others out."""

from sqlalchemy import func, select

from portal.db import db
from portal.models import AuditEntry, User
from portal.services import accounts

PASSWORD = "correct horse battery"


def post_login(client, email, password=PASSWORD, ip="127.0.0.1"):
    return client.post("/auth/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


# --- Hole 5: the current-password check of a password change ---------------------------------


def _change(client, current, new="a brand new passphrase"):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new, "confirm": new})


def test_wrong_current_passwords_are_throttled_like_login(client, login, make_user):
    user = make_user("sme")
    old_hash = user.password_hash
    login(user)
    for _ in range(5):
        response = _change(client, "wrong guess")
        assert response.status_code == 400
        assert "not correct" in response.get_data(as_text=True)
    response = _change(client, PASSWORD)
    assert response.status_code == 429
    assert 800 < int(response.headers["Retry-After"]) <= 900
    db.session.refresh(user)
    assert user.password_hash == old_hash
    outcomes = db.session.scalars(select(AuditEntry.outcome).where(
        AuditEntry.action == "password_change").order_by(AuditEntry.id)).all()
    assert outcomes == ["failure"] * 5 + ["throttled"]


def test_another_users_failures_do_not_throttle_me(client, login, make_user):
    other = make_user("sme")
    login(other)
    for _ in range(5):
        _change(client, "wrong guess")
    me = make_user("sme")
    login(me)
    response = _change(client, PASSWORD)
    assert response.status_code == 302


# --- Hole 7: lockout by address -----------------------------------------------------------------


def test_failures_for_one_account_do_not_lock_out_others_behind_the_same_address(client,
                                                                                make_user):
    make_user("sme", email="victim@example.com")
    make_user("sme", email="colleague@example.com")
    for _ in range(5):
        post_login(client, "victim@example.com", "wrong guess", ip="198.51.100.1")
    assert post_login(client, "victim@example.com", PASSWORD,
                      ip="198.51.100.1").status_code == 429
    # A colleague in the same office, and the victim from home, still get in.
    assert post_login(client.application.test_client(), "colleague@example.com",
                      ip="198.51.100.1").status_code == 302
    assert post_login(client.application.test_client(), "victim@example.com",
                      ip="192.0.2.50").status_code == 302


def test_account_ceiling_bounds_guessing_from_many_addresses_but_spares_known_ones(client,
                                                                                  make_user):
    make_user("sme", email="victim@example.com")
    # The owner has logged in from home before.
    assert post_login(app_client := client.application.test_client(), "victim@example.com",
                      ip="192.0.2.50").status_code == 302
    ceiling = client.application.config["LOGIN_FAILURES_PER_ACCOUNT"]
    for n in range(ceiling):
        post_login(client, "victim@example.com", "wrong guess", ip=f"10.20.{n // 250}.{n % 250}")
    assert post_login(client, "victim@example.com", PASSWORD,
                      ip="10.99.99.99").status_code == 429
    assert post_login(app_client, "victim@example.com", ip="192.0.2.50").status_code == 302


# --- Hole 8: signup enumeration -----------------------------------------------------------------


def _signup(client, n: int, ip: str, email: str | None = None):
    return client.post("/auth/signup", environ_base={"REMOTE_ADDR": ip}, data={
        "email": email or f"person{n}@example.com", "password": PASSWORD, "confirm": PASSWORD,
        "full_name": "Kari Nordmann", "account_type": "military", "unit": "Brigade North",
        "company_name": "", "profile_kind": "company", "country": "NO", "org_number": ""})


def test_signup_is_throttled_per_address_and_keeps_its_message(app, make_user):
    make_user("sme", email="taken@example.com")
    limit = app.config["SIGNUP_ATTEMPTS_PER_ADDRESS"]
    for n in range(limit):
        client = app.test_client()  # a new browser each time: signup needs no session
        response = _signup(client, n, "203.0.113.9", email="taken@example.com")
        assert response.status_code == 200
        assert "An account with this email already exists" in response.get_data(as_text=True)
    response = _signup(app.test_client(), 99, "203.0.113.9")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert db.session.scalar(select(func.count(User.id)).where(
        User.email == "person99@example.com")) == 0
    # Another address signs up normally.
    response = _signup(app.test_client(), 100, "203.0.113.10")
    assert response.status_code == 302
    assert accounts.signup_retry_after(db.session, "203.0.113.10") is None

"""Hole 6: API tokens end with a password change and, for good, when an account is disabled."""

from portal.db import db
from portal.services import accounts, tokens

PASSWORD = "correct horse battery"


def _token(user) -> dict[str, str]:
    _row, raw = tokens.create_token(db.session, user, "script")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_password_change_ends_every_token(client, login, make_user):
    user = make_user("sme")
    first, second = _token(user), _token(user)
    assert client.get("/api/v1/me/company", headers=first).status_code == 200
    login(user)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    fresh = client.application.test_client()
    for headers in (first, second):
        assert fresh.get("/api/v1/me/company", headers=headers).status_code == 401
    # A token made after the change works.
    assert fresh.get("/api/v1/me/company", headers=_token(user)).status_code == 200


def test_disabling_ends_tokens_for_good(client, make_user):
    admin = make_user("admin")
    user = make_user("sme")
    headers = _token(user)
    assert client.get("/api/v1/me/company", headers=headers).status_code == 200
    accounts.disable_user(db.session, admin, user)
    db.session.commit()
    assert client.get("/api/v1/me/company", headers=headers).status_code == 401
    accounts.enable_user(db.session, admin, user)
    db.session.commit()
    assert client.get("/api/v1/me/company", headers=headers).status_code == 401

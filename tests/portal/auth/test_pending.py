"""A pending account reaches only the pending page, its account page and logout."""

import pytest


@pytest.fixture
def pending_client(client, make_user, login):
    user = make_user("military", status="pending", email="waiting@example.com", unit="KJK")
    login(user)
    return client


def test_pending_page_explains_and_shows_role_and_email(pending_client):
    response = pending_client.get("/pending")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "waiting for approval" in body
    assert "waiting@example.com" in body
    assert "Military user" in body
    assert "administrator" in body


@pytest.mark.parametrize("path", ["/", "/dashboard", "/challenges/", "/company/", "/events/",
                                  "/notifications", "/admin/users", "/auth/login"])
def test_everything_else_redirects_to_pending(pending_client, path):
    response = pending_client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pending")


def test_account_page_and_logout_stay_reachable(pending_client):
    assert pending_client.get("/account/").status_code == 200
    response = pending_client.post("/account/password", data={
        "current_password": "correct horse battery", "new_password": "a much better passphrase",
        "confirm": "a much better passphrase"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/")
    assert pending_client.post("/auth/logout").status_code == 302
    assert pending_client.get("/pending").status_code == 302  # now anonymous: to login


def test_pending_user_cannot_create_api_tokens(pending_client):
    assert pending_client.post("/account/tokens", data={"name": "x"}).status_code == 403


def test_api_paths_get_json_403(app, make_user, login):
    app.add_url_rule("/api/v1/_probe", "api_probe", lambda: {"ok": True})
    client = app.test_client()
    login(make_user("organiser", status="pending"), client)
    response = client.get("/api/v1/_probe")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == 403


def test_approved_user_is_not_gated(client, make_user, login):
    login(make_user("military"))
    response = client.get("/account/")
    assert response.status_code == 200

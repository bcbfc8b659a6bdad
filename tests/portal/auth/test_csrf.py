"""With CSRF protection on (as in production), a form POST without a token is refused."""

import re

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_login_post_without_token_is_400(client, make_user):
    make_user("sme", email="csrf@example.com")
    response = client.post("/auth/login", data={"email": "csrf@example.com",
                                                "password": "correct horse battery"})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert db.session.scalar(select(AuditEntry)) is None


def test_login_post_with_the_form_token_works(client, make_user):
    make_user("sme", email="csrf@example.com")
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"email": "csrf@example.com",
                                                "password": "correct horse battery",
                                                "csrf_token": token})
    assert response.status_code == 302


def test_logout_without_token_is_400(client, make_user, login):
    login(make_user("sme"))
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/account/").status_code == 200

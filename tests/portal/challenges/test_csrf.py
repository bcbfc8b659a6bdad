"""With CSRF protection on (as in production), state-changing posts need the token."""

import re

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.models import Interest

PITCH = "Our sensors work at minus 40 degrees and we can test this winter."


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_interest_post_without_token_is_refused(client, login, make_user, make_challenge):
    challenge = make_challenge()
    login(make_user("sme"))
    assert client.post(f"/challenges/{challenge.id}/interest",
                       data={"pitch": PITCH}).status_code == 400
    assert db.session.scalar(select(func.count(Interest.id))) == 0
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/challenges/{challenge.id}/interest",
                           data={"pitch": PITCH, "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Interest.id))) == 1


def test_profile_and_challenge_forms_refuse_posts_without_token(client, login, make_user):
    login(make_user("sme"))
    assert client.get("/challenges/?q=sensor&status=all").status_code == 200
    assert client.post("/company/edit", data={"name": "X"}).status_code == 400
    login(make_user("military"))
    assert client.post("/challenges/new", data={"title": "X"}).status_code == 400
    assert client.post("/notifications/read").status_code == 400

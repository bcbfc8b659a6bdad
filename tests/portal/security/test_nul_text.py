"""Text holding a NUL character is refused before it reaches the database (PostgreSQL cannot
store one, so it would answer 500 there): by the JSON API and by every web form alike."""

from sqlalchemy import func, select

from portal.db import db
from portal.models import Challenge
from portal.models.enums import Role
from portal.services import tokens

CHALLENGE = {"title": "Sonar for fjords", "visibility": "public",
             "problem": "Quiet submarines in shallow fjords need passive sonar arrays.",
             "effect": "Persistent passive surveillance of fjord entrances."}


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Challenge))


def test_the_api_refuses_a_nul_character_in_any_text(app, client, make_user):
    officer = make_user(Role.MILITARY, unit="Naval Unit")
    _token, raw = tokens.create_token(db.session, officer, "nul test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    response = client.post("/api/v1/challenges", headers=headers,
                           json={**CHALLENGE, "effect": "Surveillance\u0000 of fjords."})
    assert response.status_code == 400
    assert "NUL" in response.get_json()["error"]["message"]
    assert count() == 0
    # Positive control: the same challenge without the NUL is created.
    assert client.post("/api/v1/challenges", headers=headers, json=CHALLENGE).status_code == 201
    assert count() == 1


def test_a_web_form_refuses_a_nul_character(app, client, make_user, login):
    officer = make_user(Role.MILITARY, unit="Naval Unit")
    login(officer)
    form = {**CHALLENGE, "problem": CHALLENGE["problem"] + "\x00", "status": "draft",
            "contract_model": "prototype_test"}
    response = client.post("/challenges/new", data=form)
    assert response.status_code in (200, 400)
    assert "Text may not contain a NUL character." in response.get_data(as_text=True)
    assert count() == 0


def test_a_nul_character_in_a_query_string_is_refused_by_the_api(app, client, make_user):
    officer = make_user(Role.MILITARY, unit="Naval Unit")
    _token, raw = tokens.create_token(db.session, officer, "nul query")
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    # The request the randomised fuzzing sent: on PostgreSQL it answered 500.
    response = client.get("/api/v1/challenges?q=%C3%9B%C2%AF%00&area=%C2%B0%00", headers=headers)
    assert response.status_code == 422
    body = response.get_json()["error"]
    assert "NUL" in body["message"] and "q" in body["message"]
    # Positive control: the same search without the NUL answers.
    assert client.get("/api/v1/challenges?q=%C3%9B%C2%AF", headers=headers).status_code == 200


def test_a_nul_character_in_a_page_query_string_is_refused_in_the_users_language(
        app, client, make_user, login):
    login(make_user(Role.MILITARY, unit="Naval Unit"))
    response = client.get("/challenges/?q=drone%00", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "NUL character" in response.get_data(as_text=True)
    assert client.get("/challenges/?q=drone").status_code == 200

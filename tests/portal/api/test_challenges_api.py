"""The challenges API: visibility, roles, validation, CSRF and shapes."""

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from portal.db import db
from portal.models import ApiToken, Challenge

VALID = {"title": "Quiet sonar", "problem": "Detect quiet submarines in fjords.",
         "effect": "Submarines found before they reach the coast.", "visibility": "registered"}


def test_anonymous_list_shows_public_only(api, make_challenge):
    make_challenge(title="Public one", visibility="public")
    make_challenge(title="Registered one")
    make_challenge(title="Vetted one", visibility="vetted")
    make_challenge(title="Draft one", visibility="public", status="draft")
    response = api().get("/api/v1/challenges")
    assert response.status_code == 200
    body = response.get_json()
    assert [c["title"] for c in body["items"]] == ["Public one"]
    assert body["total"] == 1 and body["page"] == 1


def test_list_counts_only_visible_for_unvetted_sme(api, make_user, make_challenge):
    make_challenge(title="Registered one")
    make_challenge(title="Secret canary", visibility="vetted")
    response = api(make_user()).get("/api/v1/challenges")
    body = response.get_json()
    assert body["total"] == 1
    assert "Secret canary" not in response.get_data(as_text=True)


def test_pagination(api, make_challenge):
    for _ in range(3):
        make_challenge(visibility="public")
    body = api().get("/api/v1/challenges?per_page=2&page=2").get_json()
    assert body["total"] == 3 and len(body["items"]) == 1 and body["pages"] == 2
    assert api().get("/api/v1/challenges?per_page=0").status_code == 422
    assert api().get("/api/v1/challenges?page=x").status_code == 422


def test_get_one_shape_and_404(api, make_user, make_challenge):
    challenge = make_challenge(visibility="public", trl_min=3, trl_max=6, county="Troms",
                               area_slugs=("underwater-technology",))
    body = api().get(f"/api/v1/challenges/{challenge.id}").get_json()
    assert body["areas"] == ["underwater-technology"]
    assert body["trl_min"] == 3 and body["county"] == "Troms" and body["status"] == "open"
    assert set(body) >= {"id", "title", "problem", "context", "effect", "areas", "trl_min",
                         "trl_max", "deadline", "contract_model", "county", "visibility",
                         "status"}
    secret = make_challenge(title="Secret canary", visibility="vetted")
    response = api(make_user()).get(f"/api/v1/challenges/{secret.id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404
    assert "Secret canary" not in response.get_data(as_text=True)
    assert api(make_user(vetted=True)).get(f"/api/v1/challenges/{secret.id}").status_code == 200
    assert api().get("/api/v1/challenges/99999").status_code == 404


def test_create_with_bearer_token(api, make_user):
    officer = make_user(role="military", unit="Coastal Rangers")
    response = api(officer).post("/api/v1/challenges", json={
        **VALID, "areas": ["underwater-technology"], "trl_min": 4, "trl_max": 7,
        "deadline": "2030-01-31", "contract_model": "prototype_test", "county": "Troms",
        "status": "open"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/challenges/{body['id']}")
    challenge = db.session.get(Challenge, body["id"])
    assert challenge.unit == "Coastal Rangers" and challenge.owner_id == officer.id
    assert body["deadline"] == "2030-01-31" and body["areas"] == ["underwater-technology"]
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == officer.id))
    assert token.last_used_at is not None


def test_create_defaults_to_draft(api, make_user):
    response = api(make_user(role="military")).post("/api/v1/challenges", json=VALID)
    assert response.status_code == 201
    assert response.get_json()["status"] == "draft"


@pytest.mark.parametrize("role, status", [("sme", "active"), ("organiser", "active"),
                                          ("military", "pending")])
def test_create_refused_for_other_roles(api, make_user, role, status):
    response = api(make_user(role=role, status=status)).post("/api/v1/challenges", json=VALID)
    assert response.status_code == 403
    assert db.session.scalar(select(Challenge)) is None


def test_auth_errors(api, app):
    assert api().post("/api/v1/challenges", json=VALID).status_code == 401
    bad = api().post("/api/v1/challenges", json=VALID,
                     headers={"Authorization": "Bearer pt_not-a-real-token"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == 401
    assert "Bearer" in bad.headers["WWW-Authenticate"]
    assert api().get("/api/v1/challenges", headers={"Authorization": "Basic abc"}
                     ).status_code == 401


def test_revoked_and_disabled(api, make_user):
    officer = make_user(role="military")
    client = api(officer)
    assert client.get("/api/v1/challenges").status_code == 200
    officer.status = "disabled"
    db.session.commit()
    assert client.get("/api/v1/challenges").status_code == 401


@pytest.mark.parametrize("payload, field", [
    ({**VALID, "unit": "Other"}, "unit"),
    ({**VALID, "id": 5}, "id"),
    ({**VALID, "trl_min": 0}, "trl_min"),
    ({**VALID, "trl_max": 10}, "trl_max"),
    ({**VALID, "trl_min": "3"}, "trl_min"),
    ({**VALID, "trl_min": 7, "trl_max": 3}, "trl_min"),
    ({**VALID, "deadline": "31.01.2030"}, "deadline"),
    ({**VALID, "areas": ["no-such-area"]}, "areas"),
    ({**VALID, "visibility": "secret"}, "visibility"),
    ({**VALID, "status": "awarded"}, "status"),
    ({**VALID, "county": "Atlantis"}, "county"),
    ({**VALID, "title": "  "}, "title"),
    ({"title": "x", "problem": "Detect quiet submarines in fjords.", "effect": "y"},
     "visibility"),
    # The web form's rules: a problem of at least 30 characters and a wanted effect.
    ({**VALID, "problem": "Find submarines."}, "problem"),
    ({**VALID, "problem": " " * 40}, "problem"),
    ({key: value for key, value in VALID.items() if key != "effect"}, "effect"),
    ({**VALID, "effect": None}, "effect"),
    ({**VALID, "effect": "   "}, "effect"),
    # An open challenge needs a deadline that has not passed.
    ({**VALID, "status": "open"}, "deadline"),
    ({**VALID, "status": "open", "deadline": "2001-01-01"}, "deadline"),
])
def test_create_validation(api, make_user, payload, field):
    response = api(make_user(role="military")).post("/api/v1/challenges", json=payload)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["field"] == field and field in error["message"]
    assert db.session.scalar(select(Challenge)) is None


def test_malformed_json_is_400(api, make_user):
    client = api(make_user(role="military"))
    response = client.post("/api/v1/challenges", data="{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == 400
    assert client.post("/api/v1/challenges", json=[1, 2]).status_code == 400
    assert client.post("/api/v1/challenges", data="title=x").status_code == 400


def test_put_rules(api, make_user, make_challenge):
    owner = make_user(role="military", unit="Naval Unit")
    challenge = make_challenge(unit="Naval Unit", title="Old title")
    response = api(owner).put(f"/api/v1/challenges/{challenge.id}",
                              json={"title": "New title", "trl_min": 2})
    assert response.status_code == 200
    assert response.get_json()["title"] == "New title"
    assert response.get_json()["problem"] == challenge.problem  # left out: kept
    other = api(make_user(role="military", unit="Other Unit"))
    assert other.put(f"/api/v1/challenges/{challenge.id}", json={"title": "Hijack"}
                     ).status_code == 403
    draft = make_challenge(unit="Naval Unit", status="draft")
    assert other.put(f"/api/v1/challenges/{draft.id}", json={"title": "Hijack"}
                     ).status_code == 404
    assert api(make_user(role="admin")).put(f"/api/v1/challenges/{challenge.id}",
                                            json={"status": "closed"}).status_code == 200
    db.session.refresh(challenge)
    assert challenge.title == "New title" and challenge.status == "closed"
    assert api(owner).put(f"/api/v1/challenges/{challenge.id}",
                          json={"trl_max": 1}).status_code == 422  # min 2 > max 1


class TestCookieAuthAndCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_cookie_post_needs_csrf_token(self, app, client, login, make_user):
        officer = make_user(role="military")
        login(officer)
        response = client.post("/api/v1/challenges", json=VALID)
        assert response.status_code == 400
        assert "CSRF" in response.get_json()["error"]["message"]
        assert db.session.scalar(select(Challenge)) is None
        # What a page's csrf_token() gives the browser: the session secret, signed.
        raw = "0123456789abcdef" * 2
        with client.session_transaction() as session:
            session["csrf_token"] = raw
        token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
        response = client.post("/api/v1/challenges", json=VALID,
                               headers={"X-CSRFToken": token})
        assert response.status_code == 201

    def test_bearer_is_exempt(self, api, make_user):
        response = api(make_user(role="military")).post("/api/v1/challenges", json=VALID)
        assert response.status_code == 201

    def test_cookie_put_needs_csrf(self, client, login, make_user, make_challenge):
        owner = make_user(role="military", unit="Naval Unit")
        challenge = make_challenge(unit="Naval Unit", title="Keep me")
        login(owner)
        assert client.put(f"/api/v1/challenges/{challenge.id}",
                          json={"title": "Changed"}).status_code == 400
        db.session.refresh(challenge)
        assert challenge.title == "Keep me"

    def test_cookie_get_needs_no_token(self, client, login, make_user):
        login(make_user(role="military"))
        assert client.get("/api/v1/challenges").status_code == 200


def test_pending_users_get_403_everywhere(api, make_user, make_challenge):
    client = api(make_user(role="military", status="pending"))
    make_challenge(visibility="public")
    assert client.get("/api/v1/challenges").status_code == 403
    assert client.get("/api/v1/openapi.json").status_code == 200

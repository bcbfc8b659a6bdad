"""The /me API (company profile, recommendations), the matches API and the OpenAPI document."""

import re

import pytest
from sqlalchemy import select

import matching as matching_library
from portal.db import db
from portal.models import Company

SONAR = "Passive sonar arrays, hydrophones and underwater acoustics for submarines."
MATCH_KEYS = {"score", "components", "shared_areas", "top_terms", "best_passages"}


@pytest.fixture
def sme(make_user, make_company):
    company = make_company(name="Acme AS", org_number="923609016", description=SONAR,
                           contact_email="secret@acme.test")
    return make_user(company=company)


def test_get_my_company(api, sme):
    body = api(sme).get("/api/v1/me/company").get_json()
    assert body["name"] == "Acme AS" and body["clearance_verified"] is False
    assert body["org_number"] == "923609016"


def test_my_company_is_for_smes(api, make_user):
    assert api(make_user(role="military")).get("/api/v1/me/company").status_code == 403
    assert api().get("/api/v1/me/company").status_code == 401


def test_put_my_company(api, sme):
    response = api(sme).put("/api/v1/me/company", json={
        "description": SONAR + " Also sonar domes.", "trl": 6, "county": "Vestland",
        "areas": ["underwater-technology"], "website": "https://acme.test"})
    assert response.status_code == 200, response.get_json()
    company = db.session.get(Company, sme.company_id)
    assert company.trl == 6 and [a.slug for a in company.areas] == ["underwater-technology"]
    assert company.name == "Acme AS"  # left out: kept


@pytest.mark.parametrize("payload, field", [
    ({"clearance_verified": True}, "clearance_verified"),
    ({"verified_at": "2024-01-01"}, "verified_at"),
    ({"org_number": "923609017"}, "org_number"),
    ({"org_number": "12345"}, "org_number"),
    ({"trl": 10}, "trl"),
    ({"trl": True}, "trl"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"contact_email": "not-an-email"}, "contact_email"),
    ({"size_band": "huge"}, "size_band"),
    ({"county": "Atlantis"}, "county"),
    ({"areas": ["nope"]}, "areas"),
    ({"name": ""}, "name"),
    ({"country": "XX"}, "country"),
    ({"norwegian_owned": "yes"}, "norwegian_owned"),
])
def test_put_my_company_validation(api, sme, payload, field):
    response = api(sme).put("/api/v1/me/company", json=payload)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
    company = db.session.get(Company, sme.company_id)
    db.session.refresh(company)
    assert company.clearance_verified is False and company.trl is None


def test_put_duplicate_org_number_is_409(api, sme, make_company):
    make_company(org_number="974760673")
    response = api(sme).put("/api/v1/me/company", json={"org_number": "974760673"})
    assert response.status_code == 409


def test_put_creates_a_profile_when_missing(api, make_user):
    user = make_user(company=None, role="sme")
    user.company = None
    db.session.commit()
    response = api(user).put("/api/v1/me/company", json={
        "name": "New AS", "org_number": "923609016", "description": SONAR})
    assert response.status_code == 201, response.get_json()
    assert db.session.scalar(select(Company).where(Company.name == "New AS")) is not None


def test_recommendations_shape_and_visibility(api, sme, make_challenge, monkeypatch):
    open_one = make_challenge(title="Sonar for fjords", problem=SONAR)
    secret = make_challenge(title="Secret canary sonar", problem=SONAR, visibility="vetted")
    masks = []
    original = matching_library.Matcher.rank_challenges

    def spy(self, company_id, top_k=20, mask=None):
        masks.append(dict(zip(self.challenge_ids_, mask.tolist(), strict=True)))
        return original(self, company_id, top_k=top_k, mask=mask)

    monkeypatch.setattr(matching_library.Matcher, "rank_challenges", spy)
    response = api(sme).get("/api/v1/me/recommendations")
    assert response.status_code == 200
    body = response.get_json()
    assert "Secret canary" not in response.get_data(as_text=True)
    assert body["candidates"] == 1
    assert [i["challenge"] for i in body["items"]] == [{"id": open_one.id,
                                                        "title": "Sonar for fjords"}]
    item = body["items"][0]
    assert set(item) >= MATCH_KEYS
    assert 0 <= item["score"] <= 1
    assert set(item["best_passages"]) == {"challenge", "company"}
    assert body["model"].startswith("hashing") and body["weights_version"] == "default"
    assert masks[0][str(secret.id)] is False
    # No internal fields for SMEs.
    text = response.get_data(as_text=True)
    assert "feedback" not in text and "contact_email" not in text


def test_recommendations_for_smes_only(api, make_user):
    assert api(make_user(role="organiser")).get("/api/v1/me/recommendations"
                                                ).status_code == 403


def test_matches_api(api, make_user, make_company, make_challenge):
    owner = make_user(role="military", unit="Naval Unit")
    make_company(name="Sonar AS", description=SONAR, contact_email="hidden@sonar.test")
    make_company(name="Food AS", description="Catering and canteens.")
    challenge = make_challenge(unit="Naval Unit", title="Find submarines", problem=SONAR)
    response = api(owner).get(f"/api/v1/challenges/{challenge.id}/matches?top_k=5")
    assert response.status_code == 200
    body = response.get_json()
    assert body["items"][0]["company"]["name"] == "Sonar AS"
    assert set(body["items"][0]["company"]) == {"id", "name"}
    assert set(body["items"][0]) >= MATCH_KEYS
    # The evidence behind the fit, with the page's meaning: neither side gives areas, TRL or
    # region here, so only the text evidence is there.
    top = body["items"][0]
    assert set(top["components"]) == {"text", "terms"}
    assert all(0.0 <= v <= 1.0 for v in top["components"].values())
    assert top["band"] in {"strong", "good", "possible", "weak"}
    for item in body["items"]:  # neither side chose areas: whatever is shared was inferred
        assert item["areas_inferred"] == (["challenge", "company"] if item["shared_areas"]
                                          else [])
    assert any(item["shared_areas"] for item in body["items"])
    assert "teams" in body and body["weights_version"] == "default"
    assert "hidden@sonar.test" not in response.get_data(as_text=True)
    assert api(make_user(role="organiser")).get(
        f"/api/v1/challenges/{challenge.id}/matches").status_code == 200
    assert api(make_user(role="military", unit="Other")).get(
        f"/api/v1/challenges/{challenge.id}/matches").status_code == 403
    assert api(make_user()).get(f"/api/v1/challenges/{challenge.id}/matches").status_code == 403
    assert api().get(f"/api/v1/challenges/{challenge.id}/matches").status_code == 401
    assert api(owner).get(f"/api/v1/challenges/{challenge.id}/matches?top_k=0"
                          ).status_code == 422
    assert api(owner).get(f"/api/v1/challenges/{challenge.id}/matches?county=Oslo"
                          ).status_code == 200


def test_matches_api_404_for_invisible(api, make_user, make_challenge):
    secret = make_challenge(unit="Naval Unit", visibility="vetted", title="Secret canary")
    response = api(make_user()).get(f"/api/v1/challenges/{secret.id}/matches")
    assert response.status_code == 404
    assert "Secret canary" not in response.get_data(as_text=True)


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_openapi_documents_every_api_rule(app, api):
    response = api().get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = _openapi_path(rule.rule)
        assert path in doc["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = doc["paths"][path].get(method.lower())
            assert operation is not None, (method, path)
            assert operation["responses"], (method, path)
            for name in re.findall(r"{(\w+)}", path):
                assert any(p["name"] == name and p["in"] == "path"
                           for p in operation.get("parameters", [])), (method, path, name)


def test_openapi_references_resolve(api):
    doc = api().get("/api/v1/openapi.json").get_json()
    text = str(doc)
    for ref in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert ref in doc["components"]["schemas"], ref
    mine = {p: ops for p, ops in doc["paths"].items() if not p.startswith("/api/v1/events")}
    for path, operations in mine.items():
        for method, operation in operations.items():
            if method in ("put", "post"):
                assert "requestBody" in operation, (method, path)
                assert "422" in operation["responses"] and "400" in operation["responses"]
            if operation.get("security") != [{}] and path != "/api/v1/challenges":
                assert "401" in operation["responses"], (method, path)


def test_api_response_matches_documented_required_fields(api, make_challenge):
    doc = api().get("/api/v1/openapi.json").get_json()
    challenge = make_challenge(visibility="public")
    body = api().get(f"/api/v1/challenges/{challenge.id}").get_json()
    assert set(doc["components"]["schemas"]["Challenge"]["required"]) <= set(body)
    page = api().get("/api/v1/challenges").get_json()
    assert set(doc["components"]["schemas"]["ChallengePage"]["required"]) <= set(page)

"""CSRF on every state-changing route, and no route that changes the audit trail."""

import re

import pytest

from portal.models.enums import Role

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Flask-WTF's reason for refusing a request without a token: a 400 for any other reason (a
# form that failed validation) must not pass for CSRF protection.
CSRF_MISSING = "The CSRF token is missing."


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _unsafe_rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & UNSAFE):
            yield rule, method


def _url(rule) -> str:
    # Ids need not exist: CSRF is checked before any view code runs.
    return re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule)


def test_every_state_changing_route_refuses_a_missing_csrf_token(app, make_user, login):
    admin = make_user(Role.ADMIN)
    client = login(admin)
    checked = 0
    for rule, method in _unsafe_rules(app):
        response = client.open(_url(rule), method=method, data={"anything": "1"})
        assert response.status_code == 400, (method, rule.rule, response.status_code)
        assert CSRF_MISSING in response.get_data(as_text=True), (method, rule.rule)
        checked += 1
    assert checked > 30  # the sweep really covered the portal's forms and API writes


def test_cookie_authenticated_api_writes_refuse_a_missing_csrf_token(app, make_user, login):
    military = make_user(Role.MILITARY)
    client = login(military)
    response = client.post("/api/v1/challenges", json={"title": "T", "problem": "P" * 30,
                                                       "visibility": "public"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == 400
    assert CSRF_MISSING in response.get_data(as_text=True)


def test_a_valid_token_passes_the_check_the_sweep_relies_on(app, make_user, login):
    # Positive control: the token a page hands out gets the same request past CSRF (it is
    # then refused, if at all, for another reason), so the sweep's refusals are CSRF's.
    admin = make_user(Role.ADMIN)
    client = login(admin)
    page = client.get("/account/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/account/password", data={"anything": "1", "csrf_token": token})
    assert "CSRF" not in response.get_data(as_text=True), response.status_code


def test_no_route_changes_the_audit_trail(app):
    audit_rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule]
    assert audit_rules, "the audit log page exists"
    for rule in audit_rules:
        assert not (rule.methods or set()) & UNSAFE, rule.rule

"""Security headers on every response (errors and static files too), cookies, and templates
that the Content-Security-Policy can serve unchanged (no inline script, style or handlers)."""

import re
from pathlib import Path

import pytest

from portal.security import CSP

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def assert_security_headers(response) -> None:
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    script_sources = policy.get("script-src", policy["default-src"])
    assert "'unsafe-inline'" not in script_sources and "'unsafe-eval'" not in script_sources
    assert "'unsafe-inline'" not in policy.get("style-src", policy["default-src"])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.fixture
def app_config():
    return {"MAX_CONTENT_LENGTH": 4096}


def test_csp_constant_is_what_is_sent(client):
    assert client.get("/").headers["Content-Security-Policy"] == CSP


def test_every_kind_of_response_carries_the_headers(app, client):
    def boom():
        raise RuntimeError("kaboom")

    app.add_url_rule("/test/boom", "test_boom", boom)
    responses = {
        "page": client.get("/"),
        "static css": client.get("/static/css/portal.css"),
        "static js": client.get("/static/js/portal.js"),
        "404": client.get("/no/such/page"),
        "api 404": client.get("/api/v1/no/such/thing"),
        "405": client.get("/auth/logout"),
        "413": client.post("/auth/login", data={"email": "x" * 8192}),
        "500": client.get("/test/boom"),
        "redirect": client.get("/account/"),
    }
    expected = {"page": 200, "static css": 200, "static js": 200, "404": 404, "api 404": 404,
                "405": 405, "413": 413, "500": 500, "redirect": 302}
    for name, response in responses.items():
        assert response.status_code == expected[name], name
        assert_security_headers(response)


def test_authenticated_pages_are_not_stored_anonymous_static_files_may_be(client, login,
                                                                         make_user):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(make_user("sme"))
    for path in ("/", "/account/", "/company/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert_security_headers(response)
    assert "no-store" not in client.get("/static/css/portal.css").headers.get("Cache-Control", "")


def test_error_pages_are_never_cached(client):
    for response in (client.get("/no/such/page"), client.get("/auth/logout")):
        assert response.headers["Cache-Control"] == "no-store"


def test_api_token_responses_are_not_stored(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.headers["Cache-Control"] == "no-store"


INLINE_PATTERNS = {
    "inline <script> without src": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "on*= event handler": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_need_no_inline_script_or_style():
    """The CSP blocks these in the browser; catching them here names the file and line."""
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for what, pattern in INLINE_PATTERNS.items():
                if pattern.search(line):
                    problems.append(f"{path.relative_to(TEMPLATES)}:{number}: {what}")
    assert not problems, "\n".join(problems)

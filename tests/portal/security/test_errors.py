"""Error pages: styled, with an error id for 500/503, never a traceback; 413 for big bodies."""

import logging

import pytest
from flask import abort, request

from portal.db import db


@pytest.fixture
def app_config():
    return {"MAX_CONTENT_LENGTH": 4096}


@pytest.fixture
def boom_routes(app):
    def boom():
        raise RuntimeError("secret internals: /srv/portal/db.py password=hunter2")

    def aborted():
        abort(500)

    app.add_url_rule("/test/boom", "test_boom", boom)
    app.add_url_rule("/api/test/boom", "test_api_boom", boom)
    app.add_url_rule("/test/abort", "test_abort", aborted)


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_500_page_has_an_error_id_and_no_traceback(client, boom_routes):
    handler = Records()
    logger = logging.getLogger("portal.errors")
    logger.addHandler(handler)
    try:
        response = client.get("/test/boom")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    error_id = response.headers["X-Error-Id"]
    assert len(error_id) == 12 and error_id in body
    assert 'class="error-page"' in body and "Something went wrong" in body
    for leak in ("Traceback", "RuntimeError", "secret internals", "hunter2", "db.py"):
        assert leak not in body
    assert response.headers["Cache-Control"] == "no-store"
    # The id ties the page to the logged traceback.
    logged = [r for r in handler.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None


def test_500_under_api_is_json_with_the_error_id(client, boom_routes):
    response = client.get("/api/test/boom")
    assert response.status_code == 500 and response.is_json
    assert response.json["error"]["id"] == response.headers["X-Error-Id"]
    assert "secret internals" not in response.get_data(as_text=True)


def test_abort_500_gets_an_error_id_too(client, boom_routes):
    response = client.get("/test/abort")
    assert response.status_code == 500
    assert response.headers["X-Error-Id"] in response.get_data(as_text=True)


def test_a_500_rolls_back_the_request(app, client, make_user):
    from sqlalchemy import func, select

    from portal.models import AuditEntry

    def half_done():
        db.session.add(AuditEntry(action="half_done"))
        db.session.flush()
        raise RuntimeError("after the flush")

    app.add_url_rule("/test/half-done", "test_half_done", half_done)
    assert client.get("/test/half-done").status_code == 500
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_500_for_a_logged_in_user_still_renders(client, boom_routes, login, make_user):
    login(make_user("sme", email="kari@example.com"))
    response = client.get("/test/boom")
    assert response.status_code == 500
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Error-Id"] in response.get_data(as_text=True)


def test_too_large_body_gets_a_styled_413(client):
    response = client.post("/auth/signup", data={"full_name": "x" * 10_000})
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert 'class="error-page"' in body and "too large" in body


def test_too_large_api_body_gets_json_413(app, client):
    app.add_url_rule("/api/test/echo", "test_echo", lambda: {"got": len(request.get_data())},
                     methods=["POST"])
    response = client.post("/api/test/echo", data="x" * 10_000, content_type="application/json")
    assert response.status_code == 413
    assert response.is_json and response.json["error"]["code"] == 413


def test_default_max_content_length_is_two_megabytes(monkeypatch, tmp_path):
    from portal.config import load_config

    monkeypatch.setenv("PORTAL_ENV", "testing")
    assert load_config(tmp_path)["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024


def test_404_and_403_are_styled(client, login, make_user):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and 'class="error-page"' in response.get_data(as_text=True)
    login(make_user("sme"))
    response = client.get("/admin/users")
    assert response.status_code == 403 and 'class="error-page"' in response.get_data(as_text=True)

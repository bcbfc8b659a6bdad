"""Production refuses weak secrets; cookies are HttpOnly, SameSite=Lax, and Secure in production."""

import re
import secrets
import shutil

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.db import db
from portal.models import User
from portal.services import accounts
from tests.conftest import USES_POSTGRES

PASSWORD = "lingonberry jam on waffles"


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    return monkeypatch


@pytest.mark.parametrize("key", [None, "", "short", "x" * 31])
def test_production_refuses_a_missing_or_short_secret_key(production_env, key):
    if key is not None:
        production_env.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize("key", [
    "a" * 40,
    "change-me-change-me-change-me-change-me",
    "test-secret-key-not-for-production-0123456789",
    "0101010101010101010101010101010101010101",
])
def test_production_refuses_placeholder_or_low_entropy_keys(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_a_weak_key_passed_to_create_app(production_env):
    production_env.setenv("SECRET_KEY", secrets.token_hex(32))
    with pytest.raises(ConfigError):
        create_app({"SECRET_KEY": "dev"})


def test_production_refuses_cookies_without_secure(production_env):
    production_env.setenv("SECRET_KEY", secrets.token_hex(32))
    with pytest.raises(ConfigError, match="SESSION_COOKIE_SECURE"):
        create_app({"SESSION_COOKIE_SECURE": False})


def test_development_starts_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'dev.db'}")
    app = create_app({"SECRET_KEY": "short-dev-key"})
    assert app.config["SESSION_COOKIE_SECURE"] is False


def _cookie_attributes(response, name: str) -> set[str]:
    """The attributes of cookie ``name``, lower-cased: {"httponly", "samesite=lax", ...}."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return {part.strip().lower() for part in header.split(";")[1:]
                    if not part.strip().lower().startswith(("expires", "path", "max-age"))}
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def _log_in(client, csrf: bool, **request_options):
    data = {"email": "kari@example.com", "password": PASSWORD}
    if csrf:
        page = client.get("/auth/login", **request_options).get_data(as_text=True)
        data["csrf_token"] = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data=data, **request_options)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def _add_user():
    db.session.add(User(email="kari@example.com", password_hash=accounts.hash_password(PASSWORD),
                        role="sme", status="active", session_token=accounts.new_session_token()))
    db.session.commit()


def test_session_cookie_is_httponly_lax_and_not_remembered(client):
    _add_user()
    response = _log_in(client, csrf=False)
    attributes = _cookie_attributes(response, "session")
    assert {"httponly", "samesite=lax"} <= attributes
    assert "secure" not in attributes  # local development over http
    assert not any(h.startswith("remember_token=")
                   for h in response.headers.getlist("Set-Cookie"))


@pytest.mark.skipif(USES_POSTGRES, reason="uses a throwaway SQLite copy for the production app")
def test_production_session_cookie_is_secure(production_env, migrated_database, tmp_path):
    uri, _seed = migrated_database
    shutil.copy(uri.removeprefix("sqlite:///"), tmp_path / "prod.db")
    production_env.setenv("SECRET_KEY", secrets.token_hex(32))
    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        _add_user()
        client = app.test_client()
        # Over HTTPS Flask-WTF also checks that the Referer is this site.
        https = {"base_url": "https://localhost",
                 "headers": {"Referer": "https://localhost/auth/login"}}
        response = _log_in(client, csrf=True, **https)  # CSRF is on outside tests
        attributes = _cookie_attributes(response, "session")
        assert {"httponly", "secure", "samesite=lax"} <= attributes
        hsts = client.get("/", **https).headers["Strict-Transport-Security"]
        assert hsts.startswith("max-age=31536000")
        db.session.remove()
        db.engine.dispose()

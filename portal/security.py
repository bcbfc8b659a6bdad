"""Session integrity, login loading and HTTP security headers."""

from datetime import datetime

from flask import Flask, Response, current_app, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.config import DEV_ENVIRONMENTS, ConfigError
from portal.db import db, utcnow
from portal.extensions import login_manager
from portal.i18n import N_
from portal.models import User
from portal.services.errors import Invalid

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)
SECRET_KEY_MIN_LENGTH = 32
# Fragments of the placeholders people copy from examples; a key containing one is not secret.
PLACEHOLDER_FRAGMENTS = ("change", "example", "placeholder", "not-for-production", "secret-key",
                         "your-secret", "insecure", "default")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the user from ``"<id>:<session token>"``; a rotated token ends old sessions."""
    raw_id, _, token = user_id.partition(":")
    if not (raw_id.isascii() and raw_id.isdigit()) or not token:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def _enforce_session_timeouts() -> None:
    if not current_user.is_authenticated or request.endpoint == "static":
        return
    now = utcnow()
    login_at = session.get("login_at")
    last_seen = session.get("last_seen")
    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    absolute = current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    try:
        expired = (
            login_at is None
            or now - datetime.fromisoformat(login_at) > absolute
            or (last_seen is not None and now - datetime.fromisoformat(last_seen) > idle)
        )
    except ValueError:
        expired = True
    if expired:
        logout_user()
        session.clear()
        return
    session["last_seen"] = now.isoformat()


def _refuse_nul_characters() -> None:
    """Refuse a query string or path that holds a NUL character (422, naming the parameter).

    PostgreSQL text cannot hold NUL, so such a value would otherwise reach a query and fail
    there with a 500; refused here, before any view, for every database alike.
    """
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            raise Invalid(_("The query parameter %(name)s contains a NUL character, which no "
                            "text may hold.", name=name.replace("\x00", "")[:40] or "?"))
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and "\x00" in value:
            raise Invalid(_("The address contains a NUL character, which no text may hold."))


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static" and (
        current_user.is_authenticated or "Authorization" in request.headers
    ):
        headers["Cache-Control"] = "no-store"
    return response


def check_production_config(config: dict) -> None:
    """Refuse to run in production with a guessable secret key or cookies sent over HTTP.

    ``portal.config`` already refuses a missing or short ``SECRET_KEY`` read from the
    environment; this also covers keys passed to ``create_app`` directly, placeholders copied
    from examples, and low-entropy keys such as ``"a" * 32``.

    Raises:
        ConfigError: the configuration is not fit for production.
    """
    if config.get("PORTAL_ENV", "development") in DEV_ENVIRONMENTS:
        return
    key = config.get("SECRET_KEY") or ""
    if not isinstance(key, str | bytes) or len(key) < SECRET_KEY_MIN_LENGTH:
        raise ConfigError(f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters "
                          "in production.")
    text_key = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
    if len(set(text_key)) < 10 or any(part in text_key.lower() for part in PLACEHOLDER_FRAGMENTS):
        raise ConfigError("SECRET_KEY looks like a placeholder; generate one with "
                          "`python -c 'import secrets; print(secrets.token_hex(32))'`.")
    if not config.get("SESSION_COOKIE_SECURE"):
        raise ConfigError("SESSION_COOKIE_SECURE must be on in production (serve over HTTPS).")


def init_app(app: Flask) -> None:
    check_production_config(app.config)
    # Flask-Login's remember cookie defaults to no SameSite; match the session cookie.
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    login_manager.login_view = "auth.login"
    # Flashed in the reader's language: Flask-Login passes it through localize_callback.
    login_manager.login_message = N_("Please log in to see this page.")
    login_manager.localize_callback = _
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(_refuse_nul_characters)
    app.before_request(_enforce_session_timeouts)
    app.after_request(_security_headers)

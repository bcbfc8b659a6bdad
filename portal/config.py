"""Settings, read from the environment once when the app is created."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEV_ENVIRONMENTS = {"development", "testing"}


class ConfigError(RuntimeError):
    """The portal refuses to start with this configuration."""


def _secret_key(instance_path: Path, environment: str) -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if environment not in DEV_ENVIRONMENTS and len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
        return key
    if environment not in DEV_ENVIRONMENTS:
        raise ConfigError(
            "SECRET_KEY is not set; the portal refuses to run in production without it."
        )
    # A per-checkout development key: never in the repository, stable across restarts.
    key_file = instance_path / "dev-secret-key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{instance_path / 'portal.db'}"


def load_config(instance_path: Path) -> dict:
    """Build the Flask config mapping from environment variables."""
    environment = os.environ.get("PORTAL_ENV", "development")
    production = environment not in DEV_ENVIRONMENTS
    return {
        "PORTAL_ENV": environment,
        "SECRET_KEY": _secret_key(instance_path, environment),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(days=1),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", 60))),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=int(os.environ.get("SESSION_MAX_HOURS", 12))),
        "WTF_CSRF_TIME_LIMIT": None,
        # Throttling (docs/security.md): per (account, address) pair, with wider ceilings.
        "LOGIN_FAILURES_PER_WINDOW": 5,
        "LOGIN_FAILURES_PER_ADDRESS": 30,
        "LOGIN_FAILURES_PER_ACCOUNT": 20,
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
        "SIGNUP_ATTEMPTS_PER_ADDRESS": 10,
        "SIGNUP_WINDOW": timedelta(hours=1),
        "RESET_REQUESTS_PER_EMAIL": 3,
        "RESET_REQUESTS_PER_ADDRESS": 10,
        "RESET_WINDOW": timedelta(hours=1),
        "RESET_LINK_MAX_AGE": timedelta(minutes=30),
        "VERIFY_LINK_MAX_AGE": timedelta(days=7),
        "MATCHER_MODEL_PATH": os.environ.get("MATCHER_MODEL_PATH") or None,
        "MATCHER_DEVICE": os.environ.get("MATCHER_DEVICE", "cpu"),
        # minilm+e5 (default: Norwegian and English challenges, blended per language pairing;
        # see docs/matching.md), minilm (English only, faster to encode), e5 (multilingual
        # alone); "hashing" swaps in a fast deterministic encoder (tests of plumbing only).
        "MATCHER_ENCODER": os.environ.get("MATCHER_ENCODER", "minilm+e5"),
        # Who encodes saved texts (docs/matching.md): "thread" (in the serving process, the
        # development default), "process" (`flask encode-worker` beside the web server, the
        # production default) or "off" (the tests' default; rebuilds still encode).
        "ENCODING_WORKER": os.environ.get("ENCODING_WORKER") or None,
        "SMTP_HOST": os.environ.get("SMTP_HOST") or None,
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", 587)),
        "SMTP_USER": os.environ.get("SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_SENDER": os.environ.get("SMTP_SENDER", "portal@localhost"),
        # Where the accessibility statement (/accessibility) tells people to report a barrier.
        "ACCESSIBILITY_CONTACT": os.environ.get("ACCESSIBILITY_CONTACT")
        or os.environ.get("SMTP_SENDER", "portal@localhost"),
        # API rate limits (portal/ratelimit.py); a shared store when several workers serve.
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") not in ("0", "false"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "API_RATE_LIMIT_PER_TOKEN": os.environ.get("API_RATE_LIMIT_PER_TOKEN", "120 per minute"),
        "API_RATE_LIMIT_PER_ADDRESS": os.environ.get("API_RATE_LIMIT_PER_ADDRESS",
                                                     "300 per minute"),
        "PAGE_SIZE": 20,
        # Language for visitors whose browser names none we serve; the switch overrides it.
        "BABEL_DEFAULT_LOCALE": os.environ.get("PORTAL_DEFAULT_LOCALE", "nb"),
        "BABEL_DEFAULT_TIMEZONE": "Europe/Oslo",
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", 0)),
    }

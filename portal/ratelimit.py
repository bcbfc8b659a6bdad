"""Rate limits of the JSON API (security checklist 31), with Flask-Limiter.

Every ``/api/v1/`` call counts against its client address, and a call with a bearer token also
against that token (keyed by the token's sha256, never the token itself). A breach answers 429
with ``Retry-After``. Storage is in memory by default, which is right for one worker process;
with several workers set ``RATELIMIT_STORAGE_URI`` (e.g. ``redis://host:6379/0``) so they share
one count. Login, signup, password and reset throttling are separate and live in the database
(``portal.services.accounts.throttling``).
"""

import hashlib

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


def _bearer() -> str | None:
    scheme, _, raw = (request.headers.get("Authorization") or "").strip().partition(" ")
    return raw.strip() if scheme.lower() == "bearer" and raw.strip() else None


def token_key() -> str:
    """The rate-limit key of the call's bearer token: a digest, so no secret is stored."""
    return "token:" + hashlib.sha256((_bearer() or "").encode("utf-8")).hexdigest()


def _no_token() -> bool:
    return _bearer() is None


def _per_token() -> str:
    return current_app.config["API_RATE_LIMIT_PER_TOKEN"]


def _per_address() -> str:
    return current_app.config["API_RATE_LIMIT_PER_ADDRESS"]


def limit_blueprint(blueprint) -> None:
    """Apply the per-address and per-token limits to every route of ``blueprint``."""
    limiter.limit(_per_address, key_func=get_remote_address, scope="api-address")(blueprint)
    limiter.limit(_per_token, key_func=token_key, exempt_when=_no_token,
                  scope="api-token")(blueprint)


def init_app(app: Flask) -> None:
    limiter.init_app(app)

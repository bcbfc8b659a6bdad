"""API request plumbing: who is calling (bearer token or session cookie), CSRF, JSON errors.

A call authenticates with ``Authorization: Bearer <token>`` or with the browser's session
cookie. The blueprint is exempt from the global CSRF check because bearer calls cannot be
forged cross-site; cookie-authenticated unsafe calls are checked here instead (``X-CSRFToken``).
"""

import re
from collections.abc import Mapping
from functools import wraps
from typing import Any, NoReturn

from flask import current_app, g, jsonify, request
from flask_login import current_user
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import abort

from portal.api import bp
from portal.db import db
from portal.extensions import csrf
from portal.models import User
from portal.services.schemas.base import first_error

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# No resource of this API nests deeper than a few levels.
MAX_JSON_DEPTH = 16
# JSON may escape lone UTF-16 surrogates ("\\ud800"); no database or encoder accepts them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def api_abort(status: int, message: str, *, field: str | None = None,
              headers: dict[str, str] | None = None) -> NoReturn:
    """Stop the request with ``{"error": {"code", "message"[, "field"]}}`` and ``status``."""
    body: dict[str, Any] = {"code": status, "message": message}
    if field:
        body["field"] = field
    response = jsonify({"error": body})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    abort(response)


def _authenticate_token(raw: str) -> User | None:
    from portal.services.tokens import authenticate_token

    return authenticate_token(db.session, raw)


@bp.before_request
def _authenticate() -> None:
    # Set afresh on every request: tests (and CLI calls) may share one app context.
    g.api_user = None
    g.api_auth = None
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, raw = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            api_abort(401, "Send 'Authorization: Bearer <token>'.",
                      headers={"WWW-Authenticate": 'Bearer realm="api"'})
        user = _authenticate_token(raw.strip())
        if db.session.dirty:
            # Commit the last-used stamp now: left pending, it would be lost with a read-only
            # request's rollback, and on SQLite it would hold the write lock for the request.
            db.session.commit()
        if user is None:
            api_abort(401, "The API token is invalid or has been revoked.",
                      headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})
        g.api_user, g.api_auth = user, "token"
        # Let code that reads flask_login.current_user see the token's user for this request
        # (no session cookie is written; cleared again after the request).
        g._login_user = user
    elif current_user.is_authenticated:
        g.api_user, g.api_auth = current_user._get_current_object(), "session"
        if request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
            # Raises CSRFError (400) without a valid X-CSRFToken header.
            csrf.protect()
    user = g.api_user
    if user is not None and not user.is_approved and request.endpoint != "api.openapi":
        # Pending accounts may log in but not act, nor read as if anonymous.
        api_abort(403, "Your account is waiting for approval by an administrator.")


@bp.after_request
def _forget_token_user(response):
    if g.get("api_auth") == "token":
        g.pop("_login_user", None)
    return response


def optional_user() -> User | None:
    """The (approved) caller, or None when anonymous."""
    return g.get("api_user")


def authenticated(view):
    """Decorator: the view needs an approved caller (bearer token or session cookie)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        require_user()
        return view(*args, **kwargs)

    return wrapped


def require_user(*roles: str) -> User:
    """The approved caller (401 without authentication, 403 when pending or of another role)."""
    user: User | None = g.get("api_user")
    if user is None:
        api_abort(401, "Authentication is required: send a bearer token or log in.",
                  headers={"WWW-Authenticate": 'Bearer realm="api"'})
    if not user.is_active:
        api_abort(401, "This account is disabled.")
    if not user.is_approved:
        api_abort(403, "Your account is waiting for approval by an administrator.")
    if roles and user.role not in roles:
        api_abort(403, "Your role may not use this endpoint.")
    return user


def json_body() -> dict[str, Any]:
    """The request body as a JSON object (400 when it is not one)."""
    if not request.is_json:
        api_abort(400, "Send a JSON object with 'Content-Type: application/json'.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        # The parser gives up on very deep nesting with RecursionError, not a ValueError.
        data = None
    if data is None:
        api_abort(400, "The body is not valid JSON.")
    if not isinstance(data, dict):
        api_abort(400, "The body must be a JSON object.")
    problem = _json_problem(data)
    if problem:
        api_abort(400, problem)
    return data


def _json_problem(value: Any) -> str | None:
    """Why a parsed body cannot be used (too deep, or text that is not valid Unicode)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"The body is nested more than {MAX_JSON_DEPTH} levels deep."
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return "The body contains text that is not valid Unicode."
            if "\x00" in item:
                # PostgreSQL text cannot hold NUL; refused here for every database alike.
                return "The body contains a NUL character, which no text may hold."
        elif isinstance(item, dict):
            stack.extend((key, depth + 1) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return None


def load(schema: Schema, data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """``data`` loaded with a resource schema (422 naming the first offending field)."""
    try:
        loaded: dict[str, Any] = schema.load(data, partial=partial)
    except ValidationError as error:
        field, message = first_error(schema, error.messages_dict)
        api_abort(422, message, field=field or None)
    return loaded


def load_query(schema: Schema) -> dict[str, Any]:
    """The query parameters loaded with ``schema`` (empty ones count as left out)."""
    return load(schema, {key: value for key, value in request.args.items() if value != ""})

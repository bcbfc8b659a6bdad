"""Styled error pages (JSON under /api/), domain errors as HTTP, and 503 for database outages.

This is the one place that maps the services' domain errors (:mod:`portal.services.errors`) to
HTTP: not found 404, forbidden 403, conflict 409, invalid 422, for pages and the JSON API alike.

Every error response carries ``Cache-Control: no-store`` (an error is never worth caching), and
500/503 responses carry an error id, shown on the page and in the ``X-Error-Id`` header, that is
logged with the traceback; the traceback itself never reaches the client.
"""

import logging
import uuid

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.db import db, is_outage
from portal.extensions import login_manager
from portal.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Authentication is required."),
    403: _l("You do not have access to this page."),
    404: _l("The page you asked for does not exist."),
    405: _l("This action is not allowed here."),
    409: _l("The request conflicts with the current state."),
    413: _l("The upload is too large."),
    422: _l("The request was well-formed but invalid."),
    429: _l("Too many attempts. Please wait and try again."),
    500: _l("Something went wrong on our side."),
    503: _l("The service is briefly unavailable. Please try again in a moment."),
}
# HTTP status of each domain error; the first class in an error's MRO that is listed wins.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    Invalid: 422,
}
# Statuses whose page shows the error's own message (the others show the standard text).
_SHOWS_MESSAGE = (400, 409, 422)
# Seconds a client should wait before retrying after a 503 (or a 429 without its own value).
RETRY_AFTER_SECONDS = 5

# Used when even the error template cannot be rendered (say, the template itself needs data).
_BARE_PAGE = (
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{status}</title>"
    "<link rel=\"stylesheet\" href=\"/static/css/portal.css\"></head><body>"
    "<main class=\"wrap\"><section class=\"error-page\"><p class=\"error-code\">{status}</p>"
    "<h1>{message}</h1>{error_line}<p><a class=\"button\" href=\"/\">Go to the front page</a>"
    "</p></section></main></body></html>"
)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(status: int, message: str, error_id: str | None = None) -> dict:
    """The JSON error body: ``{"error": {"code", "message"[, "id"]}}``."""
    body: dict = {"code": status, "message": message}
    if error_id:
        body["id"] = error_id
    return {"error": body}


def render_error(status: int, message: str | None = None, error_id: str | None = None):
    """The error page (or JSON body under /api/) for ``status``, as ``(body, status)``."""
    message = str(message or MESSAGES.get(status, "Error"))
    if wants_json():
        return jsonify(error_body(status, message, error_id)), status
    return render_template("errors/error.html", status=status, message=message,
                           error_id=error_id), status


def too_many_requests(message: str, retry_after: int):
    """The 429 page (or JSON) for a throttled step, with ``Retry-After``."""
    body, status = render_error(429, message)
    return body, status, _headers(retry_after=retry_after)


def _new_error_id() -> str:
    return uuid.uuid4().hex[:12]


def _headers(error_id: str | None = None, retry_after: int | None = None) -> dict[str, str]:
    headers = {"Cache-Control": "no-store"}
    if error_id:
        headers["X-Error-Id"] = error_id
    if retry_after is not None:
        headers["Retry-After"] = str(int(retry_after))
    return headers


def _render_safely(status: int, message: str | None = None, error_id: str | None = None):
    """``render_error``, falling back to a bare page if rendering fails too."""
    try:
        return render_error(status, message, error_id)
    except Exception:
        log.exception("error page %s could not be rendered (error id %s)", status, error_id)
        message = str(message or MESSAGES.get(status, "Error"))
        if wants_json():
            return jsonify(error_body(status, message, error_id)), status
        error_line = (f"<p class=\"muted\">Error id: <code>{escape(error_id)}</code>.</p>"
                      if error_id else "")
        return _BARE_PAGE.format(status=status, message=escape(message),
                                 error_line=error_line), status


def _rollback_quietly() -> None:
    """Undo the request's unfinished writes; the page may still read (the user, say)."""
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone; the caller decides what comes next
        log.debug("rollback after an error failed", exc_info=True)


def _discard_session() -> None:
    """Roll back and drop the request's session; a broken connection goes back invalidated."""
    _rollback_quietly()
    try:
        db.session.remove()
    except Exception:
        log.debug("removing the session after a database error failed", exc_info=True)


def _http_error(exc: HTTPException):
    if exc.response is not None:
        return exc.response
    status = exc.code or 500
    body, status = _render_safely(status, exc.description if status in _SHOWS_MESSAGE else None)
    retry_after = None
    if status in (429, 503):
        retry_after = getattr(exc, "retry_after", None) or RETRY_AFTER_SECONDS
    return body, status, _headers(retry_after=retry_after)


def domain_status(exc: DomainError) -> int:
    """The HTTP status of a domain error (422 for a subclass of none of the four)."""
    for cls in type(exc).__mro__:
        if cls in DOMAIN_STATUS:
            return DOMAIN_STATUS[cls]
    return 422


def _domain_error(exc: DomainError):
    """A service refused the request: roll back its writes and answer with the mapped status."""
    _rollback_quietly()
    status = domain_status(exc)
    message = exc.message if status in _SHOWS_MESSAGE and exc.message else None
    body, status = _render_safely(status, message)
    return body, status, _headers()


def _database_unavailable(exc: Exception):
    _discard_session()
    # The page must not touch the database again: show it as to an anonymous visitor.
    g._login_user = login_manager.anonymous_user()
    error_id = _new_error_id()
    log.warning("database unavailable (error id %s): %s", error_id, exc)
    body, status = _render_safely(503, error_id=error_id)
    return body, status, _headers(error_id, retry_after=RETRY_AFTER_SECONDS)


def _unexpected(exc: BaseException):
    if is_outage(exc):
        return _database_unavailable(exc)
    _rollback_quietly()
    error_id = _new_error_id()
    log.error("unhandled error (error id %s)", error_id, exc_info=exc)
    body, status = _render_safely(500, error_id=error_id)
    return body, status, _headers(error_id)


def _internal_error(exc: InternalServerError):
    """``abort(500)``, or an exception Flask could only wrap (raised after the view)."""
    original = exc.original_exception
    if original is not None:
        return _unexpected(original)
    error_id = _new_error_id()
    log.error("internal error (error id %s): %s", error_id, exc.description)
    body, status = _render_safely(500, error_id=error_id)
    return body, status, _headers(error_id)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(InternalServerError, _internal_error)
    # Every other exception, database outages included: `_unexpected` sorts them (503 or 500).
    app.register_error_handler(Exception, _unexpected)

"""Styled error pages (JSON under /api/), and 503 for database outages."""

import logging
import uuid

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from portal.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood.",
    401: "Authentication is required.",
    403: "You do not have access to this page.",
    404: "The page you asked for does not exist.",
    405: "This action is not allowed here.",
    409: "The request conflicts with the current state.",
    413: "The upload is too large.",
    422: "The request was well-formed but invalid.",
    429: "Too many attempts. Please wait and try again.",
    500: "Something went wrong on our side.",
    503: "The service is briefly unavailable. Please try again in a moment.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None, error_id: str | None = None):
    message = message or MESSAGES.get(status, "Error")
    if wants_json():
        body = {"error": {"code": status, "message": message}}
        if error_id:
            body["error"]["id"] = error_id
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message,
                           error_id=error_id), status


def _http_error(exc: HTTPException):
    response = render_error(exc.code or 500, exc.description if exc.code in (400, 409, 422) else None)
    body, status = response
    if exc.code == 429 or exc.code == 503:
        retry_after = getattr(exc, "retry_after", None) or 5
        return body, status, {"Retry-After": str(int(retry_after))}
    return body, status


def _database_unavailable(exc: Exception):
    db.session.rollback()
    error_id = uuid.uuid4().hex[:12]
    log.warning("database unavailable (error id %s): %s", error_id, exc)
    body, status = render_error(503, error_id=error_id)
    return body, status, {"Retry-After": "5"}


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    db.session.rollback()
    error_id = uuid.uuid4().hex[:12]
    log.exception("unhandled error (error id %s)", error_id)
    return render_error(500, error_id=error_id)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    app.register_error_handler(ServiceUnavailable, _http_error)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)

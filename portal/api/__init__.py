"""JSON API under /api/v1/, documented at /api/v1/openapi.json."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from portal.api import challenges, events, me, openapi  # noqa: E402, F401  (route modules)

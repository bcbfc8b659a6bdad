"""JSON API under /api/v1/, documented at /api/v1/openapi.json.

Authentication and CSRF live in :mod:`portal.api.auth`; each route module lists its
``OPERATIONS`` for the OpenAPI document, which :mod:`portal.api.openapi` generates from the
resource schemas (:mod:`portal.services.schemas`).
"""

from flask import Blueprint

from portal.extensions import csrf
from portal.ratelimit import limit_blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer-token calls cannot be forged cross-site; auth.py checks CSRF for cookie-authenticated
# unsafe calls itself.
csrf.exempt(bp)
limit_blueprint(bp)

from portal.api import (  # noqa: E402, F401  (route modules)
    auth,
    challenges,
    companies,
    conversations,
    events,
    feedback,
    interests,
    me,
    openapi,
)

"""The OpenAPI 3 document, assembled from each route module's ``PATHS`` and ``SCHEMAS``."""

from portal.api import bp
from portal.api.auth import ERROR_SCHEMA, error_responses

PATHS: dict = {
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This OpenAPI document",
            "tags": ["meta"],
            "security": [{}],
            "responses": {"200": {"description": "OpenAPI 3.0 document",
                                  "content": {"application/json": {
                                      "schema": {"type": "object"}}}},
                          **error_responses()},
        }
    }
}


def build_document() -> dict:
    """The OpenAPI document: every route module's paths and component schemas merged."""
    from portal.api import challenges_spec, companies, conversations, events, me

    paths: dict = dict(PATHS)
    schemas: dict = {"Error": ERROR_SCHEMA}
    for module in (challenges_spec, me, companies, conversations, events):
        paths.update(getattr(module, "PATHS", {}))
        schemas.update(getattr(module, "SCHEMAS", {}))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "SME Challenge Portal API",
            "version": "1",
            "description": "Challenges, explained matches and recommendations, company "
                           "profiles and events. Authenticate with a personal API token "
                           "(`Authorization: Bearer <token>`, created on the account page) or "
                           "the browser session; cookie-authenticated writes need the "
                           "`X-CSRFToken` header. Errors are `{\"error\": {\"code\", "
                           "\"message\"}}`. Calls are rate-limited per token and per address "
                           "(429 with `Retry-After`).",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "Personal API token (pt_...)."},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session",
                               "description": "Browser session; unsafe methods also need the "
                                              "X-CSRFToken header."},
            },
        },
    }


@bp.get("/openapi.json")
def openapi():
    return build_document()

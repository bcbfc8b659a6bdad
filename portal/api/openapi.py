"""The OpenAPI 3 document, generated from the resource schemas (:mod:`portal.services.schemas`)
with apispec's marshmallow plugin; each route module lists its operations in ``OPERATIONS``."""

import copy
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from portal.api import bp
from portal.services.schemas.components import COMPONENTS, ErrorSchema

JSON = "application/json"

ERROR_DESCRIPTIONS = {
    400: "Malformed request: not JSON, not an object, or a missing/invalid CSRF token on a "
         "cookie-authenticated call.",
    401: "Not authenticated, or the token is invalid or revoked.",
    403: "Authenticated, but the role or approval state does not allow this.",
    404: "No such resource, or the caller may not see it.",
    409: "Conflicts with existing data.",
    422: "Unknown fields or invalid values; `field` names the first offending field.",
    429: "Rate limit reached (per token and per address); `Retry-After` says how many seconds "
         "to wait.",
}

AUTH_OPTIONAL: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}, {"cookieAuth": []}]
AUTH_REQUIRED: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"cookieAuth": []}]


def error_responses(*codes: int) -> dict[str, Any]:
    """``responses`` entries for the given error status codes, and 429 (every API route is
    rate-limited)."""
    codes = (*codes, 429) if 429 not in codes else codes
    return {str(code): {"description": ERROR_DESCRIPTIONS[code],
                        "content": {JSON: {"schema": ErrorSchema}}} for code in codes}


def returns(description: str, schema: Any, media_type: str = JSON,
            **extra: Any) -> dict[str, Any]:
    """A response whose body is ``schema`` (a resource schema, or a field for a bare value)."""
    return {"description": description, "content": {media_type: {"schema": schema}}, **extra}


def operation(summary: str, tags: list[str], *, security: list[dict[str, list[str]]],
              responses: dict[int, dict[str, Any]], errors: tuple[int, ...] = (),
              path: type[Schema] | None = None, query: type[Schema] | None = None,
              body: type[Schema] | None = None, description: str | None = None
              ) -> dict[str, Any]:
    """One operation of the document: its parameters and bodies are schemas, never dicts."""
    out: dict[str, Any] = {"summary": summary, "tags": tags, "security": security}
    if description:
        out["description"] = description
    parameters = [{"in": place, "schema": schema}
                  for place, schema in (("path", path), ("query", query)) if schema]
    if parameters:
        out["parameters"] = parameters
    if body is not None:
        out["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    out["responses"] = {**{str(code): r for code, r in responses.items()},
                        **error_responses(*errors)}
    return out


OPERATIONS: dict[str, dict[str, dict[str, Any]]] = {
    "/api/v1/openapi.json": {
        "get": operation("This OpenAPI document", ["meta"], security=[{}],
                         responses={200: returns("OpenAPI 3.0 document", fields.Dict())}),
    },
}


def build_document() -> dict[str, Any]:
    """The OpenAPI document: the resource schemas as components, every route module's
    operations as paths."""
    from portal.api import challenges, companies, conversations, events, feedback, interests, me

    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="SME Challenge Portal API", version="1", openapi_version="3.0.3",
        plugins=[plugin],
        info={"description": "Challenges, explained matches and recommendations, judgements "
                             "of matches, expressions of interest, company profiles and "
                             "events. Authenticate with a personal API token "
                             "(`Authorization: Bearer <token>`, created on the account page) "
                             "or the browser session; cookie-authenticated writes need the "
                             "`X-CSRFToken` header. Errors are `{\"error\": {\"code\", "
                             "\"message\"}}`. Calls are rate-limited per token and per "
                             "address (429 with `Retry-After`)."},
        servers=[{"url": "/"}],
        security=AUTH_REQUIRED,
    )
    spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer", "description": "Personal API token (pt_...)."})
    spec.components.security_scheme("cookieAuth", {
        "type": "apiKey", "in": "cookie", "name": "session",
        "description": "Browser session; unsafe methods also need the X-CSRFToken header."})
    for name, schema in COMPONENTS.items():
        spec.components.schema(name, schema=schema)
    for module in (OPERATIONS, challenges.OPERATIONS, me.OPERATIONS, companies.OPERATIONS,
                   conversations.OPERATIONS, events.OPERATIONS, interests.OPERATIONS,
                   feedback.OPERATIONS):
        for path, operations in module.items():
            spec.path(path=path, operations=_bare_values(plugin, operations))
    return spec.to_dict()


def _bare_values(plugin: MarshmallowPlugin, operations: dict[str, Any]) -> dict[str, Any]:
    """The operations with bodies that are a single field (a file, a bare object) converted
    by the plugin, as the schemas' own fields are."""
    out: dict[str, Any] = copy.deepcopy(operations)
    for op in out.values():
        for response in op["responses"].values():
            for item in (*response.get("content", {}).values(),
                         *response.get("headers", {}).values()):
                if isinstance(item["schema"], fields.Field):
                    item["schema"] = plugin.converter.field2property(item["schema"])
    return out


@bp.get("/openapi.json")
def openapi():
    return build_document()

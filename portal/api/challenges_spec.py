"""The OpenAPI description of the challenge routes (:mod:`portal.api.challenges`)."""

from typing import Any

from portal.api.auth import AUTH_OPTIONAL, AUTH_REQUIRED, error_responses
from portal.api.challenges import MAX_PAGE_SIZE, MAX_TOP_K, REQUIRED_ON_CREATE
from portal.models.enums import COUNTIES, ChallengeStatus, ContractModel, Visibility

_ID = {"name": "challenge_id", "in": "path", "required": True,
       "schema": {"type": "integer", "minimum": 1}}
_JSON = "application/json"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_FIELDS: dict[str, Any] = {
    "title": {"type": "string", "minLength": 1, "maxLength": 200},
    "problem": {"type": "string", "minLength": 1, "maxLength": 10000},
    "context": {"type": "string", "maxLength": 5000, "nullable": True},
    "effect": {"type": "string", "maxLength": 5000, "nullable": True},
    "areas": {"type": "array", "items": {"type": "string"}, "nullable": True,
              "description": "Technology area slugs (see /taxonomy)."},
    "trl_min": {"type": "integer", "minimum": 1, "maximum": 9, "nullable": True},
    "trl_max": {"type": "integer", "minimum": 1, "maximum": 9, "nullable": True},
    "deadline": {"type": "string", "format": "date", "nullable": True},
    "contract_model": {"type": "string", "enum": [*[m.value for m in ContractModel], None],
                       "nullable": True},
    "county": {"type": "string", "enum": [*COUNTIES, None], "nullable": True},
    "visibility": {"type": "string", "enum": [v.value for v in Visibility]},
    "status": {"type": "string", "enum": [s.value for s in ChallengeStatus]},
}

SCHEMAS: dict[str, Any] = {
    "Challenge": {
        "type": "object",
        "required": ["id", "title", "problem", "context", "effect", "areas", "trl_min",
                     "trl_max", "deadline", "contract_model", "county", "visibility",
                     "status", "unit"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "problem": {"type": "string"},
            "context": {"type": "string"},
            "effect": {"type": "string"},
            "areas": {"type": "array", "items": {"type": "string"},
                      "description": "Technology area slugs."},
            "trl_min": {"type": "integer", "minimum": 1, "maximum": 9, "nullable": True},
            "trl_max": {"type": "integer", "minimum": 1, "maximum": 9, "nullable": True},
            "deadline": {"type": "string", "format": "date", "nullable": True},
            "contract_model": {"type": "string", "nullable": True},
            "county": {"type": "string", "nullable": True},
            "visibility": {"type": "string", "enum": [v.value for v in Visibility]},
            "status": {"type": "string", "enum": [s.value for s in ChallengeStatus]},
            "unit": {"type": "string", "description": "The owning military unit."},
        },
    },
    "ChallengeCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": list(REQUIRED_ON_CREATE),
        "properties": {
            **_FIELDS,
            "status": {"type": "string", "enum": ["draft", "open"], "default": "draft"},
        },
    },
    "ChallengeUpdate": {
        "type": "object",
        "additionalProperties": False,
        "description": "Fields left out keep their values.",
        "properties": _FIELDS,
    },
    "ChallengePage": {
        "type": "object",
        "required": ["items", "total", "page", "per_page", "pages"],
        "properties": {
            "items": {"type": "array", "items": _ref("Challenge")},
            "total": {"type": "integer", "minimum": 0,
                      "description": "Challenges the caller may see that match the filters."},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
        },
    },
    "MatchItem": {
        "type": "object",
        "required": ["score", "components", "shared_areas", "top_terms", "best_passages"],
        "properties": {
            "company": {"type": "object", "required": ["id", "name"],
                        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
            "challenge": {"type": "object", "required": ["id", "title"],
                          "properties": {"id": {"type": "integer"},
                                         "title": {"type": "string"}}},
            "rank": {"type": "integer", "minimum": 1},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "components": {
                "type": "object",
                "description": "semantic, lexical, areas, trl, region (and event_region when "
                               "an event's regional boost applies), each in [0, 1].",
                "additionalProperties": {"type": "number"},
            },
            "shared_areas": {"type": "array", "items": {"type": "string"}},
            "areas_inferred": {
                "type": "array", "items": {"type": "string", "enum": ["challenge", "company"]},
                "description": "Sides whose shared areas were inferred from their text "
                               "(empty when both chose their areas).",
            },
            "top_terms": {"type": "array", "items": {"type": "string"}},
            "best_passages": {
                "type": "object", "required": ["challenge", "company"],
                "properties": {"challenge": {"type": "string"}, "company": {"type": "string"}},
            },
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Team": {
        "type": "object",
        "required": ["members", "covered", "missing", "coverage", "mean_score", "why"],
        "properties": {
            "members": {"type": "array", "items": {
                "type": "object", "required": ["id", "name", "covers"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                               "covers": {"type": "array", "items": {"type": "string"}}}}},
            "covered": {"type": "array", "items": {"type": "string"}},
            "missing": {"type": "array", "items": {"type": "string"}},
            "coverage": {"type": "number", "minimum": 0, "maximum": 1},
            "mean_score": {"type": "number", "minimum": 0, "maximum": 1},
            "why": {"type": "string"},
        },
    },
    "MatchList": {
        "type": "object",
        "required": ["items", "model", "weights_version"],
        "properties": {
            "items": {"type": "array", "items": _ref("MatchItem")},
            "model": {"type": "string", "description": "Encoder model id."},
            "weights_version": {"type": "string", "description": "Blend weights version."},
            "candidates": {"type": "integer", "minimum": 0,
                           "description": "Rows the caller was allowed to have ranked."},
            "teams": {"type": "array", "items": _ref("Team"),
                      "description": "Teams of 2-3 companies when no single one covers the "
                                     "challenge's areas."},
        },
    },
}

_PAGE_PARAMS = [
    {"name": "page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 20}},
    {"name": "status", "in": "query", "required": False,
     "schema": {"type": "string", "enum": ["all", *[s.value for s in ChallengeStatus]],
                "default": "all"}},
    {"name": "area", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "Area slug."},
    {"name": "county", "in": "query", "required": False,
     "schema": {"type": "string", "enum": list(COUNTIES)}},
    {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "Words in the title, problem, context or effect."},
]


def _ok(description: str, schema: str) -> dict:
    return {"description": description, "content": {_JSON: {"schema": _ref(schema)}}}


PATHS: dict[str, Any] = {
    "/api/v1/challenges": {
        "get": {
            "summary": "Challenges the caller may see (anonymous: public ones only)",
            "tags": ["challenges"],
            "security": AUTH_OPTIONAL,
            "parameters": _PAGE_PARAMS,
            "responses": {"200": _ok("One page of challenges", "ChallengePage"),
                          **error_responses(401, 422)},
        },
        "post": {
            "summary": "Create a challenge for the caller's unit (approved military users)",
            "tags": ["challenges"],
            "security": AUTH_REQUIRED,
            "requestBody": {"required": True,
                            "content": {_JSON: {"schema": _ref("ChallengeCreate")}}},
            "responses": {
                "201": {**_ok("The new challenge", "Challenge"),
                        "headers": {"Location": {"schema": {"type": "string"},
                                                 "description": "URL of the new challenge"}}},
                **error_responses(400, 401, 403, 422),
            },
        },
    },
    "/api/v1/challenges/{challenge_id}": {
        "get": {
            "summary": "One challenge (404 when the caller may not see it)",
            "tags": ["challenges"],
            "security": AUTH_OPTIONAL,
            "parameters": [_ID],
            "responses": {"200": _ok("The challenge", "Challenge"),
                          **error_responses(401, 404)},
        },
        "put": {
            "summary": "Edit a challenge (its unit's military users and admins); fields left "
                       "out keep their values",
            "tags": ["challenges"],
            "security": AUTH_REQUIRED,
            "parameters": [_ID],
            "requestBody": {"required": True,
                            "content": {_JSON: {"schema": _ref("ChallengeUpdate")}}},
            "responses": {"200": _ok("The updated challenge", "Challenge"),
                          **error_responses(400, 401, 403, 404, 422)},
        },
    },
    "/api/v1/challenges/{challenge_id}/matches": {
        "get": {
            "summary": "Companies ranked for a challenge, explained (owning unit, organisers, "
                       "admins)",
            "tags": ["matches"],
            "security": AUTH_REQUIRED,
            "parameters": [
                _ID,
                {"name": "top_k", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_TOP_K,
                            "default": 20}},
                {"name": "county", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": list(COUNTIES)}},
                {"name": "min_trl", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 9}},
                {"name": "vetted_only", "in": "query", "required": False,
                 "schema": {"type": "boolean", "default": False}},
            ],
            "responses": {"200": _ok("Ranked companies", "MatchList"),
                          **error_responses(401, 403, 404, 422)},
        },
    },
}

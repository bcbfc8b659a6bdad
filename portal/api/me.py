"""API routes: the caller's own company profile and recommended challenges (SME users)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.api import bp
from portal.api.auth import (
    AUTH_REQUIRED,
    api_abort,
    error_responses,
    json_body,
    json_choice,
    json_string,
    query_int,
    reject_unknown,
    require_user,
)
from portal.api.challenges import MAX_TOP_K, match_item_json
from portal.db import db
from portal.models import Area, Company, User
from portal.models.enums import COUNTIES, Clearance, ProfileKind, Role, SizeBand
from portal.services import matching
from portal.services.accounts import check_email
from portal.services.profiles import DuplicateOrgNumberError, ProfileData, save_profile
from portal.services.validation import (
    validate_country,
    validate_org_number,
    validate_trl,
    validate_website,
)

# ``clearance_verified`` (and verification metadata) is never writable: only admins vet.
WRITABLE = frozenset({
    "name", "kind", "org_number", "country", "county", "municipality", "size_band", "website",
    "contact_name", "contact_email", "contact_phone", "description", "areas", "trl",
    "clearance", "export_control_experience", "norwegian_owned",
})
LIMITS = {"name": 200, "municipality": 100, "website": 300, "contact_name": 200,
          "contact_email": 254, "contact_phone": 40, "description": 20000}


def company_json(company: Company) -> dict[str, Any]:
    """The caller's own profile (their own contact data included)."""
    return {
        "id": company.id,
        "name": company.name,
        "kind": company.kind,
        "org_number": company.org_number,
        "country": company.country,
        "county": company.county,
        "municipality": company.municipality,
        "size_band": company.size_band,
        "website": company.website,
        "contact_name": company.contact_name,
        "contact_email": company.contact_email,
        "contact_phone": company.contact_phone,
        "description": company.description or "",
        "areas": [a.slug for a in company.areas],
        "trl": company.trl,
        "clearance": company.clearance,
        "clearance_verified": bool(company.clearance_verified),
        "export_control_experience": bool(company.export_control_experience),
        "norwegian_owned": bool(company.norwegian_owned),
    }


def _sme() -> User:
    return require_user(Role.SME)


def _own_company(user: User) -> Company:
    if user.company is None:
        api_abort(404, "You have no company profile yet: create it with PUT /api/v1/me/company.")
    return user.company


# --------------------------------------------------------------------------- validation
def _string(data: dict, name: str, *, required: bool = False) -> str | None:
    value = data[name]
    if value is None:
        if required:
            api_abort(422, f"{name} is required.", field=name)
        return None
    return json_string(value, name, LIMITS[name], required=required) or None


def _checked(name: str, validator, value):
    try:
        return validator(value)
    except ValueError as exc:
        api_abort(422, f"{name}: {exc}", field=name)


def _bool(data: dict, name: str) -> bool:
    if not isinstance(data[name], bool):
        api_abort(422, f"{name} must be true or false.", field=name)
    return data[name]


def profile_data(data: dict, current: Company | None) -> ProfileData:
    """Validate a profile payload (the profile form's rules) merged over ``current``."""
    reject_unknown(data, WRITABLE)
    if current is None and "name" not in data:
        api_abort(422, "name is required to create a profile.", field="name")
    merged = ProfileData(name="")
    if current is not None:
        for key in ("name", "kind", "org_number", "country", "county", "municipality",
                    "size_band", "website", "contact_name", "contact_email", "contact_phone",
                    "description", "trl", "clearance", "export_control_experience",
                    "norwegian_owned"):
            setattr(merged, key, getattr(current, key))
        merged.country = current.country or "NO"
        merged.area_ids = [a.id for a in current.areas]
    if "name" in data:
        merged.name = _string(data, "name", required=True)
    if "description" in data:
        merged.description = _string(data, "description", required=True)
    for key in ("municipality", "contact_name", "contact_phone"):
        if key in data:
            setattr(merged, key, _string(data, key))
    if "contact_email" in data:
        email = _string(data, "contact_email")
        if email:
            try:
                email = check_email(email)
            except ValueError:
                api_abort(422, "contact_email is not a valid email address.",
                          field="contact_email")
        merged.contact_email = email or None
    if "website" in data:
        website = _string(data, "website")
        merged.website = _checked("website", validate_website, website) if website else None
    if "org_number" in data:
        number = data["org_number"]
        if number is not None and not isinstance(number, str):
            api_abort(422, "org_number must be a string of 9 digits.", field="org_number")
        merged.org_number = (_checked("org_number", validate_org_number, number)
                             if number and number.strip() else None)
    if "country" in data:
        if not isinstance(data["country"], str):
            api_abort(422, "country must be a two-letter ISO code.", field="country")
        merged.country = _checked("country", validate_country, data["country"])
    if merged.country == "NO" and not merged.org_number:
        api_abort(422, "org_number is required for Norwegian companies.", field="org_number")
    if "county" in data:
        merged.county = json_choice(data, "county", COUNTIES, nullable=True)
    if "kind" in data:
        merged.kind = json_choice(data, "kind", ProfileKind, nullable=False)
    if "size_band" in data:
        merged.size_band = json_choice(data, "size_band", SizeBand, nullable=True)
    if "clearance" in data:
        merged.clearance = json_choice(data, "clearance", Clearance, nullable=False)
    if "trl" in data:
        trl = data["trl"]
        if trl is not None and (isinstance(trl, bool) or not isinstance(trl, int)):
            api_abort(422, "trl must be a whole number from 1 to 9, or null.", field="trl")
        merged.trl = _checked("trl", validate_trl, trl) if trl is not None else None
    for key in ("export_control_experience", "norwegian_owned"):
        if key in data:
            setattr(merged, key, _bool(data, key))
    if "areas" in data:
        value = data["areas"] or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            api_abort(422, "areas must be a list of area slugs.", field="areas")
        rows = {a.slug: a.id for a in
                db.session.scalars(select(Area).where(Area.slug.in_(value)))}
        unknown = [v for v in value if v not in rows]
        if unknown:
            api_abort(422, f"areas: unknown area slug(s): {', '.join(unknown)}.",
                      field="areas")
        merged.area_ids = [rows[v] for v in dict.fromkeys(value)]
    if not (merged.description or "").strip():
        api_abort(422, "description is required: the matcher reads it.", field="description")
    return merged


# --------------------------------------------------------------------------- routes
@bp.get("/me/company")
def my_company():
    return company_json(_own_company(_sme()))


@bp.put("/me/company")
def update_my_company():
    user = _sme()
    creating = user.company is None
    data = profile_data(json_body(), user.company)
    try:
        company = save_profile(db.session, user, user.company, data)
        db.session.commit()
    except DuplicateOrgNumberError as exc:
        db.session.rollback()
        api_abort(409, str(exc), field="org_number")
    except IntegrityError:
        db.session.rollback()
        api_abort(409, "A profile with this organisation number is already registered.",
                  field="org_number")
    except ValueError as exc:
        db.session.rollback()
        api_abort(422, str(exc))
    return company_json(company), 201 if creating else 200


@bp.get("/me/recommendations")
def my_recommendations():
    user = _sme()
    company = _own_company(user)
    top_k = query_int("top_k", 20, 1, MAX_TOP_K)
    matches = matching.rank_challenges(db.session, user, company, top_k=top_k)
    return {
        "items": [match_item_json(item) for item in matches.items],
        "model": matches.model_id,
        "weights_version": matches.weights_version,
        "candidates": matches.candidates,
    }


# --------------------------------------------------------------------------- OpenAPI
_JSON = "application/json"


def _nullable_enum(values) -> dict:
    return {"type": "string", "enum": [*[str(v) for v in values], None], "nullable": True}


_INPUT: dict[str, Any] = {
    "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "kind": {"type": "string", "enum": [k.value for k in ProfileKind]},
    "org_number": {"type": "string", "nullable": True,
                   "description": "Norwegian organisation number: 9 digits, modulus-11 check "
                                  "digit (required when country is NO)."},
    "country": {"type": "string", "minLength": 2, "maxLength": 2,
                "description": "ISO 3166-1 alpha-2."},
    "county": _nullable_enum(COUNTIES),
    "municipality": {"type": "string", "maxLength": 100, "nullable": True},
    "size_band": _nullable_enum(s.value for s in SizeBand),
    "website": {"type": "string", "maxLength": 300, "nullable": True,
                "description": "http(s) address."},
    "contact_name": {"type": "string", "maxLength": 200, "nullable": True},
    "contact_email": {"type": "string", "format": "email", "maxLength": 254, "nullable": True},
    "contact_phone": {"type": "string", "maxLength": 40, "nullable": True},
    "description": {"type": "string", "minLength": 1, "maxLength": 20000},
    "areas": {"type": "array", "items": {"type": "string"}, "nullable": True},
    "trl": {"type": "integer", "minimum": 1, "maximum": 9, "nullable": True},
    "clearance": {"type": "string", "enum": [c.value for c in Clearance]},
    "export_control_experience": {"type": "boolean"},
    "norwegian_owned": {"type": "boolean"},
}

SCHEMAS: dict[str, Any] = {
    "Company": {
        "type": "object",
        "required": ["id", "name", "kind", "org_number", "country", "county", "description",
                     "areas", "trl", "clearance", "clearance_verified"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": [k.value for k in ProfileKind]},
            "org_number": {"type": "string", "nullable": True},
            "country": {"type": "string", "nullable": True},
            "county": {"type": "string", "nullable": True},
            "municipality": {"type": "string", "nullable": True},
            "size_band": {"type": "string", "nullable": True},
            "website": {"type": "string", "nullable": True},
            "contact_name": {"type": "string", "nullable": True},
            "contact_email": {"type": "string", "nullable": True},
            "contact_phone": {"type": "string", "nullable": True},
            "description": {"type": "string"},
            "areas": {"type": "array", "items": {"type": "string"}},
            "trl": {"type": "integer", "minimum": 1, "maximum": 9, "nullable": True},
            "clearance": {"type": "string", "enum": [c.value for c in Clearance]},
            "clearance_verified": {"type": "boolean", "readOnly": True,
                                   "description": "Set by an administrator only."},
            "export_control_experience": {"type": "boolean"},
            "norwegian_owned": {"type": "boolean"},
        },
    },
    "CompanyUpdate": {
        "type": "object",
        "additionalProperties": False,
        "description": "Fields left out keep their values. clearance_verified is not "
                       "writable (422).",
        "properties": _INPUT,
    },
}

_MATCH_LIST = {"$ref": "#/components/schemas/MatchList"}
_COMPANY = {"$ref": "#/components/schemas/Company"}

PATHS: dict[str, Any] = {
    "/api/v1/me/company": {
        "get": {
            "summary": "The caller's company profile (SME users)",
            "tags": ["me"],
            "security": AUTH_REQUIRED,
            "responses": {
                "200": {"description": "The profile",
                        "content": {_JSON: {"schema": _COMPANY}}},
                **error_responses(401, 403, 404),
            },
        },
        "put": {
            "summary": "Update (or create) the caller's company profile (SME users)",
            "tags": ["me"],
            "security": AUTH_REQUIRED,
            "requestBody": {"required": True, "content": {_JSON: {
                "schema": {"$ref": "#/components/schemas/CompanyUpdate"}}}},
            "responses": {
                "200": {"description": "The updated profile",
                        "content": {_JSON: {"schema": _COMPANY}}},
                "201": {"description": "The profile was created",
                        "content": {_JSON: {"schema": _COMPANY}}},
                **error_responses(400, 401, 403, 409, 422),
            },
        },
    },
    "/api/v1/me/recommendations": {
        "get": {
            "summary": "Open challenges recommended for the caller's company, explained "
                       "(SME users; only challenges the caller may see)",
            "tags": ["me", "matches"],
            "security": AUTH_REQUIRED,
            "parameters": [{"name": "top_k", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_TOP_K,
                                       "default": 20}}],
            "responses": {
                "200": {"description": "Recommended challenges",
                        "content": {_JSON: {"schema": _MATCH_LIST}}},
                **error_responses(401, 403, 404, 422),
            },
        },
    },
}

"""API routes: the caller's own company profile and recommended challenges (SME users)."""

from typing import Any

from sqlalchemy.exc import IntegrityError

from portal.api import bp
from portal.api.auth import api_abort, json_body, load, load_query, require_user
from portal.api.challenges import area_ids
from portal.api.openapi import AUTH_REQUIRED, operation, returns
from portal.db import db
from portal.models import Company, User
from portal.models.enums import Role
from portal.services import matching
from portal.services.profiles import DuplicateOrgNumberError, ProfileData, save_profile
from portal.services.schemas.components import (
    CompanySchema,
    CompanyUpdateSchema,
    MatchListSchema,
    RecommendationQuery,
)

_COMPANY = CompanySchema()
_MATCHES = MatchListSchema()
_EDITABLE = ("name", "kind", "org_number", "country", "county", "municipality", "size_band",
             "website", "contact_name", "contact_email", "contact_phone", "description", "trl",
             "clearance", "export_control_experience", "norwegian_owned")


def _sme() -> User:
    return require_user(Role.SME)


def _own_company(user: User) -> Company:
    if user.company is None:
        api_abort(404, "You have no company profile yet: create it with PUT /api/v1/me/company.")
    return user.company


def profile_data(data: dict[str, Any], current: Company | None) -> ProfileData:
    """Load a profile payload (the profile form's rules) merged over ``current``."""
    loaded = load(CompanyUpdateSchema(), data, partial=True)
    if current is None and "name" not in loaded:
        api_abort(422, "name is required to create a profile.", field="name")
    fields: dict[str, Any] = {}
    if current is not None:
        fields = {key: getattr(current, key) for key in _EDITABLE}
        fields["country"] = current.country or "NO"
        fields["area_ids"] = [a.id for a in current.areas]
    for key, value in loaded.items():
        if key == "areas":
            fields["area_ids"] = area_ids(value)
        else:
            fields[key] = value
    merged = ProfileData(**{"name": "", **fields})
    if merged.country == "NO" and not merged.org_number:
        api_abort(422, "org_number is required for Norwegian companies.", field="org_number")
    if not (merged.description or "").strip():
        api_abort(422, "description is required: the matcher reads it.", field="description")
    return merged


# --------------------------------------------------------------------------- routes
@bp.get("/me/company")
def my_company():
    return _COMPANY.dump(_own_company(_sme()))


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
    return _COMPANY.dump(company), 201 if creating else 200


@bp.get("/me/recommendations")
def my_recommendations():
    user = _sme()
    company = _own_company(user)
    query = load_query(RecommendationQuery())
    matches = matching.rank_challenges(db.session, user, company, top_k=query["top_k"])
    return _MATCHES.dump({"items": matches.items, "model": matches.model_id,
                          "weights_version": matches.weights_version,
                          "candidates": matches.candidates})


# --------------------------------------------------------------------------- OpenAPI
OPERATIONS: dict[str, dict[str, Any]] = {
    "/api/v1/me/company": {
        "get": operation(
            "The caller's company profile (SME users)", ["me"], security=AUTH_REQUIRED,
            responses={200: returns("The profile", CompanySchema)}, errors=(401, 403, 404)),
        "put": operation(
            "Update (or create) the caller's company profile (SME users)", ["me"],
            description="Fields left out keep their values. clearance_verified is not "
                        "writable (422).",
            security=AUTH_REQUIRED, body=CompanyUpdateSchema,
            responses={200: returns("The updated profile", CompanySchema),
                       201: returns("The profile was created", CompanySchema)},
            errors=(400, 401, 403, 409, 422)),
    },
    "/api/v1/me/recommendations": {
        "get": operation(
            "Open challenges recommended for the caller's company, explained (SME users; only "
            "challenges the caller may see)", ["me", "matches"], security=AUTH_REQUIRED,
            query=RecommendationQuery,
            responses={200: returns("Recommended challenges", MatchListSchema)},
            errors=(401, 403, 404, 422)),
    },
}

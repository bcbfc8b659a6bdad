"""API routes: challenges (list, read, create, edit) and their ranked matches."""

from typing import Any

from flask import url_for
from marshmallow import fields
from sqlalchemy import select

from portal.api import bp
from portal.api.auth import (
    api_abort,
    json_body,
    load,
    load_query,
    optional_user,
    require_user,
)
from portal.api.openapi import AUTH_OPTIONAL, AUTH_REQUIRED, operation, returns
from portal.db import db
from portal.models import Area, Challenge
from portal.models.enums import ChallengeStatus, Role, Visibility
from portal.services import matching
from portal.services.access import can_edit_challenge, can_see_challenge, can_see_matches
from portal.services.challenges import (
    ChallengeData,
    ChallengeFilters,
    create_challenge,
    search_challenges,
    update_challenge,
)
from portal.services.matching.teams import suggest_teams
from portal.services.schemas.challenge import rule_problem
from portal.services.schemas.components import (
    ChallengeCreateSchema,
    ChallengeListQuery,
    ChallengePageSchema,
    ChallengePath,
    ChallengeSchema,
    ChallengeUpdateSchema,
    MatchListSchema,
    MatchQuery,
)

_CHALLENGE = ChallengeSchema()
_PAGE = ChallengePageSchema()
_MATCHES = MatchListSchema()


def area_ids(slugs: list[str] | None) -> list[int]:
    """The ids of the areas named by ``slugs`` (422 naming the unknown ones)."""
    if not slugs:
        return []
    rows = {a.slug: a.id for a in db.session.scalars(select(Area).where(Area.slug.in_(slugs)))}
    unknown = [v for v in slugs if v not in rows]
    if unknown:
        api_abort(422, f"areas: unknown area slug(s): {', '.join(unknown)}.", field="areas")
    return [rows[v] for v in dict.fromkeys(slugs)]


def challenge_data(data: dict[str, Any], current: Challenge | None = None) -> ChallengeData:
    """Load a create (``current`` None) or edit payload into :class:`ChallengeData`.

    Fields left out keep their current values (edits) or defaults (creation).
    """
    if current is None:
        loaded = load(ChallengeCreateSchema(), data)
        merged = ChallengeData(title="", problem="", status=ChallengeStatus.DRAFT,
                               visibility=Visibility.REGISTERED)
    else:
        loaded = load(ChallengeUpdateSchema(), data, partial=True)
        merged = ChallengeData(
            title=current.title, problem=current.problem, context=current.context,
            effect=current.effect, area_ids=[a.id for a in current.areas],
            trl_min=current.trl_min, trl_max=current.trl_max, deadline=current.deadline,
            contract_model=current.contract_model, county=current.county,
            status=current.status, visibility=current.visibility)
    for name, value in loaded.items():
        if name == "areas":
            merged.area_ids = area_ids(value)
        elif name in ("context", "effect"):
            setattr(merged, name, value or "")
        else:
            setattr(merged, name, value)
    problem = rule_problem(merged, current, changed=loaded.keys())
    if problem:
        api_abort(422, problem[1], field=problem[0])
    return merged


def _visible_challenge(challenge_id: int) -> Challenge:
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or not can_see_challenge(optional_user(), challenge):
        api_abort(404, "No such challenge.")
    return challenge


# --------------------------------------------------------------------------- routes
@bp.get("/challenges")
def list_challenges():
    query = load_query(ChallengeListQuery())
    filters = ChallengeFilters(area=query.get("area"), county=query.get("county"),
                               q=query.get("q"), status=query["status"])
    result = search_challenges(db.session, optional_user(), filters, page=query["page"],
                               per_page=query["per_page"])
    return _PAGE.dump({"items": result.items, "total": result.total, "page": result.page,
                       "per_page": result.per_page, "pages": result.pages})


@bp.get("/challenges/<int:challenge_id>")
def get_challenge(challenge_id: int):
    return _CHALLENGE.dump(_visible_challenge(challenge_id))


@bp.post("/challenges")
def create():
    user = require_user(Role.MILITARY)
    if not user.unit:
        api_abort(403, "Your account has no unit; ask an administrator to set it.")
    data = challenge_data(json_body())
    try:
        challenge = create_challenge(db.session, user, data)
    except PermissionError as exc:
        db.session.rollback()
        api_abort(403, str(exc))
    except ValueError as exc:
        db.session.rollback()
        api_abort(422, f"status: {exc}", field="status")
    db.session.commit()
    location = url_for("api.get_challenge", challenge_id=challenge.id)
    return _CHALLENGE.dump(challenge), 201, {"Location": location}


@bp.put("/challenges/<int:challenge_id>")
def update(challenge_id: int):
    user = require_user()
    challenge = _visible_challenge(challenge_id)
    if not can_edit_challenge(user, challenge):
        api_abort(403, "Only the owning unit and administrators edit this challenge.")
    data = challenge_data(json_body(), challenge)
    try:
        update_challenge(db.session, user, challenge, data)
    except ValueError as exc:
        db.session.rollback()
        api_abort(422, str(exc))
    db.session.commit()
    return _CHALLENGE.dump(challenge)


@bp.get("/challenges/<int:challenge_id>/matches")
def challenge_matches(challenge_id: int):
    user = require_user()
    challenge = _visible_challenge(challenge_id)
    if not can_see_matches(user, challenge):
        api_abort(403, "Only the owning unit, organisers and administrators see matches.")
    query = load_query(MatchQuery())
    matches = matching.rank_companies(
        db.session, user, challenge, top_k=query["top_k"], county=query.get("county"),
        min_trl=query.get("min_trl"), vetted_only=query["vetted_only"],
    )
    teams = suggest_teams(db.session, user, challenge, matches=matches)
    return _MATCHES.dump({"items": matches.items, "model": matches.model_id,
                          "weights_version": matches.weights_version,
                          "candidates": matches.candidates, "teams": teams.teams})


# --------------------------------------------------------------------------- OpenAPI
OPERATIONS: dict[str, dict[str, Any]] = {
    "/api/v1/challenges": {
        "get": operation(
            "Challenges the caller may see (anonymous: public ones only)", ["challenges"],
            security=AUTH_OPTIONAL, query=ChallengeListQuery,
            responses={200: returns("One page of challenges", ChallengePageSchema)},
            errors=(401, 422)),
        "post": operation(
            "Create a challenge for the caller's unit (approved military users)",
            ["challenges"], security=AUTH_REQUIRED, body=ChallengeCreateSchema,
            responses={201: returns("The new challenge", ChallengeSchema, headers={
                "Location": {"schema": fields.String(),
                             "description": "URL of the new challenge"}})},
            errors=(400, 401, 403, 422)),
    },
    "/api/v1/challenges/{challenge_id}": {
        "get": operation(
            "One challenge (404 when the caller may not see it)", ["challenges"],
            security=AUTH_OPTIONAL, path=ChallengePath,
            responses={200: returns("The challenge", ChallengeSchema)}, errors=(401, 404)),
        "put": operation(
            "Edit a challenge (its unit's military users and admins); fields left out keep "
            "their values", ["challenges"], security=AUTH_REQUIRED, path=ChallengePath,
            body=ChallengeUpdateSchema,
            responses={200: returns("The updated challenge", ChallengeSchema)},
            errors=(400, 401, 403, 404, 422)),
    },
    "/api/v1/challenges/{challenge_id}/matches": {
        "get": operation(
            "Companies ranked for a challenge, explained (owning unit, organisers, admins)",
            ["matches"], security=AUTH_REQUIRED, path=ChallengePath, query=MatchQuery,
            responses={200: returns("Ranked companies", MatchListSchema)},
            errors=(401, 403, 404, 422)),
    },
}

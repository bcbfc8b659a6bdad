"""API routes: challenges (list, read, create, edit) and their ranked matches."""

from datetime import date
from typing import Any

from flask import request, url_for
from sqlalchemy import select

from portal.api import bp
from portal.api.auth import (
    api_abort,
    json_body,
    json_choice,
    json_string,
    optional_user,
    query_bool,
    query_int,
    reject_unknown,
    require_user,
)
from portal.db import db
from portal.models import Area, Challenge
from portal.models.enums import COUNTIES, ChallengeStatus, ContractModel, Role, Visibility
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

WRITABLE = frozenset({
    "title", "problem", "context", "effect", "areas", "trl_min", "trl_max", "deadline",
    "contract_model", "county", "visibility", "status",
})
REQUIRED_ON_CREATE = ("title", "problem", "visibility")
LIMITS = {"title": 200, "problem": 10000, "context": 5000, "effect": 5000}
MAX_PAGE_SIZE = 100
MAX_TOP_K = 100


# --------------------------------------------------------------------------- JSON shapes
def challenge_json(challenge: Challenge) -> dict[str, Any]:
    """A challenge as the API returns it (the model's field names)."""
    return {
        "id": challenge.id,
        "title": challenge.title,
        "problem": challenge.problem,
        "context": challenge.context or "",
        "effect": challenge.effect or "",
        "areas": [a.slug for a in challenge.areas],
        "trl_min": challenge.trl_min,
        "trl_max": challenge.trl_max,
        "deadline": challenge.deadline.isoformat() if challenge.deadline else None,
        "contract_model": challenge.contract_model,
        "county": challenge.county,
        "visibility": challenge.visibility,
        "status": challenge.status,
        "unit": challenge.unit,
    }


def match_item_json(item: matching.MatchItem) -> dict[str, Any]:
    """One ranked match: the other side's id and name/title, the score and its explanation."""
    out: dict[str, Any] = {}
    if item.company is not None:
        out["company"] = {"id": item.company.id, "name": item.company.name}
    if item.challenge is not None:
        out["challenge"] = {"id": item.challenge.id, "title": item.challenge.title}
    out.update({
        "rank": item.rank,
        "score": round(float(item.score), 6),
        "components": {k: round(float(v), 6) for k, v in item.components.items()},
        "shared_areas": [a.slug for a in item.shared_areas],
        "areas_inferred": list(item.areas_inferred),
        "top_terms": list(item.top_terms),
        "best_passages": {
            "challenge": str(item.best_passages.get("challenge", "")),
            "company": str(item.best_passages.get("company", "")),
        },
        "notes": list(item.notes),
    })
    return out


# --------------------------------------------------------------------------- validation
def _text(data: dict, name: str, *, required: bool = False) -> str | None:
    if name not in data:
        return None
    value = data[name]
    if value is None and not required:
        return ""
    return json_string(value, name, LIMITS[name], required=required)


def _trl(data: dict, name: str) -> int | None:
    value = data[name]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        api_abort(422, f"{name} must be a whole number from 1 to 9, or null.", field=name)
    return value


def _deadline(data: dict) -> date | None:
    value = data["deadline"]
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        api_abort(422, "deadline must be an ISO date (YYYY-MM-DD) or null.", field="deadline")


def _area_ids(data: dict) -> list[int]:
    value = data["areas"]
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        api_abort(422, "areas must be a list of area slugs.", field="areas")
    rows = {a.slug: a.id for a in db.session.scalars(select(Area).where(Area.slug.in_(value)))}
    unknown = [v for v in value if v not in rows]
    if unknown:
        api_abort(422, f"areas: unknown area slug(s): {', '.join(unknown)}.", field="areas")
    return [rows[v] for v in dict.fromkeys(value)]


def challenge_data(data: dict, current: Challenge | None = None) -> ChallengeData:
    """Validate a create (``current`` None) or edit payload into :class:`ChallengeData`.

    Fields left out keep their current values (edits) or defaults (creation).
    """
    reject_unknown(data, WRITABLE)
    if current is None:
        missing = [name for name in REQUIRED_ON_CREATE if name not in data]
        if missing:
            api_abort(422, f"{missing[0]} is required.", field=missing[0])
    merged = ChallengeData(
        title=current.title if current else "",
        problem=current.problem if current else "",
        context=current.context if current else "",
        effect=current.effect if current else "",
        area_ids=[a.id for a in current.areas] if current else [],
        trl_min=current.trl_min if current else None,
        trl_max=current.trl_max if current else None,
        deadline=current.deadline if current else None,
        contract_model=current.contract_model if current else None,
        county=current.county if current else None,
        status=current.status if current else ChallengeStatus.DRAFT,
        visibility=current.visibility if current else Visibility.REGISTERED,
    )
    for name in ("title", "problem"):
        if name in data:
            setattr(merged, name, _text(data, name, required=True))
    for name in ("context", "effect"):
        if name in data:
            setattr(merged, name, _text(data, name))
    for name in ("trl_min", "trl_max"):
        if name in data:
            setattr(merged, name, _trl(data, name))
    if merged.trl_min is not None and merged.trl_max is not None and \
            merged.trl_min > merged.trl_max:
        api_abort(422, "trl_min must not be greater than trl_max.", field="trl_min")
    if "deadline" in data:
        merged.deadline = _deadline(data)
    if "contract_model" in data:
        merged.contract_model = json_choice(data, "contract_model", ContractModel, nullable=True)
    if "county" in data:
        merged.county = json_choice(data, "county", COUNTIES, nullable=True)
    if "visibility" in data:
        merged.visibility = json_choice(data, "visibility", Visibility, nullable=False)
    if "status" in data:
        merged.status = json_choice(data, "status", ChallengeStatus, nullable=False)
    if "areas" in data:
        merged.area_ids = _area_ids(data)
    return merged


def _visible_challenge(challenge_id: int) -> Challenge:
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or not can_see_challenge(optional_user(), challenge):
        api_abort(404, "No such challenge.")
    return challenge


# --------------------------------------------------------------------------- routes
@bp.get("/challenges")
def list_challenges():
    status = request.args.get("status") or "all"
    if status not in ("all", *[s.value for s in ChallengeStatus]):
        api_abort(422, "status must be all, draft, open, closed or awarded.", field="status")
    area = request.args.get("area") or None
    county = request.args.get("county") or None
    if county is not None and county not in COUNTIES:
        api_abort(422, "county must be a Norwegian county.", field="county")
    page = query_int("page", 1, 1, 100000)
    per_page = query_int("per_page", 20, 1, MAX_PAGE_SIZE)
    filters = ChallengeFilters(area=area, county=county, q=request.args.get("q") or None,
                               status=status)
    result = search_challenges(db.session, optional_user(), filters, page=page,
                               per_page=per_page)
    return {
        "items": [challenge_json(c) for c in result.items],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
    }


@bp.get("/challenges/<int:challenge_id>")
def get_challenge(challenge_id: int):
    return challenge_json(_visible_challenge(challenge_id))


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
    return challenge_json(challenge), 201, {"Location": location}


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
    return challenge_json(challenge)


def _team_json(team) -> dict[str, Any]:
    return {
        "members": [{"id": m.company.id, "name": m.company.name,
                     "covers": [a.slug for a in m.covers]} for m in team.members],
        "covered": [a.slug for a in team.covered],
        "missing": [a.slug for a in team.missing],
        "coverage": round(team.coverage, 6),
        "mean_score": round(team.mean_score, 6),
        "why": team.why,
    }


@bp.get("/challenges/<int:challenge_id>/matches")
def challenge_matches(challenge_id: int):
    user = require_user()
    challenge = _visible_challenge(challenge_id)
    if not can_see_matches(user, challenge):
        api_abort(403, "Only the owning unit, organisers and administrators see matches.")
    county = request.args.get("county") or None
    if county is not None and county not in COUNTIES:
        api_abort(422, "county must be a Norwegian county.", field="county")
    min_trl = query_int("min_trl", 0, 1, 9) if request.args.get("min_trl") else None
    top_k = query_int("top_k", 20, 1, MAX_TOP_K)
    matches = matching.rank_companies(
        db.session, user, challenge, top_k=top_k, county=county, min_trl=min_trl,
        vetted_only=query_bool("vetted_only"),
    )
    teams = suggest_teams(db.session, user, challenge, matches=matches)
    return {
        "items": [match_item_json(item) for item in matches.items],
        "model": matches.model_id,
        "weights_version": matches.weights_version,
        "candidates": matches.candidates,
        "teams": [_team_json(t) for t in teams.teams],
    }

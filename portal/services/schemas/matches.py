"""Ranked matches, team suggestions and the queries that ask for them (output only)."""

from typing import Any

from marshmallow import fields, pre_dump, validate

from portal.models.enums import COUNTIES
from portal.services.matching.ranking import MatchItem
from portal.services.matching.teams import Team
from portal.services.schemas.base import Output, choice
from portal.services.schemas.challenge import Query
from portal.services.validation import TRL_MAX, TRL_MIN

MAX_TOP_K = 100
_UNIT = validate.Range(min=0, max=1)


class CompanyRefSchema(Output):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ChallengeRefSchema(Output):
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class PassagesSchema(Output):
    challenge = fields.String(required=True)
    company = fields.String(required=True)


class MatchItemSchema(Output):
    """One ranked match: the other side's id and name or title, the score and its explanation."""

    company = fields.Nested(CompanyRefSchema)
    challenge = fields.Nested(ChallengeRefSchema)
    rank = fields.Integer(validate=validate.Range(min=1))
    score = fields.Float(required=True, validate=_UNIT, metadata={
        "description": "The fit, in [0, 1]: how likely the pair is a real match, from absolute "
                       "evidence (comparable across challenges; the page shows it as 0-100). "
                       "The list is ordered by a ranking score relative to the candidates."})
    band = choice(["strong", "good", "possible", "weak"], required=True, metadata={
        "description": "The range the fit falls in: strong >= 0.75, good >= 0.5, possible "
                       ">= 0.25, else weak."})
    components = fields.Dict(
        keys=fields.String(), values=fields.Float(), required=True,
        metadata={"description": "The evidence behind the fit, each in [0, 1]: text "
                                 "(similarity of meaning), terms (shared words; 0 when none "
                                 "is shared), areas, trl, region (0.5 when a side lacks them)."})
    shared_areas = fields.List(fields.String(), required=True)
    areas_inferred = fields.List(
        choice(["challenge", "company"]),
        metadata={"description": "Sides whose shared areas were inferred from their text "
                                 "(empty when both chose their areas)."})
    top_terms = fields.List(fields.String(), required=True)
    best_passages = fields.Nested(PassagesSchema, required=True)
    notes = fields.List(fields.String())

    @pre_dump
    def _item(self, item: MatchItem, **kwargs: Any) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rank": item.rank,
            "score": round(float(item.score), 6),
            "band": item.band,
            "components": {k: round(float(v), 6) for k, v in item.components.items()},
            "shared_areas": [a.slug for a in item.shared_areas],
            "areas_inferred": list(item.areas_inferred),
            "top_terms": list(item.top_terms),
            "best_passages": {side: str(item.best_passages.get(side, ""))
                              for side in ("challenge", "company")},
            "notes": list(item.notes),
        }
        if item.company is not None:
            out["company"] = item.company
        if item.challenge is not None:
            out["challenge"] = item.challenge
        return out


class TeamMemberSchema(Output):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    covers = fields.List(fields.String(), required=True)


class TeamSchema(Output):
    members = fields.List(fields.Nested(TeamMemberSchema), required=True)
    covered = fields.List(fields.String(), required=True)
    missing = fields.List(fields.String(), required=True)
    coverage = fields.Float(required=True, validate=_UNIT)
    mean_score = fields.Float(required=True, validate=_UNIT)
    why = fields.String(required=True)

    @pre_dump
    def _team(self, team: Team, **kwargs: Any) -> dict[str, Any]:
        return {
            "members": [{"id": m.company.id, "name": m.company.name,
                         "covers": [a.slug for a in m.covers]} for m in team.members],
            "covered": [a.slug for a in team.covered],
            "missing": [a.slug for a in team.missing],
            "coverage": round(team.coverage, 6),
            "mean_score": round(team.mean_score, 6),
            "why": team.why,
        }


class MatchListSchema(Output):
    items = fields.List(fields.Nested(MatchItemSchema), required=True)
    model = fields.String(required=True, metadata={"description": "Encoder model id."})
    weights_version = fields.String(required=True,
                                    metadata={"description": "Blend weights version."})
    candidates = fields.Integer(validate=validate.Range(min=0), metadata={
        "description": "Rows the caller was allowed to have ranked."})
    teams = fields.List(fields.Nested(TeamSchema), metadata={
        "description": "Teams of 2-3 companies when no single one covers the challenge's "
                       "areas."})


class RecommendationQuery(Query):
    top_k = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_TOP_K))


class MatchQuery(RecommendationQuery):
    county = choice(COUNTIES)
    min_trl = fields.Integer(validate=validate.Range(min=TRL_MIN, max=TRL_MAX))
    vetted_only = fields.Boolean(load_default=False)

"""The challenge: its fields' rules, read by the web form, the API and the OpenAPI document."""

from collections.abc import Collection
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, fields, pre_dump, validate

from portal.models import Challenge
from portal.models.enums import COUNTIES, ChallengeStatus, ContractModel, Visibility
from portal.services.challenges import ChallengeData
from portal.services.schemas.base import IsoDate, Output, Strict, Text, choice, slugs, trl

TITLE_MAX_LENGTH = 200
PROBLEM_MIN_LENGTH = 30
PROBLEM_MAX_LENGTH = 10000
CONTEXT_MAX_LENGTH = 5000
EFFECT_MAX_LENGTH = 5000
SEARCH_MAX_LENGTH = 200
MAX_PAGE_SIZE = 100
# A new challenge starts as a draft or open; closing and awarding are edits.
STATUSES_ON_CREATE = (ChallengeStatus.DRAFT, ChallengeStatus.OPEN)


class ChallengeSchema(Output):
    """A challenge as the API returns it (the model's field names)."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    problem = fields.String(required=True)
    context = fields.String(required=True)
    effect = fields.String(required=True)
    areas = fields.List(fields.String(), required=True,
                        metadata={"description": "Technology area slugs."})
    trl_min = trl(required=True, allow_none=True)
    trl_max = trl(required=True, allow_none=True)
    deadline = fields.Date(required=True, allow_none=True)
    contract_model = fields.String(required=True, allow_none=True)
    county = fields.String(required=True, allow_none=True)
    visibility = choice(Visibility, required=True)
    status = choice(ChallengeStatus, required=True)
    unit = fields.String(required=True, metadata={"description": "The owning military unit."})

    @pre_dump
    def _row(self, challenge: Challenge, **kwargs: Any) -> dict[str, Any]:
        return {**{name: getattr(challenge, name) for name in self.fields},
                "context": challenge.context or "", "effect": challenge.effect or "",
                "areas": [a.slug for a in challenge.areas]}


class ChallengeCreateSchema(Strict):
    """A new challenge: the web form's rules."""

    title = Text(required=True, blank=False, max_length=TITLE_MAX_LENGTH)
    problem = Text(required=True, blank=False, min_length=PROBLEM_MIN_LENGTH,
                   max_length=PROBLEM_MAX_LENGTH)
    context = Text(allow_none=True, max_length=CONTEXT_MAX_LENGTH)
    effect = Text(required=True, blank=False, max_length=EFFECT_MAX_LENGTH)
    areas = slugs(allow_none=True, metadata={"description": "Technology area slugs (see "
                                                            "/taxonomy)."})
    trl_min = trl(allow_none=True)
    trl_max = trl(allow_none=True)
    deadline = IsoDate(allow_none=True,
                       metadata={"description": "Required for open challenges; not in the "
                                                "past when set or when the challenge opens."})
    contract_model = choice(ContractModel, allow_none=True)
    county = choice(COUNTIES, allow_none=True)
    visibility = choice(Visibility, required=True)
    status = choice(STATUSES_ON_CREATE, load_default=ChallengeStatus.DRAFT.value,
                    dump_default=ChallengeStatus.DRAFT.value)


class ChallengeUpdateSchema(ChallengeCreateSchema):
    """An edit: the same rules; fields left out keep their values."""

    title = Text(blank=False, max_length=TITLE_MAX_LENGTH)
    problem = Text(blank=False, min_length=PROBLEM_MIN_LENGTH, max_length=PROBLEM_MAX_LENGTH)
    effect = Text(blank=False, max_length=EFFECT_MAX_LENGTH)
    visibility = choice(Visibility)
    status = choice(ChallengeStatus)


def rule_problem(data: ChallengeData, original: Challenge | None, *,
                 changed: Collection[str] = ("status", "deadline"),
                 today: date | None = None) -> tuple[str, str] | None:
    """The first rule over several fields that ``data`` breaks, as ``(field, message)``.

    The lowest TRL is not above the highest; an open challenge has a deadline, which is not in
    the past when it is set or when the challenge opens. An edit that ``changed`` neither the
    status nor the deadline leaves their rule alone (like the form, which sends both).
    """
    if data.trl_min is not None and data.trl_max is not None and data.trl_min > data.trl_max:
        return "trl_min", "trl_min must not be greater than trl_max."
    if data.status != ChallengeStatus.OPEN:
        return None
    if original is not None and not {"status", "deadline"} & set(changed):
        return None
    if data.deadline is None:
        return "deadline", "deadline is required for an open challenge."
    moved = (original is None or original.deadline != data.deadline
             or original.status != ChallengeStatus.OPEN)
    if moved and data.deadline < (today or date.today()):
        return "deadline", "deadline of an open challenge cannot be in the past."
    return None


class ChallengePageSchema(Output):
    items = fields.List(fields.Nested(ChallengeSchema), required=True)
    total = fields.Integer(required=True, validate=validate.Range(min=0), metadata={
        "description": "Challenges the caller may see that match the filters."})
    page = fields.Integer(required=True, validate=validate.Range(min=1))
    per_page = fields.Integer(required=True, validate=validate.Range(min=1))
    pages = fields.Integer(required=True, validate=validate.Range(min=1))


class Query(Output):
    """Query parameters: other parameters are ignored; empty ones count as left out."""

    class Meta:
        unknown = EXCLUDE


class ChallengeListQuery(Query):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    status = choice(["all", *ChallengeStatus], load_default="all")
    area = fields.String(metadata={"description": "Area slug."})
    county = choice(COUNTIES)
    q = fields.String(metadata={"description": "Words in the title, problem, context or effect."})


class ChallengePath(Output):
    challenge_id = fields.Integer(required=True, validate=validate.Range(min=1))

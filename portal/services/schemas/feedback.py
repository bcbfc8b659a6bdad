"""A judgement of a match: relevant or not, with an optional comment.

``FeedbackSchema`` is the API's input (verdict and comment) and output (with the read-only
pair and time); the feedback form and the feedback service read the limits and choices beside
it.
"""

from typing import Any

from marshmallow import fields, pre_dump

from portal.models import MatchFeedback
from portal.services.schemas.base import Strict, Text, choice

VERDICTS = ("relevant", "not_relevant")
COMMENT_MAX_LENGTH = 1000


class FeedbackSchema(Strict):
    """The caller's judgement of one challenge-company pair (one per caller and pair)."""

    challenge_id = fields.Integer(required=True, dump_only=True)
    company_id = fields.Integer(required=True, dump_only=True)
    verdict = choice(VERDICTS, required=True)
    comment = Text(allow_none=True, max_length=COMMENT_MAX_LENGTH, metadata={
        "description": "Why the company is a good or poor fit; only staff see it. Surrounding "
                       "space is stripped; null or left out stores no comment."})
    updated_at = fields.String(required=True, dump_only=True, metadata={"format": "date-time"})

    @pre_dump
    def _row(self, row: MatchFeedback, **kwargs: Any) -> dict[str, Any]:
        return {"challenge_id": row.challenge_id, "company_id": row.company_id,
                "verdict": "relevant" if row.relevant else "not_relevant",
                "comment": row.comment or "",
                "updated_at": (row.updated_at or row.created_at).isoformat() + "Z"}

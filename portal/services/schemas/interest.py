"""An expression of interest: the SME's pitch and the challenge owner's verdict on it.

``InterestSchema`` is the API's input (the pitch) and output (with the read-only challenge,
status and time); the interest form and the interests service read the limits beside it.
"""

from typing import Any

from marshmallow import ValidationError, fields, pre_dump, validates

from portal.models import Interest
from portal.models.enums import InterestStatus
from portal.services.schemas.base import Output, Strict, Text, choice

PITCH_MIN_LENGTH = 20
PITCH_MAX_LENGTH = 2000
STATUSES = tuple(InterestStatus)


class InterestChallengeSchema(Output):
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class InterestSchema(Strict):
    """An expression of interest; only ``pitch`` is writable."""

    challenge = fields.Nested(InterestChallengeSchema, required=True, dump_only=True)
    pitch = Text(required=True, blank=False, min_length=PITCH_MIN_LENGTH,
                 max_length=PITCH_MAX_LENGTH, metadata={
                     "description": "Why the company fits: what it offers, how mature it is, "
                                    "a relevant reference. Surrounding space is stripped, and "
                                    "the stripped text must keep the length limits too."})
    status = choice(STATUSES, required=True, dump_only=True, metadata={
        "description": "The challenge owner's verdict."})
    created_at = fields.String(required=True, dump_only=True, metadata={"format": "date-time"})

    @validates("pitch")
    def _stripped_length(self, value: str, **kwargs: Any) -> None:
        # The form counts the characters as sent; the service stores and counts them stripped.
        if not PITCH_MIN_LENGTH <= len(value) <= PITCH_MAX_LENGTH:
            raise ValidationError(f"must be {PITCH_MIN_LENGTH} to {PITCH_MAX_LENGTH} "
                                  "characters without the surrounding space.")

    @pre_dump
    def _row(self, interest: Interest, **kwargs: Any) -> dict[str, Any]:
        return {"challenge": {"id": interest.challenge.id, "title": interest.challenge.title},
                "pitch": interest.pitch,
                "status": str(interest.status),
                "created_at": interest.created_at.isoformat() + "Z"}


class InterestListSchema(Output):
    items = fields.List(fields.Nested(InterestSchema), required=True,
                        metadata={"description": "Newest first."})

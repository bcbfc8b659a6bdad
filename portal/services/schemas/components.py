"""The schemas the OpenAPI document names as components, and the error body."""

from marshmallow import Schema, fields, validate

from portal.services.schemas.base import Output
from portal.services.schemas.challenge import (
    ChallengeCreateSchema,
    ChallengeListQuery,
    ChallengePageSchema,
    ChallengePath,
    ChallengeSchema,
    ChallengeUpdateSchema,
)
from portal.services.schemas.company import CompanySchema, CompanyUpdateSchema
from portal.services.schemas.conversation import (
    ConversationCreateSchema,
    ConversationListSchema,
    ConversationPath,
    ConversationSchema,
    MessageCreateSchema,
    MessageSchema,
)
from portal.services.schemas.event import (
    CalendarQuery,
    EventListSchema,
    EventPath,
    EventSchema,
    ExportQuery,
)
from portal.services.schemas.feedback import FeedbackSchema
from portal.services.schemas.interest import InterestListSchema, InterestSchema
from portal.services.schemas.matches import (
    MatchItemSchema,
    MatchListSchema,
    MatchQuery,
    RecommendationQuery,
    TeamSchema,
)


class ErrorBodySchema(Output):
    code = fields.Integer(required=True)
    message = fields.String(required=True)
    field = fields.String()
    id = fields.String()


class ErrorSchema(Output):
    """Every error: ``{"error": {"code", "message"[, "field"]}}``."""

    error = fields.Nested(ErrorBodySchema, required=True)


class CompanyPath(Output):
    company_id = fields.Integer(required=True, validate=validate.Range(min=1))


class FeedbackPath(ChallengePath):
    """A challenge and a company matched with it."""

    company_id = fields.Integer(required=True, validate=validate.Range(min=1))


# The OpenAPI components, by name.
COMPONENTS: dict[str, type[Schema]] = {
    "Error": ErrorSchema,
    "Challenge": ChallengeSchema,
    "ChallengeCreate": ChallengeCreateSchema,
    "ChallengeUpdate": ChallengeUpdateSchema,
    "ChallengePage": ChallengePageSchema,
    "MatchItem": MatchItemSchema,
    "Team": TeamSchema,
    "MatchList": MatchListSchema,
    "Company": CompanySchema,
    "CompanyUpdate": CompanyUpdateSchema,
    "Event": EventSchema,
    "EventList": EventListSchema,
    "Message": MessageSchema,
    "Conversation": ConversationSchema,
    "ConversationList": ConversationListSchema,
    "ConversationCreate": ConversationCreateSchema,
    "MessageCreate": MessageCreateSchema,
    "Interest": InterestSchema,
    "InterestList": InterestListSchema,
    "Feedback": FeedbackSchema,
}

__all__ = [
    "COMPONENTS", "CalendarQuery", "ChallengeCreateSchema", "ChallengeListQuery",
    "ChallengePageSchema", "ChallengePath", "ChallengeSchema", "ChallengeUpdateSchema",
    "CompanyPath", "CompanySchema", "CompanyUpdateSchema", "ConversationCreateSchema",
    "ConversationListSchema", "ConversationPath", "ConversationSchema", "ErrorSchema",
    "EventListSchema", "EventPath", "EventSchema", "ExportQuery", "FeedbackPath",
    "FeedbackSchema", "InterestListSchema", "InterestSchema", "MatchItemSchema",
    "MatchListSchema", "MatchQuery", "MessageCreateSchema", "MessageSchema",
    "RecommendationQuery", "TeamSchema",
]

"""ORM models. Importing this package registers every table on ``Base.metadata``."""

from portal.models.audit import AuditEntry
from portal.models.challenge import Challenge, Interest, challenge_areas
from portal.models.company import Company, company_areas
from portal.models.conversation import Conversation, ConversationRead, Message
from portal.models.event import (
    Event,
    EventChallenge,
    EventPair,
    EventRegistration,
    Meeting,
    Notification,
    OutboxMessage,
)
from portal.models.matching import (
    Embedding,
    EncodingJob,
    MatcherWeights,
    MatchFeedback,
    Shortlist,
)
from portal.models.taxonomy import Area, area_links
from portal.models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Area",
    "AuditEntry",
    "Challenge",
    "Company",
    "Conversation",
    "ConversationRead",
    "Embedding",
    "EncodingJob",
    "Event",
    "EventChallenge",
    "EventPair",
    "EventRegistration",
    "Interest",
    "MatchFeedback",
    "MatcherWeights",
    "Meeting",
    "Message",
    "Notification",
    "OutboxMessage",
    "Shortlist",
    "User",
    "area_links",
    "challenge_areas",
    "company_areas",
]

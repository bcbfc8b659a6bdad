"""The rules of an event: time zone, limits, pair states and transitions, and the error
the rules raise."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from portal.models.enums import (
    EventStatus,
    MeetingOutcome,
    PairState,
)
from portal.services.errors import Invalid

EVENT_TZ = ZoneInfo("Europe/Oslo")
DEFAULT_TOP_N = 8
# The fit a company must reach on its own, before the regional boost, to be proposed: the
# lower bound of a "good" fit (docs/matching.md, "The fit a person reads"), as likely a real
# match as not.
DEFAULT_MIN_FIT = 0.5
MAX_TOP_N = 50
ORIGIN_MATCHMAKING = "matchmaking"
ORIGIN_REQUEST = "request"
# States matchmaking must not touch on a re-run: the organiser or the company decided them.
KEPT_STATES = (
    PairState.LOCKED, PairState.REMOVED, PairState.INVITED, PairState.REQUESTED,
    PairState.ACCEPTED, PairState.DECLINED,
)
INVITABLE_STATES = (PairState.PROPOSED, PairState.LOCKED)
EVER_INVITED = (PairState.INVITED, PairState.ACCEPTED, PairState.DECLINED)
RELEVANT_OUTCOMES = (MeetingOutcome.FOLLOW_UP, MeetingOutcome.COOPERATION)
STATUS_TRANSITIONS = {
    EventStatus.DRAFT: (EventStatus.OPEN,),
    EventStatus.OPEN: (EventStatus.CLOSED,),
    EventStatus.CLOSED: (EventStatus.OPEN,),
}
EVENT_FIELDS = (
    "name", "description", "county", "venue", "date", "start_time", "end_time",
    "meeting_minutes", "tables", "regional_boost",
)


class EventError(Invalid):
    """A request that the event's rules refuse (shown to the user as a message)."""

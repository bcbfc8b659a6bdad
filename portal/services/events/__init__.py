"""Regional cluster events: access, lifecycle and registration, matchmaking and invitations,
meeting requests, the schedule and ratings, the event page and exports.

Every function takes ``session`` first and never commits: the view or CLI command commits once,
audit rows included. Rules refuse with :class:`EventError` (a message for the user) or the
domain errors of :mod:`portal.services.errors` (not found, forbidden, invalid).

Modules:
    rules: limits, states, transitions and :class:`EventError`.
    access: who may see, organise and take part; loaders of events and pairs.
    lifecycle: slots and times, creating and editing, status, challenges and registrations.
    matchmaking: proposed pairs, the organiser's review, invitations and answers.
    scheduling: meeting requests, the schedule, ratings.
    page: the event page of one user.
    exports: exports and calendar scopes.

The demo event is made by :mod:`portal.demo.event`.
"""

from portal.services.events.access import (
    can_manage_event,
    can_organise,
    event_visibility_clause,
    get_event_for,
    get_pair,
    user_company,
    visible_events,
)
from portal.services.events.exports import ExportFile, build_export, calendar_scope
from portal.services.events.lifecycle import (
    attach_challenge,
    attachable_challenges,
    create_event,
    detach_challenge,
    local_time,
    register_company,
    set_status,
    slot_local_times,
    update_event,
    window_slots,
    withdraw_company,
)
from portal.services.events.matchmaking import (
    explanation,
    invitable_pairs,
    pairs_by_challenge,
    respond_to_invitation,
    run_matchmaking,
    send_invitations,
    set_pair_state,
)
from portal.services.events.page import event_page
from portal.services.events.rules import (
    DEFAULT_MIN_FIT,
    DEFAULT_TOP_N,
    EVER_INVITED,
    MAX_TOP_N,
    ORIGIN_MATCHMAKING,
    RELEVANT_OUTCOMES,
    EventError,
)
from portal.services.events.scheduling import (
    confirm_schedule,
    decide_request,
    event_meetings,
    rate_meeting,
    request_meeting,
    requestable_challenges,
    schedule_event,
    schedule_view,
    visible_challenge_count,
)

__all__ = [
    "DEFAULT_MIN_FIT",
    "DEFAULT_TOP_N",
    "EVER_INVITED",
    "MAX_TOP_N",
    "ORIGIN_MATCHMAKING",
    "RELEVANT_OUTCOMES",
    "EventError",
    "ExportFile",
    "attach_challenge",
    "attachable_challenges",
    "build_export",
    "calendar_scope",
    "can_manage_event",
    "can_organise",
    "confirm_schedule",
    "create_event",
    "decide_request",
    "detach_challenge",
    "event_meetings",
    "event_page",
    "event_visibility_clause",
    "explanation",
    "get_event_for",
    "get_pair",
    "invitable_pairs",
    "local_time",
    "pairs_by_challenge",
    "rate_meeting",
    "register_company",
    "request_meeting",
    "requestable_challenges",
    "respond_to_invitation",
    "run_matchmaking",
    "schedule_event",
    "schedule_view",
    "send_invitations",
    "set_pair_state",
    "set_status",
    "slot_local_times",
    "update_event",
    "user_company",
    "visible_challenge_count",
    "visible_events",
    "window_slots",
    "withdraw_company",
]

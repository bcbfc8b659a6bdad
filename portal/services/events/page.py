"""The event page: what one user sees of an event, assembled in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import (
    Challenge,
    Company,
    Event,
    EventChallenge,
    EventPair,
    EventRegistration,
    Meeting,
    User,
)
from portal.models.enums import (
    PairState,
    RegistrationStatus,
    Role,
)
from portal.services.access import can_see_challenge
from portal.services.events.access import can_manage_event, user_company
from portal.services.events.lifecycle import registration_of
from portal.services.events.scheduling import event_meetings, requestable_challenges

# Detail page ----------------------------------------------------------------------------------

@dataclass
class EventPage:
    event: Event
    manage: bool
    challenges: list[EventChallenge]
    company: Company | None = None
    registration: EventRegistration | None = None
    invitations: list[EventPair] = field(default_factory=list)
    company_pairs: list[EventPair] = field(default_factory=list)
    requestable: list[Challenge] = field(default_factory=list)
    owner_requests: list[EventPair] = field(default_factory=list)
    my_meetings: list[Meeting] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    rateable: bool = False


def event_page(session: Session, user: User, event: Event) -> EventPage:
    """Everything the event page shows ``user``, filtered by what they may see."""
    manage = can_manage_event(user, event)
    page = EventPage(
        event=event, manage=manage,
        challenges=[link for link in sorted(event.event_challenges,
                                            key=lambda x: x.challenge.title)
                    if manage or can_see_challenge(user, link.challenge)],
    )
    company = user_company(user)
    if company is not None:
        page.company = company
        page.registration = registration_of(session, event, company)
        pairs = [p for p in session.scalars(select(EventPair).where(
            EventPair.event_id == event.id, EventPair.company_id == company.id,
            EventPair.state.in_((PairState.INVITED, PairState.REQUESTED, PairState.ACCEPTED,
                                 PairState.DECLINED)))) if can_see_challenge(user, p.challenge)]
        page.invitations = [p for p in pairs if p.state == PairState.INVITED]
        page.company_pairs = [p for p in pairs if p.state != PairState.INVITED]
        page.requestable = requestable_challenges(session, event, user)
        page.my_meetings = [m for m in event_meetings(session, event, company_id=company.id)
                            if can_see_challenge(user, m.pair.challenge)]
    elif user.role == Role.MILITARY and user.unit:
        page.owner_requests = list(session.scalars(
            select(EventPair).join(Challenge).where(
                EventPair.event_id == event.id, EventPair.state == PairState.REQUESTED,
                Challenge.unit == user.unit)))
        page.my_meetings = event_meetings(session, event, unit=user.unit)
    if manage:
        page.owner_requests = list(session.scalars(select(EventPair).where(
            EventPair.event_id == event.id, EventPair.state == PairState.REQUESTED)))
        states = dict(session.execute(
            select(EventPair.state, func.count()).where(EventPair.event_id == event.id)
            .group_by(EventPair.state)).tuples().all())
        page.counts = {
            **{state: states.get(state, 0) for state in PairState},
            "registered": sum(1 for r in event.registrations
                              if r.status == RegistrationStatus.REGISTERED),
            "meetings": len(event.meetings),
            "confirmed": sum(1 for m in event.meetings if m.confirmed),
        }
    page.rateable = event.date <= date.today()
    return page

"""Meeting requests from companies, the meeting schedule, and ratings after the event."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    Challenge,
    Event,
    EventPair,
    MatchFeedback,
    Meeting,
    User,
)
from portal.models.enums import (
    AccountStatus,
    MeetingOutcome,
    PairState,
    RegistrationStatus,
    Role,
    label,
)
from portal.services import audit, scheduler
from portal.services.access import can_see_challenge
from portal.services.errors import Forbidden, Invalid, NotFound
from portal.services.events.access import can_manage_event, is_owner_of, user_company
from portal.services.events.lifecycle import (
    local_time,
    naive_utc,
    registration_of,
    slot_count,
    slot_local_times,
    window_slots,
)
from portal.services.events.matchmaking import company_recipients
from portal.services.events.rules import EVENT_TZ, ORIGIN_REQUEST, RELEVANT_OUTCOMES, EventError
from portal.services.notifications import notify


def requestable_challenges(session: Session, event: Event, user: User) -> list[Challenge]:
    """Attached challenges a registered company may still ask to meet."""
    company = user_company(user)
    registration = registration_of(session, event, company)
    if (company is None or registration is None
            or registration.status != RegistrationStatus.REGISTERED):
        return []
    taken = set(session.scalars(select(EventPair.challenge_id).where(
        EventPair.event_id == event.id, EventPair.company_id == company.id,
        EventPair.state.in_((PairState.INVITED, PairState.REQUESTED, PairState.ACCEPTED,
                             PairState.DECLINED)))))
    return [link.challenge for link in event.event_challenges
            if link.challenge_id not in taken and can_see_challenge(user, link.challenge)]


def request_meeting(session: Session, event: Event, challenge_id: int, user: User) -> EventPair:
    """A registered company asks to meet an attached challenge's owner."""
    company = user_company(user)
    if company is None:
        raise Forbidden()
    challenge = session.get(Challenge, challenge_id)
    attached = challenge is not None and any(
        link.challenge_id == challenge.id for link in event.event_challenges)
    if challenge is None or not attached or not can_see_challenge(user, challenge):
        raise NotFound()
    if challenge not in requestable_challenges(session, event, user):
        raise EventError(_l("Register first; you can ask each challenge owner once."))
    pair = session.scalar(select(EventPair).where(
        EventPair.event_id == event.id, EventPair.challenge_id == challenge.id,
        EventPair.company_id == company.id))
    if pair is None:
        pair = EventPair(event_id=event.id, challenge_id=challenge.id, company_id=company.id,
                         score=0.0, components="{}")
        session.add(pair)
    pair.origin = ORIGIN_REQUEST
    pair.state = PairState.REQUESTED
    session.flush()
    for owner in _challenge_owners(session, challenge):
        notify(session, owner, _l("%(company)s asks to meet you about “%(title)s” at %(event)s.",
                                  company=company.name, title=challenge.title, event=event.name),
               challenge=challenge)
    audit.record(session, "event_meeting_request", actor=user, target=pair,
                 details={"event_id": event.id, "challenge_id": challenge.id})
    return pair


def _challenge_owners(session: Session, challenge: Challenge) -> list[User]:
    return list(session.scalars(select(User).where(
        User.role == Role.MILITARY, User.status == AccountStatus.ACTIVE,
        User.unit == challenge.unit)))


def may_decide_request(user: User, event: Event, pair: EventPair) -> bool:
    return can_manage_event(user, event) or is_owner_of(user, pair.challenge)


def decide_request(session: Session, event: Event, pair: EventPair, user: User,
                   accept: bool) -> EventPair:
    """The challenge owner (or the organiser) accepts or declines a meeting request."""
    if not may_decide_request(user, event, pair):
        raise Forbidden()
    if pair.state != PairState.REQUESTED:
        raise EventError(_l("This request has already been answered."))
    pair.state = PairState.ACCEPTED if accept else PairState.DECLINED
    session.flush()
    company = pair.company
    for member in company_recipients(company)[0]:
        message = (_l("Your meeting request about “%(title)s” at %(event)s was accepted.",
                      title=pair.challenge.title, event=event.name) if accept else
                   _l("Your meeting request about “%(title)s” at %(event)s was declined.",
                      title=pair.challenge.title, event=event.name))
        notify(session, member, message, challenge=pair.challenge)
    audit.record(session, "event_request_" + ("accept" if accept else "decline"),
                 actor=user, target=pair, details={"event_id": event.id})
    return pair


# Schedule -------------------------------------------------------------------------------------

def owner_key(challenge: Challenge) -> Hashable:
    """The person behind a challenge: its owning user, else its unit."""
    if challenge.owner_id is not None:
        return ("owner", "user", challenge.owner_id)
    return ("owner", "unit", challenge.unit)


def owner_label(challenge: Challenge) -> str:
    if challenge.owner is not None and challenge.owner.full_name:
        return f"{challenge.owner.full_name} ({challenge.unit})"
    return challenge.unit


@dataclass
class ScheduleOutcome:
    result: scheduler.ScheduleResult
    pairs: dict[int, EventPair]
    dropped_confirmed: int = 0

    @property
    def unplaced(self) -> list[tuple[EventPair, scheduler.Unplaced]]:
        return [(self.pairs[u.pair_id], u) for u in self.result.unplaced]


def accepted_pairs(session: Session, event: Event) -> list[EventPair]:
    return list(session.scalars(
        select(EventPair).where(EventPair.event_id == event.id,
                                EventPair.state == PairState.ACCEPTED)
        .options(selectinload(EventPair.company), selectinload(EventPair.challenge),
                 selectinload(EventPair.meeting))
        .order_by(EventPair.id)))


def schedule_event(session: Session, event: Event, actor: User) -> ScheduleOutcome:
    """(Re)build the meeting schedule of ``event`` from its accepted pairs.

    Confirmed meetings stay in their slot and table; unconfirmed ones are replaced. Company
    windows come from registrations, challenge-owner windows from the attached challenges.
    """
    slots = slot_count(event)
    if slots == 0:
        raise EventError(_l("The event is shorter than one meeting."))
    pairs = accepted_pairs(session, event)
    by_id = {p.id: p for p in pairs}
    meetings = session.scalars(select(Meeting).where(Meeting.event_id == event.id)).all()
    fixed: dict[int, tuple[int, int]] = {}
    dropped = 0
    for meeting in meetings:
        keep = (meeting.confirmed and meeting.pair_id in by_id and meeting.slot < slots
                and meeting.table_number <= event.tables)
        if keep:
            fixed[meeting.pair_id] = (meeting.slot, meeting.table_number)
        else:
            dropped += int(meeting.confirmed)
            session.delete(meeting)
    session.flush()

    registrations = {r.company_id: r for r in event.registrations}
    availability: dict[Hashable, list[int]] = {}
    for company_id, registration in registrations.items():
        if registration.available_from or registration.available_until:
            availability[("company", company_id)] = window_slots(
                event, registration.available_from, registration.available_until)
    for link in event.event_challenges:
        if link.available_from or link.available_until:
            availability[("challenge", link.challenge_id)] = window_slots(
                event, link.available_from, link.available_until)
    inputs = [scheduler.PairInput(id=p.id, company=("company", p.company_id),
                                  owner=owner_key(p.challenge), score=float(p.score),
                                  challenge=("challenge", p.challenge_id)) for p in pairs]
    result = scheduler.schedule(inputs, slots, event.tables, availability=availability,
                                fixed=fixed)
    times = slot_local_times(event)
    for assignment in result.assignments:
        if assignment.fixed:
            continue
        start, end = times[assignment.slot]
        session.add(Meeting(event_id=event.id, pair_id=assignment.pair_id,
                            slot=assignment.slot, table_number=assignment.table,
                            starts_at=naive_utc(start), ends_at=naive_utc(end),
                            confirmed=False))
    session.flush()
    session.expire(event, ["meetings"])
    audit.record(session, "event_schedule", actor=actor, target=event, details={
        "pairs": len(pairs), "placed": len(result.assignments), "fixed": len(fixed),
        "unplaced": len(result.unplaced), "objective": round(result.objective, 4),
        "status": result.status})
    return ScheduleOutcome(result=result, pairs=by_id, dropped_confirmed=dropped)


def confirm_schedule(session: Session, event: Event, actor: User) -> int:
    """Confirm every meeting of the event; returns how many were newly confirmed."""
    meetings = session.scalars(select(Meeting).where(
        Meeting.event_id == event.id, Meeting.confirmed.is_(False))).all()
    for meeting in meetings:
        meeting.confirmed = True
    audit.record(session, "event_schedule_confirm", actor=actor, target=event,
                 details={"confirmed": len(meetings)})
    return len(meetings)


def visible_challenge_count(user: User | None, event: Event) -> int:
    """How many of the event's challenges ``user`` may see (never a count of hidden ones)."""
    return sum(can_see_challenge(user, link.challenge) for link in event.event_challenges)


def event_meetings(session: Session, event: Event, *, company_id: int | None = None,
                   unit: str | None = None, viewer: User | None = None) -> list[Meeting]:
    """The event's meetings in slot/table order, optionally those of one company or one unit
    (a challenge owner), and only those about challenges ``viewer`` may see (when given): a
    company whose vetting was revoked no longer reads a vetted-only challenge in its agenda."""
    statement = (select(Meeting).join(EventPair).join(Challenge)
                 .where(Meeting.event_id == event.id)
                 .options(selectinload(Meeting.pair).selectinload(EventPair.company),
                          selectinload(Meeting.pair).selectinload(EventPair.challenge))
                 .order_by(Meeting.slot, Meeting.table_number))
    if company_id is not None:
        statement = statement.where(EventPair.company_id == company_id)
    if unit is not None:
        statement = statement.where(Challenge.unit == unit)
    meetings = list(session.scalars(statement))
    if viewer is not None:
        meetings = [m for m in meetings if can_see_challenge(viewer, m.pair.challenge)]
    return meetings


@dataclass
class ScheduleView:
    slots: list[tuple[datetime, datetime]]
    grid: dict[tuple[int, int], Meeting]
    meetings: list[Meeting]
    accepted: int
    unscheduled: list[EventPair]


def schedule_view(session: Session, event: Event) -> ScheduleView:
    """What the organiser's schedule page shows: slot x table grid and unscheduled pairs."""
    meetings = event_meetings(session, event)
    pairs = accepted_pairs(session, event)
    scheduled = {m.pair_id for m in meetings}
    return ScheduleView(
        slots=slot_local_times(event),
        grid={(m.slot, m.table_number): m for m in meetings},
        meetings=meetings,
        accepted=len(pairs),
        unscheduled=[p for p in pairs if p.id not in scheduled],
    )


# Ratings --------------------------------------------------------------------------------------

def rating_role(user: User, meeting: Meeting) -> str | None:
    """``"company"`` or ``"owner"`` when ``user`` took part in ``meeting``, else None."""
    company = user_company(user)
    if company is not None and meeting.pair.company_id == company.id:
        return "company"
    if is_owner_of(user, meeting.pair.challenge):
        return "owner"
    return None


def rate_meeting(session: Session, event: Event, meeting_id: int, user: User,
                 outcome: str) -> MatchFeedback:
    """A participant rates a meeting after it took place; the rating becomes a match
    judgement (``MatchFeedback`` with source ``meeting``; relevant = follow-up or
    cooperation)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        raise NotFound()
    role = rating_role(user, meeting)
    if role is None:
        raise Forbidden()
    if outcome not in tuple(MeetingOutcome):
        raise Invalid(f"Unknown meeting outcome: {outcome!r}.")
    if local_time(meeting.starts_at) > datetime.now(EVENT_TZ):
        raise EventError(_l("Meetings can be rated once they have taken place."))
    setattr(meeting, f"{role}_outcome", outcome)
    pair = meeting.pair
    feedback = session.scalar(select(MatchFeedback).where(
        MatchFeedback.challenge_id == pair.challenge_id,
        MatchFeedback.company_id == pair.company_id, MatchFeedback.user_id == user.id,
        MatchFeedback.source == "meeting"))
    if feedback is None:
        feedback = MatchFeedback(challenge_id=pair.challenge_id, company_id=pair.company_id,
                                 user_id=user.id, source="meeting")
        session.add(feedback)
    feedback.relevant = outcome in RELEVANT_OUTCOMES
    feedback.comment = f"Meeting at {event.name}: {label(outcome)}"
    session.flush()
    audit.record(session, "event_meeting_rated", actor=user, target=meeting,
                 details={"event_id": event.id, "role": role, "outcome": outcome})
    return feedback

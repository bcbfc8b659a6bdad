"""An event's life: slots and times, creating and editing, status, attached challenges and
company registrations."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
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
    ChallengeStatus,
    EventStatus,
    PairState,
    RegistrationStatus,
    label,
)
from portal.services import audit
from portal.services.access import can_see_challenge, visible_challenges
from portal.services.errors import NotFound
from portal.services.events.rules import EVENT_FIELDS, EVENT_TZ, STATUS_TRANSITIONS, EventError

# Slots and times ------------------------------------------------------------------------------

def slot_count(event: Event) -> int:
    minutes = (datetime.combine(event.date, event.end_time)
               - datetime.combine(event.date, event.start_time)).total_seconds() // 60
    return max(0, int(minutes // event.meeting_minutes))


def slot_local_times(event: Event) -> list[tuple[datetime, datetime]]:
    """Local (Europe/Oslo) start and end of every slot."""
    start = datetime.combine(event.date, event.start_time, tzinfo=EVENT_TZ)
    step = timedelta(minutes=event.meeting_minutes)
    return [(start + n * step, start + (n + 1) * step) for n in range(slot_count(event))]


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def local_time(moment: datetime) -> datetime:
    """A stored naive-UTC datetime shown in the event's time zone."""
    return moment.replace(tzinfo=UTC).astimezone(EVENT_TZ)


def window_slots(event: Event, available_from: time | None,
                 available_until: time | None) -> list[int]:
    """Slots that lie wholly inside a local availability window (open ends: the event's)."""
    lower = available_from or event.start_time
    upper = available_until or event.end_time
    return [n for n, (start, end) in enumerate(slot_local_times(event))
            if start.time() >= lower and end.time() <= upper]


# Events ---------------------------------------------------------------------------------------

def _validate_times(fields: dict[str, Any]) -> None:
    if fields["start_time"] >= fields["end_time"]:
        raise EventError(_l("The event must end after it starts."))


def create_event(session: Session, organiser: User, **fields: Any) -> Event:
    """Create a draft event organised by ``organiser`` (fields: ``EVENT_FIELDS``)."""
    values = {k: fields[k] for k in EVENT_FIELDS if k in fields}
    _validate_times(values)
    event = Event(organiser_id=organiser.id, status=EventStatus.DRAFT, **values)
    session.add(event)
    session.flush()
    audit.record(session, "event_create", actor=organiser, target=event,
                 details={"name": event.name})
    return event


def update_event(session: Session, event: Event, actor: User, **fields: Any) -> Event:
    """Change an event's details; confirmed meetings keep their slots (times recomputed)."""
    values = {k: fields[k] for k in EVENT_FIELDS if k in fields}
    _validate_times(values)
    for key, value in values.items():
        setattr(event, key, value)
    session.flush()
    retime_meetings(session, event)
    audit.record(session, "event_update", actor=actor, target=event)
    return event


def set_status(session: Session, event: Event, status: str, actor: User) -> Event:
    """Move the event along draft -> open -> closed (a closed event may reopen)."""
    if status not in STATUS_TRANSITIONS.get(EventStatus(event.status), ()):
        raise EventError(_l("An event cannot go from %(old)s to %(new)s.",
                             old=label(event.status), new=label(status)))
    before = event.status
    event.status = status
    audit.record(session, "event_status", actor=actor, target=event,
                 details={"from": before, "to": status})
    return event


def attachable_challenges(session: Session, user: User, event: Event) -> list[Challenge]:
    """Open challenges ``user`` may see that are not attached to ``event`` yet."""
    attached = select(EventChallenge.challenge_id).where(EventChallenge.event_id == event.id)
    return list(session.scalars(
        visible_challenges(user)
        .where(Challenge.status == ChallengeStatus.OPEN, Challenge.id.not_in(attached))
        .order_by(Challenge.title)))


def attach_challenge(session: Session, event: Event, challenge_id: int, actor: User, *,
                     available_from: time | None = None,
                     available_until: time | None = None) -> EventChallenge:
    """Attach an open challenge ``actor`` may see, with the owner's optional window."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None or not can_see_challenge(actor, challenge):
        raise NotFound()
    if challenge.status != ChallengeStatus.OPEN:
        raise EventError(_l("Only open challenges can be attached."))
    _check_window(available_from, available_until)
    link = session.scalar(select(EventChallenge).where(
        EventChallenge.event_id == event.id, EventChallenge.challenge_id == challenge.id))
    if link is None:
        link = EventChallenge(event_id=event.id, challenge_id=challenge.id)
        session.add(link)
    link.available_from = available_from
    link.available_until = available_until
    session.flush()
    audit.record(session, "event_attach_challenge", actor=actor, target=event,
                 details={"challenge_id": challenge.id})
    return link


def _check_window(available_from: time | None, available_until: time | None) -> None:
    if available_from and available_until and available_from >= available_until:
        raise EventError(_l("The availability window must end after it starts."))


def detach_challenge(session: Session, event: Event, challenge_id: int, actor: User) -> None:
    """Remove a challenge from the event, with its pairs and meetings."""
    link = session.scalar(select(EventChallenge).where(
        EventChallenge.event_id == event.id, EventChallenge.challenge_id == challenge_id))
    if link is None:
        raise NotFound()
    pair_ids = select(EventPair.id).where(
        EventPair.event_id == event.id, EventPair.challenge_id == challenge_id)
    session.execute(delete(Meeting).where(Meeting.pair_id.in_(pair_ids)))
    session.execute(delete(EventPair).where(
        EventPair.event_id == event.id, EventPair.challenge_id == challenge_id))
    session.delete(link)
    session.flush()
    session.expire(event)
    audit.record(session, "event_detach_challenge", actor=actor, target=event,
                 details={"challenge_id": challenge_id})


# Registration ---------------------------------------------------------------------------------

def registration_of(session: Session, event: Event, company: Company | None
                    ) -> EventRegistration | None:
    if company is None:
        return None
    return session.scalar(select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.company_id == company.id))


def register_company(session: Session, event: Event, company: Company, actor: User, *,
                     available_from: time | None = None,
                     available_until: time | None = None) -> EventRegistration:
    """Register a company or research institute for an open event (or update its window)."""
    if event.status != EventStatus.OPEN:
        raise EventError(_l("Registration is not open for this event."))
    _check_window(available_from, available_until)
    registration = registration_of(session, event, company)
    if registration is None:
        registration = EventRegistration(event_id=event.id, company_id=company.id)
        session.add(registration)
    registration.status = RegistrationStatus.REGISTERED
    registration.available_from = available_from
    registration.available_until = available_until
    session.flush()
    audit.record(session, "event_register", actor=actor, target=event,
                 details={"company_id": company.id})
    return registration


def withdraw_company(session: Session, event: Event, company: Company, actor: User) -> None:
    """Withdraw: the registration is marked declined, open pairs declined, meetings dropped."""
    registration = registration_of(session, event, company)
    if registration is None or registration.status != RegistrationStatus.REGISTERED:
        raise EventError(_l("Your organisation is not registered for this event."))
    registration.status = RegistrationStatus.DECLINED
    pairs = session.scalars(select(EventPair).where(
        EventPair.event_id == event.id, EventPair.company_id == company.id,
        EventPair.state.in_((PairState.INVITED, PairState.REQUESTED, PairState.ACCEPTED)))).all()
    for pair in pairs:
        pair.state = PairState.DECLINED
    session.execute(delete(Meeting).where(Meeting.pair_id.in_([p.id for p in pairs])))
    session.flush()
    audit.record(session, "event_withdraw", actor=actor, target=event,
                 details={"company_id": company.id, "pairs_declined": len(pairs)})


def retime_meetings(session: Session, event: Event) -> None:
    """Move the event's meetings to the times of their slots (after the times changed)."""
    times = slot_local_times(event)
    for meeting in session.scalars(select(Meeting).where(Meeting.event_id == event.id)):
        if meeting.slot < len(times):
            meeting.starts_at = naive_utc(times[meeting.slot][0])
            meeting.ends_at = naive_utc(times[meeting.slot][1])

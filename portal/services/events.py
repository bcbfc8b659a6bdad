"""Regional cluster events: access, registration, matchmaking, invitations, requests, the
meeting schedule, exports and post-event ratings.

Every function takes ``session`` first and never commits: the view or CLI command commits once,
audit rows included.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, has_request_context
from flask_babel import force_locale, format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from portal.db import MAX_ID
from portal.i18n import current_locale, recipient_locale
from portal.models import (
    Challenge,
    Company,
    Event,
    EventChallenge,
    EventPair,
    EventRegistration,
    MatchFeedback,
    Meeting,
    User,
)
from portal.models.enums import (
    AccountStatus,
    ChallengeStatus,
    EventStatus,
    MeetingOutcome,
    PairState,
    RegistrationStatus,
    Role,
    label,
)
from portal.services import audit, exports, mail, scheduler
from portal.services.access import can_see_challenge, visible_challenges
from portal.services.notifications import notify

EVENT_TZ = ZoneInfo("Europe/Oslo")
DEFAULT_TOP_N = 8
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


class EventError(ValueError):
    """A request that the event's rules refuse (shown to the user as a message)."""


# Access ---------------------------------------------------------------------------------------

def _approved(user: User | None) -> User | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_approved:
        return None
    return user


def can_organise(user: User | None) -> bool:
    """Approved organisers and admins may create events."""
    user = _approved(user)
    return user is not None and user.role in (Role.ORGANISER, Role.ADMIN)


def can_manage_event(user: User | None, event: Event) -> bool:
    """Admins manage every event; an organiser only the events they organise."""
    user = _approved(user)
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.ORGANISER and event.organiser_id == user.id


def is_owner_of(user: User | None, challenge: Challenge) -> bool:
    """A challenge owner: an approved military user of the owning unit."""
    user = _approved(user)
    return (user is not None and user.role == Role.MILITARY and bool(user.unit)
            and challenge.unit == user.unit)


def user_company(user: User | None) -> Company | None:
    """The company (or research institute) an approved SME user acts for."""
    user = _approved(user)
    if user is None or user.role != Role.SME:
        return None
    return user.company


def event_visibility_clause(user: User | None) -> ColumnElement[bool]:
    """SQL condition for the events ``user`` may see.

    Admins: all. Organisers: their own and open ones. SME and military users: open ones, and
    closed ones they took part in (to see their meetings and rate them).
    """
    user = _approved(user)
    if user is None:
        return false()
    if user.role == Role.ADMIN:
        return true()
    clauses = [Event.status == EventStatus.OPEN]
    if user.role == Role.ORGANISER:
        clauses.append(Event.organiser_id == user.id)
    elif user.role == Role.SME and user.company_id:
        clauses.append(and_(Event.status == EventStatus.CLOSED, Event.id.in_(
            select(EventRegistration.event_id).where(
                EventRegistration.company_id == user.company_id,
                EventRegistration.status == RegistrationStatus.REGISTERED))))
    elif user.role == Role.MILITARY and user.unit:
        clauses.append(and_(Event.status == EventStatus.CLOSED, Event.id.in_(
            select(EventChallenge.event_id).join(Challenge).where(Challenge.unit == user.unit))))
    return or_(*clauses)


def visible_events(session: Session, user: User | None) -> list[Event]:
    """Events ``user`` may see, soonest first."""
    return list(session.scalars(
        select(Event).where(event_visibility_clause(user)).order_by(Event.date, Event.id)))


def get_event_for(session: Session, user: User | None, event_id: int, *,
                  manage: bool = False) -> Event:
    """The event, or 404 when ``user`` may not see it; 403 when ``manage`` and not theirs."""
    event = session.get(Event, event_id)
    if event is None:
        abort(404)
    if manage:
        if can_manage_event(user, event):
            return event
        visible = session.scalar(
            select(Event.id).where(Event.id == event_id, event_visibility_clause(user)))
        abort(403 if visible else 404)
    if can_manage_event(user, event):
        return event
    if session.scalar(select(Event.id).where(Event.id == event_id,
                                             event_visibility_clause(user))) is None:
        abort(404)
    return event


def get_pair(session: Session, event: Event, pair_id: int) -> EventPair:
    pair = session.get(EventPair, pair_id)
    if pair is None or pair.event_id != event.id:
        abort(404)
    return pair


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


def _naive_utc(moment: datetime) -> datetime:
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

def _validate_times(fields: dict) -> None:
    if fields["start_time"] >= fields["end_time"]:
        raise EventError(_l("The event must end after it starts."))


def create_event(session: Session, organiser: User, **fields) -> Event:
    """Create a draft event organised by ``organiser`` (fields: ``EVENT_FIELDS``)."""
    values = {k: fields[k] for k in EVENT_FIELDS if k in fields}
    _validate_times(values)
    event = Event(organiser_id=organiser.id, status=EventStatus.DRAFT, **values)
    session.add(event)
    session.flush()
    audit.record(session, "event_create", actor=organiser, target=event,
                 details={"name": event.name})
    return event


def update_event(session: Session, event: Event, actor: User, **fields) -> Event:
    """Change an event's details; confirmed meetings keep their slots (times recomputed)."""
    values = {k: fields[k] for k in EVENT_FIELDS if k in fields}
    _validate_times(values)
    for key, value in values.items():
        setattr(event, key, value)
    session.flush()
    _retime_meetings(session, event)
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
        abort(404)
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
        abort(404)
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


# Matchmaking ----------------------------------------------------------------------------------

@dataclass
class MatchmakingSummary:
    created: int = 0
    updated: int = 0
    removed_stale: int = 0
    kept: int = 0
    challenges: int = 0
    model: str = ""
    weights_version: str = ""


def _explanation(item) -> str:
    return json.dumps({
        "components": {k: round(float(v), 4) for k, v in item.components.items()},
        "weights": {k: round(float(v), 4) for k, v in getattr(item, "weights", {}).items()},
        "shared_areas": [area.name for area in item.shared_areas],
        "top_terms": list(item.top_terms),
    }, sort_keys=True)


def explanation(pair: EventPair) -> dict:
    """The stored explanation of a pair: components, weights, shared areas, top terms."""
    try:
        data = json.loads(pair.components or "{}")
    except ValueError:
        data = {}
    data.setdefault("components", {})
    data.setdefault("shared_areas", [])
    data.setdefault("top_terms", [])
    return data


def run_matchmaking(session: Session, event: Event, actor: User, *,
                    top_n: int = DEFAULT_TOP_N) -> MatchmakingSummary:
    """Propose the best companies for each attached challenge.

    Companies that may not see a challenge are masked by the matching bridge before ranking.
    Companies in the event's county get the event's regional boost (component
    ``event_region``). Pairs the organiser or a company already decided (locked, removed,
    invited, requested, accepted, declined) are kept as they are; proposed pairs that fell
    out of the top ``top_n`` are deleted.
    """
    from portal.services.matching import rank_companies

    if not 1 <= top_n <= MAX_TOP_N:
        raise EventError(_l("Choose between 1 and %(max)d companies per challenge.", max=MAX_TOP_N))
    event.matchmaking_top_n = top_n
    summary = MatchmakingSummary()
    existing = {(p.challenge_id, p.company_id): p for p in session.scalars(
        select(EventPair).where(EventPair.event_id == event.id))}
    fresh: set[tuple[int, int]] = set()
    for link in event.event_challenges:
        summary.challenges += 1
        ranked = rank_companies(session, actor, link.challenge, top_k=top_n,
                                boost_county=event.county, boost=float(event.regional_boost or 0))
        summary.model, summary.weights_version = ranked.model_id, ranked.weights_version
        for item in ranked.items:
            key = (link.challenge_id, item.company.id)
            fresh.add(key)
            pair = existing.get(key)
            if pair is None:
                pair = EventPair(event_id=event.id, challenge_id=link.challenge_id,
                                 company_id=item.company.id, state=PairState.PROPOSED,
                                 origin=ORIGIN_MATCHMAKING)
                session.add(pair)
                existing[key] = pair
                summary.created += 1
            elif pair.state == PairState.PROPOSED:
                summary.updated += 1
            else:
                summary.kept += 1
                continue
            pair.score = float(item.score)
            pair.components = _explanation(item)
    for key, pair in existing.items():
        if pair.state == PairState.PROPOSED and key not in fresh and pair.id is not None:
            session.delete(pair)
            summary.removed_stale += 1
    session.flush()
    audit.record(session, "event_matchmaking", actor=actor, target=event, details={
        "top_n": top_n, "created": summary.created, "updated": summary.updated,
        "removed_stale": summary.removed_stale, "kept": summary.kept,
        "model": summary.model, "weights_version": summary.weights_version})
    return summary


def pairs_by_challenge(session: Session, event: Event) -> list[tuple[Challenge, list[EventPair]]]:
    """The event's pairs grouped per attached challenge, best score first."""
    pairs = session.scalars(
        select(EventPair).where(EventPair.event_id == event.id)
        .options(selectinload(EventPair.company), selectinload(EventPair.meeting))
        .order_by(EventPair.score.desc(), EventPair.id)).all()
    grouped: dict[int, list[EventPair]] = defaultdict(list)
    for pair in pairs:
        grouped[pair.challenge_id].append(pair)
    return [(link.challenge, grouped.get(link.challenge_id, []))
            for link in sorted(event.event_challenges, key=lambda x: x.challenge.title)]


def set_pair_state(session: Session, event: Event, pair: EventPair, action: str,
                   actor: User) -> EventPair:
    """Organiser review: ``lock`` or ``remove`` a proposed pair, ``restore`` a removed one."""
    allowed = {
        "lock": ((PairState.PROPOSED,), PairState.LOCKED),
        "remove": ((PairState.PROPOSED, PairState.LOCKED), PairState.REMOVED),
        "restore": ((PairState.REMOVED, PairState.LOCKED), PairState.PROPOSED),
    }
    if action not in allowed:
        abort(400)
    sources, target = allowed[action]
    if pair.state not in sources:
        raise EventError(_l("A pair in state “%(state)s” cannot be changed that way.",
                              state=label(pair.state).lower()))
    pair.state = target
    audit.record(session, "event_pair_" + action, actor=actor, target=pair,
                 details={"event_id": event.id})
    return pair


@dataclass
class InvitationSummary:
    pairs: int = 0
    companies: int = 0
    notifications: int = 0
    messages: int = 0
    message_ids: list[int] = field(default_factory=list)


def _company_recipients(company: Company) -> tuple[list[User], list[str]]:
    users = [u for u in company.users
             if u.role == Role.SME and u.status == AccountStatus.ACTIVE]
    emails = [u.email for u in users]
    if not emails and company.contact_email:
        emails = [company.contact_email]
    return users, emails


def _invitation_email(company: Company, event: Event, titles: list[str],
                      link: str) -> tuple[str, str]:
    """Subject and plain-text body of an invitation, in the current language."""
    body = "\n".join([
        gettext("Hello %(name)s,", name=company.contact_name or company.name), "",
        gettext("%(company)s is invited to the regional cluster event %(event)s in %(venue)s "
                "(%(county)s) on %(date)s, %(start)s-%(end)s.", company=company.name,
                event=event.name, venue=event.venue, county=event.county,
                date=format_date(event.date, "long"), start=event.start_time.strftime("%H:%M"),
                end=event.end_time.strftime("%H:%M")), "",
        gettext("The matchmaking found your profile a good fit for these challenges:"),
        *(f"  - {title}" for title in titles), "",
        gettext("Accept or decline each invitation on the event page: %(link)s", link=link), "",
        gettext("SME Challenge Portal"),
    ])
    return gettext("Invitation: %(event)s", event=event.name), body


def send_invitations(session: Session, event: Event, actor: User, *, link: str
                     ) -> InvitationSummary:
    """Invite the companies of every locked and proposed pair.

    Each invited company's users get an in-app notification and an e-mail (stored in the
    outbox; the caller delivers it through SMTP after committing when SMTP is configured).

    Args:
        session: Database session.
        event: An open event.
        actor: The organiser sending.
        link: URL of the event page, put into notifications and e-mails.

    Returns:
        An :class:`InvitationSummary` (counts and the new outbox message ids).
    """
    if event.status != EventStatus.OPEN:
        raise EventError(_l("Open registration before sending invitations."))
    pairs = session.scalars(select(EventPair).where(
        EventPair.event_id == event.id, EventPair.state.in_(INVITABLE_STATES))
        .options(selectinload(EventPair.company), selectinload(EventPair.challenge))).all()
    summary = InvitationSummary(pairs=len(pairs))
    per_company: dict[int, list[EventPair]] = defaultdict(list)
    for pair in pairs:
        pair.state = PairState.INVITED
        per_company[pair.company_id].append(pair)
    messages = []
    for company_pairs in per_company.values():
        company = company_pairs[0].company
        titles = sorted(p.challenge.title for p in company_pairs)
        users, emails = _company_recipients(company)
        for user in users:
            with force_locale(recipient_locale(user)):
                note = ngettext("%(company)s is invited to %(event)s (%(date)s) to meet the "
                                "owner of %(num)d challenge.",
                                "%(company)s is invited to %(event)s (%(date)s) to meet the "
                                "owners of %(num)d challenges.", len(titles),
                                company=company.name, event=event.name,
                                date=format_date(event.date))
            notify(session, user, note, link)
            summary.notifications += 1
        # One e-mail text per company, in the language of its first user (or the default).
        with force_locale(recipient_locale(users[0] if users else None)):
            subject, body = _invitation_email(company, event, titles, link)
        for email in emails:
            messages.append(mail.queue(session, recipient=email, subject=subject, body=body,
                                       event_id=event.id))
        summary.companies += 1
    session.flush()
    summary.messages = len(messages)
    summary.message_ids = [m.id for m in messages]
    audit.record(session, "event_invitations_sent", actor=actor, target=event, details={
        "pairs": summary.pairs, "companies": summary.companies,
        "notifications": summary.notifications, "emails": summary.messages})
    return summary


def respond_to_invitation(session: Session, event: Event, pair: EventPair, user: User,
                          accept: bool) -> EventPair:
    """An invited company accepts (and so registers) or declines one invitation."""
    company = user_company(user)
    if company is None or pair.company_id != company.id or not can_see_challenge(
            user, pair.challenge):
        abort(404)
    if pair.state != PairState.INVITED:
        raise EventError(_l("This invitation has already been answered."))
    if accept:
        if event.status != EventStatus.OPEN:
            raise EventError(_l("Registration for this event is closed."))
        pair.state = PairState.ACCEPTED
        registration = registration_of(session, event, company)
        if registration is None:
            session.add(EventRegistration(event_id=event.id, company_id=company.id,
                                          status=RegistrationStatus.REGISTERED))
        else:
            registration.status = RegistrationStatus.REGISTERED
    else:
        pair.state = PairState.DECLINED
    session.flush()
    audit.record(session, "event_invitation_" + ("accept" if accept else "decline"),
                 actor=user, target=pair, details={"event_id": event.id})
    return pair


def requestable_challenges(session: Session, event: Event, user: User) -> list[Challenge]:
    """Attached challenges a registered company may still ask to meet."""
    company = user_company(user)
    registration = registration_of(session, event, company)
    if registration is None or registration.status != RegistrationStatus.REGISTERED:
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
        abort(403)
    challenge = session.get(Challenge, challenge_id)
    attached = challenge is not None and any(
        link.challenge_id == challenge.id for link in event.event_challenges)
    if not attached or not can_see_challenge(user, challenge):
        abort(404)
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
                                  company=company.name, title=challenge.title, event=event.name))
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
        abort(403)
    if pair.state != PairState.REQUESTED:
        raise EventError(_l("This request has already been answered."))
    pair.state = PairState.ACCEPTED if accept else PairState.DECLINED
    session.flush()
    company = pair.company
    for member in _company_recipients(company)[0]:
        message = (_l("Your meeting request about “%(title)s” at %(event)s was accepted.",
                      title=pair.challenge.title, event=event.name) if accept else
                   _l("Your meeting request about “%(title)s” at %(event)s was declined.",
                      title=pair.challenge.title, event=event.name))
        notify(session, member, message)
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
                            starts_at=_naive_utc(start), ends_at=_naive_utc(end),
                            confirmed=False))
    session.flush()
    session.expire(event, ["meetings"])
    audit.record(session, "event_schedule", actor=actor, target=event, details={
        "pairs": len(pairs), "placed": len(result.assignments), "fixed": len(fixed),
        "unplaced": len(result.unplaced), "objective": round(result.objective, 4),
        "status": result.status})
    return ScheduleOutcome(result=result, pairs=by_id, dropped_confirmed=dropped)


def _retime_meetings(session: Session, event: Event) -> None:
    times = slot_local_times(event)
    for meeting in session.scalars(select(Meeting).where(Meeting.event_id == event.id)):
        if meeting.slot < len(times):
            meeting.starts_at = _naive_utc(times[meeting.slot][0])
            meeting.ends_at = _naive_utc(times[meeting.slot][1])


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
        abort(404)
    role = rating_role(user, meeting)
    if role is None:
        abort(403)
    if outcome not in tuple(MeetingOutcome):
        abort(400)
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


# Exports --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportFile:
    data: bytes
    filename: str
    mimetype: str
    rows: int


def export_stamp(session: Session, event: Event, actor: User | None, title: str
                 ) -> exports.ExportStamp:
    from portal.services.matching import current_stamp

    stamp = current_stamp(session)
    organiser = actor.email if actor is not None else (
        event.organiser.email if event.organiser else "unknown")
    return exports.ExportStamp(model=str(stamp.get("model", "")),
                               weights_version=str(stamp.get("weights_version", "")),
                               generated_at=datetime.now(UTC), organiser=organiser,
                               title=title)


def match_rows(session: Session, event: Event) -> list[exports.MatchRow]:
    """One row per pair of the event (removed pairs excluded), per challenge, best first."""
    rows = []
    for challenge, pairs in pairs_by_challenge(session, event):
        for pair in pairs:
            if pair.state == PairState.REMOVED:
                continue
            data = explanation(pair)
            company = pair.company
            rows.append(exports.MatchRow(
                event=event.name, challenge=challenge.title, company=company.name,
                org_number=company.org_number or "", county=company.county or "",
                score=float(pair.score), components=data["components"],
                shared_areas=list(data["shared_areas"]), state=label(pair.state),
                origin=pair.origin, contact_name=company.contact_name or "",
                contact_email=company.contact_email or ""))
    return rows


def meeting_rows(event: Event, meetings: Sequence[Meeting]) -> list[exports.MeetingRow]:
    return [exports.MeetingRow(
        id=m.id, slot=m.slot, table=m.table_number,
        starts_at=m.starts_at.replace(tzinfo=UTC), ends_at=m.ends_at.replace(tzinfo=UTC),
        event=event.name, challenge=m.pair.challenge.title, company=m.pair.company.name,
        owner=owner_label(m.pair.challenge), venue=event.venue, confirmed=m.confirmed,
    ) for m in meetings]


def _slug(text: str) -> str:
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in cleaned.split("-") if part)[:40] or "event"


def build_export(session: Session, event: Event, kind: str, fmt: str, actor: User | None, *,
                 company_id: int | None = None, unit: str | None = None,
                 via: str = "web") -> ExportFile:
    """Build one export of ``event`` and write the ``export`` audit row.

    The caller has checked access. Kinds and formats: ``matches`` (csv, xlsx), ``schedule``
    (xlsx) and ``calendar`` (ics; the whole event, or one company's or one unit's meetings).

    Args:
        session: Database session.
        event: The event.
        kind: ``matches``, ``schedule`` or ``calendar``.
        fmt: ``csv``, ``xlsx`` or ``ics``.
        actor: Who exports (stamped and audited; ``None`` from the CLI without --actor).
        company_id: Calendar of this company's meetings only.
        unit: Calendar of this unit's (challenge owner's) meetings only.
        via: ``web``, ``api`` or ``cli`` (recorded in the audit details).

    Raises:
        EventError: An unknown kind/format combination.
    """
    # Headers and labels follow the exporting user's language (the API's is English).
    locale = current_locale() if has_request_context() else recipient_locale(actor)
    with force_locale(locale):
        result = _build_export(session, event, kind, fmt, actor, company_id, unit)
    audit.record(session, "export", actor=actor, target=event, details={
        "kind": kind, "format": fmt, "rows": result.rows, "via": via,
        **({"company_id": company_id} if company_id is not None else {}),
        **({"unit": unit} if unit is not None else {})})
    return result


def _build_export(session: Session, event: Event, kind: str, fmt: str, actor: User | None,
                  company_id: int | None, unit: str | None) -> ExportFile:
    base = f"event-{event.id}-{_slug(event.name)}"
    if kind == "matches" and fmt in ("csv", "xlsx"):
        rows = match_rows(session, event)
        stamp = export_stamp(session, event, actor,
                             gettext("Match list: %(event)s", event=event.name))
        if fmt == "csv":
            data, mimetype = exports.matches_csv(rows, stamp, gettext), exports.CSV_MIMETYPE
        else:
            data, mimetype = exports.matches_xlsx(rows, stamp, gettext), exports.XLSX_MIMETYPE
        result = ExportFile(data, f"{base}-matches.{fmt}", mimetype, len(rows))
    elif kind == "schedule" and fmt == "xlsx":
        meetings = meeting_rows(event, event_meetings(session, event))
        stamp = export_stamp(session, event, actor,
                             gettext("Meeting schedule: %(event)s", event=event.name))
        result = ExportFile(exports.schedule_xlsx(meetings, stamp, tables=event.tables,
                                                  translate=gettext),
                            f"{base}-schedule.xlsx", exports.XLSX_MIMETYPE, len(meetings))
    elif kind == "calendar" and fmt == "ics":
        meetings = meeting_rows(event, event_meetings(session, event, company_id=company_id,
                                                      unit=unit, viewer=actor))
        who = ""
        if company_id is not None:
            company = session.get(Company, company_id)
            who = f" - {company.name}" if company else ""
        elif unit is not None:
            who = f" - {unit}"
        stamp = export_stamp(session, event, actor, f"Meetings: {event.name}{who}")
        suffix = f"-company-{company_id}" if company_id is not None else (
            "-owner" if unit is not None else "")
        result = ExportFile(exports.meetings_ics(meetings, stamp, name=f"{event.name}{who}"),
                            f"{base}{suffix}.ics", exports.ICS_MIMETYPE, len(meetings))
    else:
        raise EventError(f"No {fmt} export of {kind}.")
    return result


def calendar_scope(session: Session, user: User, event: Event, company_arg: str | None,
                   owner_arg: str | None) -> dict:
    """Which calendar ``user`` may download: keyword arguments for :func:`build_export`.

    Organisers of the event (and admins) get any participant's calendar or the whole event;
    a company user only their company's; a challenge owner only their unit's. Anything else
    is 403 (404 for an unknown company).
    """
    manage = can_manage_event(user, event)
    if company_arg:
        if not company_arg.isdigit() or int(company_arg) > MAX_ID:
            abort(404)
        company_id = int(company_arg)
        own = user_company(user)
        if not manage and (own is None or own.id != company_id):
            abort(403)
        if session.get(Company, company_id) is None:
            abort(404)
        return {"company_id": company_id}
    if owner_arg:
        if user.role == Role.MILITARY and user.unit and owner_arg in ("me", user.unit):
            return {"unit": user.unit}
        if manage:
            return {"unit": owner_arg}
        abort(403)
    if manage:
        return {}
    own = user_company(user)
    if own is not None:
        return {"company_id": own.id}
    if user.role == Role.MILITARY and user.unit and user.is_approved:
        return {"unit": user.unit}
    abort(403)


# Demo -----------------------------------------------------------------------------------------

DEMO_EVENT_NAME = "Trøndelag defence innovation day"


def seed_demo_event(session: Session) -> Event | None:
    """Create the demo event once (idempotent): an upcoming event by ``organiser@demo.test`` in
    Trøndelag with up to four open challenges, registrations, accepted pairs and a schedule.

    Returns:
        The event (existing or new), or None when the demo organiser does not exist.
    """
    organiser = session.scalar(select(User).where(User.email == "organiser@demo.test"))
    if organiser is None:
        return None
    existing = session.scalar(select(Event).where(
        Event.organiser_id == organiser.id, Event.name == DEMO_EVENT_NAME))
    if existing is not None:
        return existing
    event = Event(organiser_id=organiser.id, name=DEMO_EVENT_NAME, county="Trøndelag",
                  venue="Ørland main air station, Brekstad",
                  description=("Meet the owners of open capability challenges from the region's "
                               "units in short 1:1 meetings. Companies and research institutes "
                               "from Trøndelag get a regional boost in the matchmaking."),
                  date=date.today() + timedelta(days=30), start_time=time(9, 0),
                  end_time=time(12, 0), meeting_minutes=20, tables=6, regional_boost=0.1,
                  status=EventStatus.OPEN)
    session.add(event)
    session.flush()
    challenges = session.scalars(
        select(Challenge).where(Challenge.status == ChallengeStatus.OPEN,
                                Challenge.visibility != "vetted")
        .order_by(Challenge.id).limit(4)).all()
    for challenge in challenges:
        session.add(EventChallenge(event_id=event.id, challenge_id=challenge.id))
    session.flush()
    session.refresh(event)
    companies = session.scalars(select(Company).order_by(
        (Company.county == "Trøndelag").desc(), Company.id).limit(8)).all()
    for company in companies:
        session.add(EventRegistration(event_id=event.id, company_id=company.id,
                                      status=RegistrationStatus.REGISTERED))
    for n, company in enumerate(companies):
        for challenge in challenges[n % 2::2][:2] if challenges else []:
            session.add(EventPair(event_id=event.id, challenge_id=challenge.id,
                                  company_id=company.id, state=PairState.ACCEPTED,
                                  origin=ORIGIN_MATCHMAKING, score=round(0.9 - 0.05 * n, 3),
                                  components=json.dumps({"components": {"event_region": 1.0}
                                                         if company.county == "Trøndelag"
                                                         else {}})))
    session.flush()
    if challenges and companies:
        schedule_event(session, event, organiser)
    audit.record(session, "event_demo_seed", actor=organiser, target=event)
    return event

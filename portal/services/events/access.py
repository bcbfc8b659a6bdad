"""Who may see, organise and take part in an event; loaders that refuse the rest."""

from __future__ import annotations

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portal.models import (
    Challenge,
    Company,
    Event,
    EventChallenge,
    EventPair,
    EventRegistration,
    User,
)
from portal.models.enums import (
    EventStatus,
    RegistrationStatus,
    Role,
)
from portal.services.errors import Forbidden, NotFound


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
        raise NotFound()
    if manage:
        if can_manage_event(user, event):
            return event
        visible = session.scalar(
            select(Event.id).where(Event.id == event_id, event_visibility_clause(user)))
        raise Forbidden() if visible else NotFound()
    if can_manage_event(user, event):
        return event
    if session.scalar(select(Event.id).where(Event.id == event_id,
                                             event_visibility_clause(user))) is None:
        raise NotFound()
    return event


def get_pair(session: Session, event: Event, pair_id: int) -> EventPair:
    pair = session.get(EventPair, pair_id)
    if pair is None or pair.event_id != event.id:
        raise NotFound()
    return pair

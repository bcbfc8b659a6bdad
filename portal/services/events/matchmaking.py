"""Matchmaking (proposed company-challenge pairs, with the regional boost), the organiser's
review of pairs, and invitations with their answers."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale, format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.i18n import recipient_locale
from portal.models import (
    Challenge,
    Company,
    Event,
    EventPair,
    EventRegistration,
    User,
)
from portal.models.enums import (
    AccountStatus,
    EventStatus,
    PairState,
    RegistrationStatus,
    Role,
    label,
)
from portal.services import audit, mail
from portal.services.access import can_see_challenge
from portal.services.errors import Invalid, NotFound
from portal.services.events.access import user_company
from portal.services.events.lifecycle import registration_of
from portal.services.events.rules import (
    DEFAULT_MIN_FIT,
    DEFAULT_TOP_N,
    INVITABLE_STATES,
    MAX_TOP_N,
    ORIGIN_MATCHMAKING,
    EventError,
)
from portal.services.matching import MatchItem, rank_companies
from portal.services.notifications import notify

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


def _explanation(item: MatchItem) -> str:
    return json.dumps({
        "fit": round(float(item.fit), 4),
        "boost": round(float(item.boost), 4),
        "components": {k: round(float(v), 4) for k, v in item.components.items()},
        "weights": {k: round(float(v), 4) for k, v in item.weights.items()},
        "shared_areas": [area.name for area in item.shared_areas],
        "top_terms": list(item.top_terms),
    }, sort_keys=True)


def explanation(pair: EventPair) -> dict[str, Any]:
    """The stored explanation of a pair: components, weights, shared areas, top terms."""
    try:
        data: dict[str, Any] = json.loads(pair.components or "{}")
    except ValueError:
        data = {}
    data.setdefault("components", {})
    data.setdefault("shared_areas", [])
    data.setdefault("top_terms", [])
    return data


def run_matchmaking(session: Session, event: Event, actor: User, *,
                    top_n: int = DEFAULT_TOP_N,
                    min_fit: float = DEFAULT_MIN_FIT) -> MatchmakingSummary:
    """Propose the best companies for each attached challenge.

    Companies that may not see a challenge are masked by the matching bridge before ranking.
    Only companies whose fit, before any boost, is at least ``min_fit`` are proposed; among
    them, companies in the event's county get the event's regional boost (component
    ``event_region``), which orders fitting pairs and never creates one. Pairs the organiser
    or a company already decided (locked, removed, invited, requested, accepted, declined)
    are kept as they are; proposed pairs that fell out of the top ``top_n`` are deleted.
    """
    if not 1 <= top_n <= MAX_TOP_N:
        raise EventError(_l("Choose between 1 and %(max)d companies per challenge.", max=MAX_TOP_N))
    if not 0.0 <= min_fit <= 1.0:
        raise EventError(_l("Choose a minimum fit between 0 and 100."))
    event.matchmaking_top_n = top_n
    summary = MatchmakingSummary()
    existing = {(p.challenge_id, p.company_id): p for p in session.scalars(
        select(EventPair).where(EventPair.event_id == event.id))}
    fresh: set[tuple[int, int]] = set()
    for link in event.event_challenges:
        summary.challenges += 1
        ranked = rank_companies(session, actor, link.challenge, top_k=top_n,
                                boost_county=event.county, boost=float(event.regional_boost or 0),
                                min_fit=min_fit)
        summary.model, summary.weights_version = ranked.model_id, ranked.weights_version
        for item in ranked.items:
            if item.company is None:  # rankings of companies always carry the company row
                continue
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
        "top_n": top_n, "min_fit": min_fit, "created": summary.created, "updated": summary.updated,
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
        raise Invalid(f"Unknown action on a pair: {action!r}.")
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


def company_recipients(company: Company) -> tuple[list[User], list[str]]:
    users = [u for u in company.users
             if u.role == Role.SME and u.status == AccountStatus.ACTIVE]
    emails = [u.email for u in users if u.email_verified_at is not None]
    if not users and company.contact_email:
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


def invitable_pairs(session: Session, event: Event) -> list[EventPair]:
    """The locked and proposed pairs that "Send invitations" would invite, by challenge."""
    return list(session.scalars(select(EventPair).where(
        EventPair.event_id == event.id, EventPair.state.in_(INVITABLE_STATES))
        .options(selectinload(EventPair.company), selectinload(EventPair.challenge))
        .order_by(EventPair.challenge_id, EventPair.score.desc(), EventPair.id)))


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
    pairs = invitable_pairs(session, event)
    summary = InvitationSummary(pairs=len(pairs))
    per_company: dict[int, list[EventPair]] = defaultdict(list)
    for pair in pairs:
        pair.state = PairState.INVITED
        per_company[pair.company_id].append(pair)
    messages = []
    for company_pairs in per_company.values():
        company = company_pairs[0].company
        titles = sorted(p.challenge.title for p in company_pairs)
        users, emails = company_recipients(company)
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
        raise NotFound()
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

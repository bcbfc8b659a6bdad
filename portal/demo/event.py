"""The demo event: an upcoming regional event with registrations, accepted pairs and a
schedule, made from the demo accounts and challenges (``flask seed-demo``)."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Challenge,
    Event,
    EventChallenge,
    EventPair,
    EventRegistration,
    User,
)
from portal.models.enums import ChallengeStatus, EventStatus, PairState, RegistrationStatus
from portal.services import audit
from portal.services.events import run_matchmaking, schedule_event

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
    # The pairs are what matchmaking proposes (real fits, the regional boost only ordering
    # them), taken as invited and accepted so the event has a schedule to show.
    run_matchmaking(session, event, organiser, top_n=3)
    pairs = session.scalars(select(EventPair).where(EventPair.event_id == event.id)).all()
    companies = {pair.company_id for pair in pairs}
    for company_id in sorted(companies):
        session.add(EventRegistration(event_id=event.id, company_id=company_id,
                                      status=RegistrationStatus.REGISTERED))
    for pair in pairs:
        pair.state = PairState.ACCEPTED
    session.flush()
    if challenges and companies:
        schedule_event(session, event, organiser)
    audit.record(session, "event_demo_seed", actor=organiser, target=event)
    return event

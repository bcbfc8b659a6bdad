"""The demo event: an upcoming regional event with registrations, accepted pairs and a
schedule, made from the demo accounts and challenges (``flask seed-demo``)."""

from __future__ import annotations

import json
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Challenge,
    Company,
    Event,
    EventChallenge,
    EventPair,
    EventRegistration,
    User,
)
from portal.models.enums import ChallengeStatus, EventStatus, PairState, RegistrationStatus
from portal.services import audit
from portal.services.events import ORIGIN_MATCHMAKING, schedule_event

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

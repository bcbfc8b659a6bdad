"""The organiser dashboard: where companies are (county x technology area), which challenges
lack a good match (gaps to recruit for), and each event's funnel."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from portal.models import (
    Area,
    Challenge,
    Company,
    Event,
    EventPair,
    EventRegistration,
    Meeting,
    User,
    company_areas,
)
from portal.models.enums import COUNTIES, ChallengeStatus, RegistrationStatus, Role
from portal.services.access import visible_challenges
from portal.services.events import EVER_INVITED, RELEVANT_OUTCOMES, event_visibility_clause

# A challenge is a gap while no company reaches a "good" fit (docs/matching.md).
DEFAULT_GAP_THRESHOLD = 0.5
MAX_GAP_CHALLENGES = 60
UNKNOWN_COUNTY = "Unknown"


@dataclass
class HeatTable:
    counties: list[str]
    areas: list[Area]
    counts: dict[tuple[int, str], int]
    area_totals: dict[int, int]
    county_totals: dict[str, int]
    maximum: int

    def count(self, area: Area, county: str) -> int:
        return self.counts.get((area.id, county), 0)

    def level(self, area: Area, county: str) -> int:
        """Heat class 0..5, relative to the fullest cell."""
        value = self.count(area, county)
        if value == 0 or self.maximum == 0:
            return 0
        return max(1, min(5, math.ceil(5 * value / self.maximum)))


def county_area_heat(session: Session) -> HeatTable:
    """Companies (and research institutes) per technology area and county, from the areas
    the profiles list."""
    county = func.coalesce(Company.county, UNKNOWN_COUNTY)
    rows = session.execute(
        select(company_areas.c.area_id, county, func.count(distinct(Company.id)))
        .join(Company, Company.id == company_areas.c.company_id)
        .group_by(company_areas.c.area_id, county)).tuples().all()
    counts = {(area_id, name): n for area_id, name, n in rows}
    areas = list(session.scalars(select(Area).order_by(Area.kind.desc(), Area.position)))
    counties = list(COUNTIES)
    extra = sorted({name for _, name in counts} - set(counties))
    counties += extra
    return HeatTable(
        counties=counties, areas=areas, counts=counts,
        area_totals={a.id: sum(n for (aid, _), n in counts.items() if aid == a.id)
                     for a in areas},
        county_totals={c: sum(n for (_, name), n in counts.items() if name == c)
                       for c in counties},
        maximum=max(counts.values(), default=0),
    )


@dataclass
class Gap:
    challenge: Challenge
    best_score: float | None
    best_company: Company | None
    candidates: int


def coverage_gaps(session: Session, viewer: User, *, threshold: float = DEFAULT_GAP_THRESHOLD,
                  limit: int = MAX_GAP_CHALLENGES) -> list[Gap]:
    """Open challenges ``viewer`` may see whose best match scores below ``threshold``.

    The bridge masks companies that may not see each challenge before ranking, so a vetted-only
    challenge counts only verified companies.
    """
    from portal.services.matching import best_companies

    challenges = session.scalars(
        visible_challenges(viewer).where(Challenge.status == ChallengeStatus.OPEN)
        .order_by(Challenge.created_at.desc(), Challenge.id.desc()).limit(limit)).all()
    # One scoring pass per challenge and one query for all best companies (not a full,
    # explained ranking and two queries per challenge).
    best = best_companies(session, challenges)
    gaps = []
    for challenge in challenges:
        score, company, candidates = best[challenge.id]
        if company is None or score is None or score < threshold:
            gaps.append(Gap(challenge=challenge, best_score=score if company else None,
                            best_company=company, candidates=candidates))
    gaps.sort(key=lambda g: (g.best_score if g.best_score is not None else -1.0))
    return gaps


@dataclass
class Funnel:
    event: Event
    stages: list[tuple[str, int]] = field(default_factory=list)

    @property
    def maximum(self) -> int:
        return max((n for _, n in self.stages), default=0)


def event_funnels(session: Session, viewer: User) -> list[Funnel]:
    """Invited -> registered -> meetings -> follow-ups for each event ``viewer`` manages
    (admins: all events)."""
    statement = select(Event).where(event_visibility_clause(viewer))
    if viewer.role != Role.ADMIN:
        statement = statement.where(Event.organiser_id == viewer.id)
    events = session.scalars(statement.order_by(Event.date.desc(), Event.id.desc())).all()
    funnels = []
    for event in events:
        invited = session.scalar(select(func.count(distinct(EventPair.company_id))).where(
            EventPair.event_id == event.id, EventPair.state.in_(EVER_INVITED))) or 0
        registered = session.scalar(select(func.count(EventRegistration.id)).where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == RegistrationStatus.REGISTERED)) or 0
        meetings = session.scalar(select(func.count(Meeting.id)).where(
            Meeting.event_id == event.id)) or 0
        follow_ups = session.scalar(select(func.count(Meeting.id)).where(
            Meeting.event_id == event.id,
            Meeting.company_outcome.in_(RELEVANT_OUTCOMES)
            | Meeting.owner_outcome.in_(RELEVANT_OUTCOMES))) or 0
        funnels.append(Funnel(event=event, stages=[
            (_l("Invited"), invited), (_l("Registered"), registered), (_l("Meetings"), meetings),
            (_l("Follow-ups"), follow_ups)]))
    return funnels

"""Team suggestions: two or three complementary companies when no single one covers a challenge.

Candidates are the top ranked, *masked* companies from :func:`.ranking.rank_companies`, so a
team never contains a company that may not see the challenge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Area, Challenge, Company, User
from portal.services.matching.areas import COVERAGE_WELL, area_coverage, challenge_area_slugs
from portal.services.matching.ranking import MatchItem, MatchList, rank_companies

DEFAULT_CANDIDATES = 10
MAX_TEAMS = 3


@dataclass
class TeamMember:
    """One company in a team, with the needed areas it covers well."""

    company: Company
    score: float
    covers: list[Area] = field(default_factory=list)


@dataclass
class Team:
    """A proposed team, its coverage of the challenge's areas and a one-line reason."""

    members: list[TeamMember]
    covered: list[Area]
    missing: list[Area]
    coverage: float
    mean_score: float
    why: str


@dataclass
class TeamSuggestions:
    """What the matches page shows: the needed areas, whether one company suffices, teams."""

    needed: list[Area] = field(default_factory=list)
    single_company: Company | None = None
    teams: list[Team] = field(default_factory=list)


def _why(members: list[TeamMember]) -> str:
    parts = []
    for member in members:
        names = ", ".join(a.name for a in member.covers) or "related areas"
        parts.append(f"{member.company.name} covers {names}")
    return "; ".join(parts) + "."


def suggest_teams(
    session: Session,
    viewer: User | None,
    challenge: Challenge,
    *,
    matches: MatchList | None = None,
    candidates: int = DEFAULT_CANDIDATES,
    threshold: float = COVERAGE_WELL,
    max_teams: int = MAX_TEAMS,
) -> TeamSuggestions:
    """Propose up to ``max_teams`` teams of two or three companies covering the challenge.

    The needed areas are the challenge's explicit areas (or, without any, the strongest areas
    inferred from its text). A company covers an area "well" at coverage >= ``threshold``
    (see :func:`.areas.area_coverage`). When a single candidate covers every
    needed area well, no team is proposed. Teams are ranked by coverage, then by mean match
    score; every member must cover an area no other member covers, so nobody is a passenger.

    Args:
        session: Database session.
        viewer: The user asking (the caller has checked ``can_see_matches``).
        challenge: The challenge.
        matches: A ranking already computed for the page (its top ``candidates`` are used);
            ``None`` ranks here (unfiltered, masked by the challenge's visibility).
        candidates: How many top ranked companies are combined.
        threshold: Coverage at which an area counts as covered well.
        max_teams: Most teams returned.

    Returns:
        The needed areas, the single company that covers them all (if any), and the teams.
    """
    needed_slugs = challenge_area_slugs(session, challenge)
    result = TeamSuggestions()
    if not needed_slugs:
        return result
    areas = {a.slug: a for a in session.scalars(select(Area).where(Area.slug.in_(needed_slugs)))}
    needed_slugs = [s for s in needed_slugs if s in areas]
    result.needed = [areas[s] for s in needed_slugs]
    if matches is None:
        matches = rank_companies(session, viewer, challenge, top_k=candidates)
    pool: list[tuple[MatchItem, Company]] = [
        (m, m.company) for m in matches.items if m.company is not None][:candidates]
    if not pool or len(needed_slugs) < 2:
        return result

    covered_by: dict[int, set[str]] = {}
    for _item, company in pool:
        coverage = area_coverage(session, company, needed_slugs)
        covered_by[company.id] = {s for s, v in coverage.items() if v >= threshold}
    everything = set(needed_slugs)
    for _item, company in pool:
        if covered_by[company.id] >= everything:
            result.single_company = company
            return result

    best_single = max(len(covered_by[company.id]) for _, company in pool)
    scored: list[tuple[tuple[int, float, list[int]], list[tuple[MatchItem, Company]],
                       set[str]]] = []
    for size in (2, 3):
        for group in combinations(pool, size):
            sets = [covered_by[company.id] for _, company in group]
            union = set().union(*sets)
            if len(union) <= best_single:
                continue
            # Each member must bring something the others do not.
            if any(not (s - set().union(*(o for o in sets if o is not s))) for s in sets):
                continue
            mean = sum(i.score for i, _ in group) / size
            key = (-len(union), -mean, [i.rank for i, _ in group])
            scored.append((key, list(group), union))
    scored.sort(key=lambda entry: entry[0])

    for _key, chosen, union in scored[:max_teams]:
        members = [
            TeamMember(
                company=company, score=i.score,
                covers=[areas[s] for s in needed_slugs if s in covered_by[company.id]],
            )
            for i, company in chosen
        ]
        result.teams.append(Team(
            members=members,
            covered=[areas[s] for s in needed_slugs if s in union],
            missing=[areas[s] for s in needed_slugs if s not in union],
            coverage=len(union) / len(needed_slugs),
            mean_score=sum(m.score for m in members) / len(members),
            why=_why(members),
        ))
    return result

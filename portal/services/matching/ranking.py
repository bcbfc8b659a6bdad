"""Visibility masks and explained rankings: companies for a challenge, challenges for a company.

Visibility is applied as a mask *before* ranking, so a company that may not see a challenge (or
a challenge a user may not see) is never scored, returned or counted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

import matching
from portal.models import Area, Challenge, Company, User
from portal.models.enums import ChallengeStatus
from portal.services.access import challenge_visibility_clause, company_clause_for_challenge
from portal.services.matching.documents import DEFAULT_VERSION
from portal.services.matching.engine import (
    MASK_MEMO_LIMIT,
    RANKING_MEMO_LIMIT,
    Index,
    get_engine,
    model_label,
    reading,
)
from portal.services.matching.freshness import request_fingerprint
from portal.services.matching.store import IN_CHUNK

COMPONENT_NAMES: tuple[str, ...] = tuple(matching.COMPONENTS)


@dataclass
class MatchItem:
    """One ranked row with its explanation.

    ``score`` is what a person reads: the pair's fit (absolute, calibrated; see
    :mod:`matching.calibration`) plus any boost; ``components`` is the evidence behind the fit,
    each in [0, 1]. ``ranking_score`` and ``weights`` are the blend that ordered the list
    (relative to the candidates; shown to staff as details). Exactly one of ``company``
    (ranking companies for a challenge) and ``challenge`` (ranking challenges for a company)
    is set.
    """

    score: float
    components: dict[str, float]
    weights: dict[str, float]
    shared_areas: list[Area]
    top_terms: list[str]
    best_passages: dict[str, Any]
    notes: list[str]
    rank: int
    company: Company | None = None
    challenge: Challenge | None = None
    # Sides ("challenge", "company") whose shared areas were inferred from the text.
    areas_inferred: list[str] = field(default_factory=list)
    # The fit before an event's regional boost, and the boost added to it (0 without one).
    fit: float = 0.0
    boost: float = 0.0
    ranking_score: float = 0.0

    @property
    def band(self) -> str:
        """The range the shown score falls in (``strong``, ``good``, ``possible``, ``weak``)."""
        return fit_band(self.score)


@dataclass
class MatchList:
    """Ranked matches and the model and weights that produced them.

    ``candidates`` counts only rows the viewer was allowed to have ranked (masked rows are
    never counted).
    """

    items: list[MatchItem] = field(default_factory=list)
    model_id: str = ""
    weights_version: str = DEFAULT_VERSION
    candidates: int = 0



def fit_band(score: float) -> str:
    """The range a shown score falls in: ``strong``, ``good``, ``possible`` or ``weak``."""
    return matching.band(score)


def _ids(session: Session, statement: Select[tuple[int]]) -> set[int]:
    return set(session.scalars(statement))


def allowed_company_ids(
    session: Session,
    challenge: Challenge,
    *,
    county: str | None = None,
    min_trl: int | None = None,
    vetted_only: bool = False,
) -> set[int]:
    """Ids of the companies that may see ``challenge`` and pass the filters (in SQL)."""
    statement = select(Company.id).where(company_clause_for_challenge(challenge))
    if county:
        statement = statement.where(Company.county == county)
    if min_trl is not None:
        statement = statement.where(Company.trl >= min_trl)
    if vetted_only:
        statement = statement.where(Company.clearance_verified.is_(True))
    return _ids(session, statement)


def allowed_challenge_ids(session: Session, viewer: User | None, company: Company) -> set[int]:
    """Open challenges the viewer may see and that may be shown to ``company`` (in SQL)."""
    statement = select(Challenge.id).where(
        challenge_visibility_clause(viewer), Challenge.status == ChallengeStatus.OPEN
    )
    ids = _ids(session, statement)
    if not company.clearance_verified:
        # The company side of the rule: a vetted-only challenge is never scored for it, even
        # when the viewer (an organiser, say) may see the challenge.
        ids -= _ids(session, select(Challenge.id).where(Challenge.visibility == "vetted"))
    return ids


def _mask(ids: Sequence[int], allowed: Set[int]) -> np.ndarray:
    return np.fromiter((i in allowed for i in ids), dtype=bool, count=len(ids))


def _company_mask(
    session: Session,
    index: Index,
    challenge: Challenge,
    *,
    county: str | None = None,
    min_trl: int | None = None,
    vetted_only: bool = False,
) -> tuple[np.ndarray, frozenset[int]]:
    """The mask over ``index.company_ids`` of the companies that may see ``challenge`` and
    pass the filters, and their ids.

    Which companies pass depends only on the challenge's visibility, the filters and company
    columns covered by the index's fingerprint, so it is remembered per index. A remembered
    mask is used only while the index matches the database (never from a stale index that
    another thread is replacing). The vetted-only rule is a security rule, so it is always
    evaluated in SQL (a revoked clearance counts at once); it selects few companies.
    """
    key = (challenge.visibility == "vetted", county, min_trl, bool(vetted_only))
    current = not key[0] and index.fingerprint == request_fingerprint(session)
    if current and key in index.masks:
        return index.masks[key]
    allowed = frozenset(allowed_company_ids(
        session, challenge, county=county, min_trl=min_trl, vetted_only=vetted_only))
    value = (_mask(index.company_ids, allowed), allowed)
    if current:
        index.remember(index.masks, key, value, limit=MASK_MEMO_LIMIT)
    return value


def _area_rows(session: Session, matches: Sequence[matching.Match]) -> dict[str, Area]:
    """The shared areas of all ``matches`` in one query (not one per match)."""
    slugs = sorted({slug for m in matches for slug in m.shared_areas})
    if not slugs:
        return {}
    return {a.slug: a for a in session.scalars(select(Area).where(Area.slug.in_(slugs)))}


def _item(session: Session, match: matching.Match, rank: int, *,
          areas: Mapping[str, Area] | None = None, **row: Any) -> MatchItem:
    if areas is None:
        areas = _area_rows(session, [match])
    return MatchItem(
        score=float(min(1.0, match.fit + match.boost)),
        components={k: float(v) for k, v in match.evidence.items()},
        weights={k: float(v) for k, v in match.weights.items()},
        shared_areas=[areas[slug] for slug in match.shared_areas if slug in areas],
        top_terms=list(match.top_shared_terms),
        best_passages=dict(match.best_passages),
        notes=list(match.notes),
        rank=rank,
        areas_inferred=list(match.areas_inferred),
        fit=float(match.fit),
        boost=float(match.boost),
        ranking_score=float(match.score),
        **row,
    )


def rank_companies(
    session: Session,
    viewer: User | None,
    challenge: Challenge,
    *,
    top_k: int = 20,
    county: str | None = None,
    min_trl: int | None = None,
    vetted_only: bool = False,
    boost_county: str | None = None,
    boost: float = 0.0,
    min_fit: float = 0.0,
) -> MatchList:
    """Rank companies for a challenge, explained; masked before ranking.

    Only companies that may see the challenge (vetted-only challenges: verified companies) and
    that pass the filters are scored. The caller checks that ``viewer`` may see matches.

    Args:
        session: Database session.
        viewer: The user asking (kept for audit and future per-viewer rules).
        challenge: The challenge to rank companies for.
        top_k: Number of matches returned.
        county: Only companies in this county.
        min_trl: Only companies at this TRL or higher.
        vetted_only: Only companies with verified security clearance.
        boost_county: Companies in this county get ``boost`` added (event matchmaking); shown
            as the component ``event_region``; the score is clipped to [0, 1].
        boost: The regional boost.
        min_fit: Only companies whose fit before any boost is at least this: the boost may
            order companies that fit, never bring in one that does not.

    Returns:
        A :class:`MatchList` of companies, best first.
    """
    with reading(session):  # explanations read company texts through this session
        engine = get_engine()
        index = engine.index(session)
        result = MatchList(model_id=model_label(engine.encoder),
                           weights_version=index.weights_version)
        if index.matcher is None or challenge.id not in index.challenge_pos:
            return result
        mask, allowed = _company_mask(
            session, index, challenge, county=county, min_trl=min_trl, vetted_only=vetted_only
        )
        result.candidates = int(mask.sum())
        if not result.candidates or top_k <= 0:
            return result
        m = index.matcher
        key = str(challenge.id)
        boosting = bool(boost_county) and boost > 0
        if not boosting:
            # The explained ranking depends only on the index, the challenge and the filters:
            # remembered while the index is current (vetted-only challenges are always ranked
            # afresh, as their mask is).
            memo_key = ("companies", challenge.id, county, min_trl, bool(vetted_only), top_k,
                        min_fit)
            cacheable = (challenge.visibility != "vetted"
                         and index.fingerprint == request_fingerprint(session))
            matches = index.rankings.get(memo_key) if cacheable else None
            if matches is None:
                matches = m.rank_companies(key, top_k=top_k, mask=mask, min_fit=min_fit)
                if cacheable:
                    index.remember(index.rankings, memo_key, matches, limit=RANKING_MEMO_LIMIT)
        else:
            # One pass in the matcher: fits, the boost and the threshold together.
            matches = m.rank_companies(key, top_k=top_k, mask=mask, min_fit=min_fit,
                                       boost=_region_boost(session, index, mask, boost_county,
                                                           boost))
        companies = _rows_by_id(session, Company, [int(x.company_id) for x in matches])
        areas = _area_rows(session, matches)
        for rank, match in enumerate(matches, start=1):
            company = companies.get(int(match.company_id))
            if company is None or company.id not in allowed:
                continue
            result.items.append(_item(session, match, rank, company=company, areas=areas))
        return result


def best_companies(
    session: Session, challenges: Sequence[Challenge]
) -> dict[int, tuple[float | None, Company | None, int]]:
    """The best fitting allowed company of each challenge, without explanations (dashboards).

    Masked exactly as :func:`rank_companies` (unfiltered); the best companies are loaded in
    one query for all challenges.

    Returns:
        ``{challenge_id: (best fit or None, best company or None, candidates)}``.
    """
    index = get_engine().index(session)
    found: dict[int, tuple[float | None, int | None, int]] = {}
    for challenge in challenges:
        found[challenge.id] = (None, None, 0)
        if index.matcher is None or challenge.id not in index.challenge_pos:
            continue
        mask, _ = _company_mask(session, index, challenge)
        positions = np.flatnonzero(mask)
        if not len(positions):
            continue
        scores = index.matcher.fit_companies(str(challenge.id), mask=mask)[0]
        best = int(np.argmax(scores))
        found[challenge.id] = (float(scores[best]), index.company_ids[positions[best]],
                               len(positions))
    companies = _rows_by_id(session, Company, [cid for _, cid, _ in found.values() if cid])
    return {ch: (score, companies.get(cid) if cid else None, n)
            for ch, (score, cid, n) in found.items()}


def _region_boost(session: Session, index: Index, mask: np.ndarray, county: str | None,
                  boost: float) -> np.ndarray:
    """``boost`` for the allowed companies in ``county``, 0 for every other (over the index)."""
    added = np.zeros(len(index.company_ids))
    positions = np.flatnonzero(mask)
    counties = _company_counties(session, [index.company_ids[p] for p in positions])
    for p in positions:
        if counties.get(index.company_ids[p]) == county:
            added[p] = boost
    return added


def _company_counties(session: Session, ids: list[int]) -> dict[int, str | None]:
    out: dict[int, str | None] = {}
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start : start + IN_CHUNK]
        out.update(session.execute(
            select(Company.id, Company.county).where(Company.id.in_(chunk))
        ).tuples().all())
    return out


def _rows_by_id(session: Session, model: type[Company] | type[Challenge],
                ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    statement: Select[Any] = (select(model).where(model.id.in_(ids))
                              .options(selectinload(model.areas)))
    return {row.id: row for row in session.scalars(statement)}


def rank_challenges(
    session: Session, viewer: User | None, company: Company, *, top_k: int = 20
) -> MatchList:
    """Recommend open challenges for a company, explained; masked before ranking.

    Only open challenges that ``viewer`` may see (evaluated in SQL) and that may be shown to
    ``company`` are scored: an unvetted company never gets a vetted-only challenge.

    Args:
        session: Database session.
        viewer: The user asking (an SME user of ``company``, or an organiser/admin).
        company: The company to recommend challenges for.
        top_k: Number of matches returned.

    Returns:
        A :class:`MatchList` of challenges, best first.
    """
    with reading(session):  # explanations read company texts through this session
        engine = get_engine()
        index = engine.index(session)
        result = MatchList(model_id=model_label(engine.encoder),
                           weights_version=index.weights_version)
        allowed = allowed_challenge_ids(session, viewer, company)
        if index.matcher is None or company.id not in index.company_pos:
            return result
        mask = _mask(index.challenge_ids, allowed)
        result.candidates = int(mask.sum())
        if not result.candidates or top_k <= 0:
            return result
        # Remembered per index, company and exact set of allowed challenges (viewer and vetting).
        allowed_digest = hashlib.sha256(
            np.array(sorted(allowed), dtype=np.int64).tobytes()).hexdigest()
        memo_key = ("challenges", company.id, allowed_digest, top_k)
        cacheable = index.fingerprint == request_fingerprint(session)
        matches = index.rankings.get(memo_key) if cacheable else None
        if matches is None:
            matches = index.matcher.rank_challenges(str(company.id), top_k=top_k, mask=mask)
            if cacheable:
                index.remember(index.rankings, memo_key, matches, limit=RANKING_MEMO_LIMIT)
        challenges = _rows_by_id(session, Challenge, [int(x.challenge_id) for x in matches])
        areas = _area_rows(session, matches)
        for rank, match in enumerate(matches, start=1):
            challenge = challenges.get(int(match.challenge_id))
            if challenge is None or challenge.id not in allowed:
                continue
            result.items.append(_item(session, match, rank, challenge=challenge, areas=areas))
        return result

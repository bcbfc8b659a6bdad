"""Technology areas from text: suggestions for a profile, and how well a company covers the
areas a challenge needs (team suggestions)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

import matching
from matching.matcher import challenge_text
from matching.taxonomy import CROSSWALK_CREDIT
from portal.models import Area, Challenge, Company, User
from portal.services import audit
from portal.services.matching.documents import challenge_document
from portal.services.matching.engine import Index, get_engine

# An area counts as covered "well" by a company at or above this coverage (explicit = 1.0,
# crosswalk only = 0.5, inferred = strength relative to the company's strongest area).
COVERAGE_WELL = 0.6


def suggest_areas(session: Session, text: str, top_k: int = 5) -> list[tuple[Area, float]]:
    """Technology areas a text is most likely about, with scores in [0, 1], best first."""
    if not (text or "").strip():
        return []
    index = get_engine().index(session)
    suggestions = _area_scores(index, text)[:top_k]
    rows = {a.slug: a for a in session.scalars(select(Area))}
    return [(rows[slug], float(score)) for slug, score in suggestions if slug in rows]


def _area_scores(index: Index, text: str) -> list[tuple[str, float]]:
    """Every area's inferred score for ``text``, best first; remembered per index and text
    (the match page asks for the same ten company texts on every view)."""
    key = ("areas", hashlib.sha256(text.encode("utf-8")).hexdigest())
    found: list[tuple[str, float]] | None = index.memo.get(key)
    if found is not None:
        return found
    matcher = index.matcher or matching.Matcher(encoder=get_engine().encoder, areas=index.areas)
    scores = [(slug, float(score))
              for slug, score in matcher.suggest_areas(text, top_k=max(len(index.areas), 1))]
    index.remember(index.memo, key, scores)
    return scores



def challenge_area_slugs(session: Session, challenge: Challenge, limit: int = 4) -> list[str]:
    """The areas a challenge needs: its explicit areas, else the strongest inferred ones."""
    if challenge.areas:
        return [a.slug for a in challenge.areas]
    # The indexed text, so its passage vectors come from the cache.
    text = challenge_text(challenge_document(challenge))
    return [a.slug for a, score in suggest_areas(session, text, top_k=limit) if score >= 0.2]


def area_coverage(
    session: Session, company: Company, needed: Sequence[str]
) -> dict[str, float]:
    """How well ``company`` covers each needed area, in [0, 1].

    Explicit areas give 1.0; areas reached only through the crosswalk give the library's
    crosswalk credit; areas inferred from the description give their strength relative to
    the company's strongest inferred area. The best of the three counts.
    """
    engine = get_engine()
    index = engine.index(session)
    own = {a.slug for a in company.areas}
    related = {a.id: set(a.related) for a in index.areas}
    inferred: dict[str, float] = {}
    text = (company.description or "").strip()
    if text and index.areas:
        scores = dict(_area_scores(index, text))
        strongest = max(scores.values(), default=0.0)
        if strongest > 0:
            inferred = {slug: score / strongest for slug, score in scores.items()}
    coverage = {}
    for slug in needed:
        value = inferred.get(slug, 0.0)
        if slug in own:
            value = 1.0
        elif own & related.get(slug, set()) or any(slug in related.get(o, ()) for o in own):
            value = max(value, CROSSWALK_CREDIT)
        coverage[slug] = round(min(1.0, value), 4)
    return coverage



def accept_suggested_areas(
    session: Session, user: User, company: Company, accepted: Sequence[str],
    rejected: Sequence[str] = (),
) -> list[Area]:
    """Add the accepted area slugs to the company's areas (unknown slugs are ignored).

    Rejected suggestions change nothing but are noted in the audit trail.

    Returns:
        The areas newly added.
    """
    wanted = [s for s in dict.fromkeys(accepted) if s]
    rows = list(session.scalars(select(Area).where(Area.slug.in_(wanted)))) if wanted else []
    have = {a.id for a in company.areas}
    added = [a for a in rows if a.id not in have]
    company.areas.extend(added)
    session.flush()
    audit.record(session, "company_areas_accepted", actor=user, target=company,
                 details={"added": [a.slug for a in added], "rejected": list(rejected)})
    return added

"""Judgements of matches (relevant / not relevant), shortlists, and tuning the matcher on them."""

from __future__ import annotations

import json
import math
import random
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import Challenge, Company, MatcherWeights, MatchFeedback, Shortlist, User
from portal.services import audit, matching

SOURCE_MATCH_PAGE = "match_page"
COMMENT_MAX_LENGTH = 1000
MIN_JUDGEMENTS = 30
HELD_OUT_FRACTION = 0.3
DEFAULT_SEED = 17


class NotEnoughJudgements(ValueError):
    """Refitting needs more (or more varied) judgements."""


# --------------------------------------------------------------------------- writes
def record_feedback(
    session: Session,
    user: User,
    challenge: Challenge,
    company: Company,
    *,
    relevant: bool,
    comment: str = "",
    source: str = SOURCE_MATCH_PAGE,
) -> MatchFeedback:
    """Store ``user``'s judgement of a pair: one row per user, pair and source, updated on change.

    The caller has checked that ``user`` may see the challenge's matches and that the company
    may see the challenge.

    Returns:
        The new or updated row (flushed).
    """
    comment = (comment or "").strip()[:COMMENT_MAX_LENGTH]
    key = {"challenge_id": challenge.id, "company_id": company.id, "user_id": user.id,
           "source": source}
    row = session.scalar(select(MatchFeedback).filter_by(**key))
    if row is None:
        row = MatchFeedback(**key, relevant=relevant, comment=comment)
        try:
            # A double-click may race us to the unique row; then update the winner's row.
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = session.scalar(select(MatchFeedback).filter_by(**key))
            row.relevant, row.comment = relevant, comment
    else:
        row.relevant, row.comment = relevant, comment
    session.flush()
    audit.record(session, "match_feedback", actor=user, target=challenge,
                 details={"company_id": company.id, "relevant": relevant, "source": source})
    return row


def toggle_shortlist(session: Session, user: User, challenge: Challenge, company: Company) -> bool:
    """Add the company to the challenge's shortlist, or remove it if it is there.

    Returns:
        True when the company is shortlisted afterwards.
    """
    existing = session.scalar(
        select(Shortlist).filter_by(challenge_id=challenge.id, company_id=company.id)
    )
    if existing is not None:
        session.execute(delete(Shortlist).where(Shortlist.id == existing.id))
        shortlisted = False
    else:
        try:
            with session.begin_nested():
                session.add(Shortlist(challenge_id=challenge.id, company_id=company.id,
                                      user_id=user.id))
        except IntegrityError:
            pass  # someone shortlisted it at the same moment: it is shortlisted
        shortlisted = True
    audit.record(session, "shortlist_add" if shortlisted else "shortlist_remove", actor=user,
                 target=challenge, details={"company_id": company.id})
    return shortlisted


# --------------------------------------------------------------------------- reads
def shortlisted_ids(session: Session, challenge: Challenge) -> set[int]:
    """Ids of the companies shortlisted for ``challenge``."""
    return set(session.scalars(
        select(Shortlist.company_id).where(Shortlist.challenge_id == challenge.id)
    ))


def user_feedback(session: Session, user: User, challenge: Challenge,
                  source: str = SOURCE_MATCH_PAGE) -> dict[int, MatchFeedback]:
    """``user``'s judgements on ``challenge``'s matches, by company id."""
    rows = session.scalars(select(MatchFeedback).filter_by(
        challenge_id=challenge.id, user_id=user.id, source=source))
    return {row.company_id: row for row in rows}


def judgements(session: Session) -> list[tuple[int, int, bool]]:
    """Every recorded judgement as ``(challenge_id, company_id, relevant)``, in id order."""
    rows = session.execute(
        select(MatchFeedback.challenge_id, MatchFeedback.company_id, MatchFeedback.relevant)
        .order_by(MatchFeedback.id)
    )
    return [(ch, co, bool(rel)) for ch, co, rel in rows]


# --------------------------------------------------------------------------- metrics
def precision_at_k(ranked: Sequence[int], relevant: set[int], k: int = 5) -> float:
    """Fraction of the first ``k`` ranked ids that are relevant (unjudged count as not)."""
    return sum(1 for c in ranked[:k] if c in relevant) / k


def ndcg_at_k(ranked: Sequence[int], relevant: set[int], k: int = 10) -> float:
    """Binary nDCG@k; 0 when nothing is relevant."""
    dcg = sum(1.0 / math.log2(n + 2) for n, c in enumerate(ranked[:k]) if c in relevant)
    ideal = sum(1.0 / math.log2(n + 2) for n in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def _relevance(judged: Sequence[tuple[int, int, bool]]) -> dict[int, dict[int, bool]]:
    """Majority verdict per pair (ties count as relevant: someone saw a reason)."""
    votes: dict[tuple[int, int], list[bool]] = defaultdict(list)
    for ch, co, rel in judged:
        votes[(ch, co)].append(rel)
    out: dict[int, dict[int, bool]] = defaultdict(dict)
    for (ch, co), v in votes.items():
        out[ch][co] = sum(v) * 2 >= len(v)
    return out


def evaluate(
    session: Session,
    judged: Sequence[tuple[int, int, bool]] | None = None,
    weights: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """precision@5 and nDCG@10 of a weighting on recorded judgements.

    For each judged challenge, every company that may see it is ranked (the judged ones among
    all others) and the ranking is compared with the judged relevance; challenges without a
    relevant judgement cannot be scored and are skipped.

    Args:
        session: Database session.
        judged: Judgements to use; ``None`` uses all recorded ones.
        weights: Blend weights; ``None`` uses the active weights.

    Returns:
        ``{"precision@5", "ndcg@10", "challenges", "judgements"}`` (``challenges`` counts the
        challenges scored).
    """
    judged = judgements(session) if judged is None else list(judged)
    relevance = _relevance(judged)
    scored = [ch for ch, verdicts in relevance.items() if any(verdicts.values())]
    rankings = matching.judged_scores(session, sorted(scored), weights)
    p5, ndcg = [], []
    for ch, ranking in rankings.items():
        ranked = [co for co, _ in ranking]
        relevant = {co for co, ok in relevance[ch].items() if ok}
        p5.append(precision_at_k(ranked, relevant, 5))
        ndcg.append(ndcg_at_k(ranked, relevant, 10))
    return {
        "precision@5": sum(p5) / len(p5) if p5 else 0.0,
        "ndcg@10": sum(ndcg) / len(ndcg) if ndcg else 0.0,
        "challenges": len(p5),
        "judgements": len(judged),
    }


# --------------------------------------------------------------------------- refitting
@dataclass
class RefitReport:
    """What a refit did: the new version, its weights, and before/after on held-out data."""

    version: str
    weights: dict[str, float]
    before: dict[str, float]
    after: dict[str, float]
    judgements: int
    fit_judgements: int
    held_out_challenges: list[int] = field(default_factory=list)
    note: str = ""


def split_by_challenge(
    judged: Sequence[tuple[int, int, bool]], seed: int = DEFAULT_SEED,
    held_out_fraction: float = HELD_OUT_FRACTION,
) -> tuple[list[tuple[int, int, bool]], list[tuple[int, int, bool]]]:
    """Split judgements into (fit, held-out) by challenge, deterministically for ``seed``.

    All judgements of one challenge land on the same side, so held-out metrics measure
    challenges the weights never saw. With a single challenge nothing is held out.
    """
    challenges = sorted({ch for ch, _, _ in judged})
    random.Random(seed).shuffle(challenges)
    n_held = round(len(challenges) * held_out_fraction) if len(challenges) > 1 else 0
    n_held = min(max(n_held, 1 if len(challenges) > 1 else 0), len(challenges) - 1)
    held = set(challenges[:n_held])
    fit = [j for j in judged if j[0] not in held]
    out = [j for j in judged if j[0] in held]
    return fit, out


def next_version(session: Session) -> str:
    """The next weights version: ``v2`` after the defaults, then ``v3``, ..."""
    numbers = [
        int(match.group(1))
        for version in session.scalars(select(MatcherWeights.version))
        if (match := re.fullmatch(r"v(\d+)", version or ""))
    ]
    return f"v{max([1, *numbers]) + 1}"


def refit_weights(
    session: Session,
    actor: User | None = None,
    *,
    min_judgements: int = MIN_JUDGEMENTS,
    seed: int = DEFAULT_SEED,
    held_out_fraction: float = HELD_OUT_FRACTION,
) -> RefitReport:
    """Fit blend weights on the judgements and store them as the new active version.

    Judgements are split by challenge into a fitting part and a held-out part; the weights are
    learned on the first and measured (before/after) on the second. The new
    ``matcher_weights`` row is added and the old active one deactivated in the caller's
    transaction (the caller commits).

    Raises:
        NotEnoughJudgements: fewer than ``min_judgements`` judgements, or the fitting part lacks
            relevant or non-relevant pairs.
    """
    judged = judgements(session)
    if len(judged) < min_judgements:
        raise NotEnoughJudgements(
            f"Refitting needs at least {min_judgements} judgements; there are {len(judged)}. "
            "Ask challenge owners to mark more matches relevant or not relevant."
        )
    fit, held = split_by_challenge(judged, seed, held_out_fraction)
    note = ""
    if not held:
        held = fit
        note = "Only one judged challenge: metrics are measured on the fitting data."
    if len({rel for _, _, rel in fit}) < 2:
        raise NotEnoughJudgements(
            "The judgements used for fitting are all relevant or all not relevant; both kinds "
            "are needed."
        )
    try:
        weights = matching.fit_weights(session, fit)
    except ValueError as exc:
        raise NotEnoughJudgements(str(exc)) from exc
    before = evaluate(session, held)
    after = evaluate(session, held, weights)
    version = next_version(session)
    session.execute(
        update(MatcherWeights).where(MatcherWeights.active.is_(True)).values(active=False)
    )
    metrics = {"before": before, "after": after, "seed": seed,
               "fit_judgements": len(fit), "held_out_challenges": sorted({j[0] for j in held})}
    if note:
        metrics["note"] = note
    row = MatcherWeights(
        version=version, weights=json.dumps(weights, sort_keys=True),
        metrics=json.dumps(metrics, sort_keys=True), judgements=len(judged), active=True,
        created_by_id=actor.id if actor is not None else None,
    )
    session.add(row)
    session.flush()
    audit.record(session, "matcher_weights_refit", actor=actor, target=row,
                 details={"version": version, "judgements": len(judged)})
    return RefitReport(
        version=version, weights=weights, before=before, after=after, judgements=len(judged),
        fit_judgements=len(fit), held_out_challenges=metrics["held_out_challenges"], note=note,
    )


# --------------------------------------------------------------------------- the matches page
@dataclass
class MatchPage:
    """Everything the matches page of one challenge shows."""

    matches: matching.MatchList
    teams: object
    shortlisted: set[int]
    feedback: dict[int, MatchFeedback]


def match_page(
    session: Session, viewer: User, challenge: Challenge, *, top_k: int = 20,
    county: str | None = None, min_trl: int | None = None, vetted_only: bool = False,
) -> MatchPage:
    """Ranked companies (masked, filtered), team suggestions, shortlist and the viewer's
    judgements for a challenge. The caller has checked ``can_see_matches``."""
    from portal.services.teams import suggest_teams

    matches = matching.rank_companies(session, viewer, challenge, top_k=top_k, county=county,
                                      min_trl=min_trl, vetted_only=vetted_only)
    return MatchPage(
        matches=matches,
        teams=suggest_teams(session, viewer, challenge, matches=matches),
        shortlisted=shortlisted_ids(session, challenge),
        feedback=user_feedback(session, viewer, challenge),
    )

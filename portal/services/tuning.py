"""Tuning the matcher on recorded judgements: ranking metrics and refitting the blend weights.

Metrics come from :mod:`matching.metrics` (the library's evaluation uses the same ones); the
judgements are those of :mod:`portal.services.feedback`.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

import matching
from matching.metrics import ndcg_at_k
from portal.models import Challenge, MatcherWeights, User
from portal.services import audit
from portal.services.errors import Invalid
from portal.services.feedback import judgements
from portal.services.matching import get_engine
from portal.services.matching.ranking import COMPONENT_NAMES, allowed_company_ids

MIN_JUDGEMENTS = 30
HELD_OUT_FRACTION = 0.3
DEFAULT_SEED = 17

Judgement = tuple[int, int, bool]


class NotEnoughJudgements(Invalid):
    """Refitting needs more (or more varied) judgements."""


# --------------------------------------------------------------------------- scores under weights
def judged_scores(
    session: Session, challenge_ids: Sequence[int], weights: Mapping[str, float] | None = None
) -> dict[int, list[tuple[int, float]]]:
    """Scores of every allowed company for each challenge under ``weights``, best first.

    Components come from the fitted index (normalised over all companies, as when weights are
    fitted); only companies that may see the challenge are scored.

    Args:
        session: Database session.
        challenge_ids: Challenges to rank for.
        weights: Blend weights; ``None`` uses the active weights.

    Returns:
        ``{challenge_id: [(company_id, score), ...]}``, best first.
    """
    index = get_engine().index(session)
    out: dict[int, list[tuple[int, float]]] = {}
    if index.matcher is None:
        return out
    use = _normalised(weights or index.weights)
    for challenge_id in challenge_ids:
        challenge = session.get(Challenge, challenge_id)
        if challenge is None or challenge_id not in index.challenge_pos:
            continue
        allowed = allowed_company_ids(session, challenge)
        ids = [cid for cid in index.company_ids if cid in allowed]
        if not ids:
            out[challenge_id] = []
            continue
        X = _pair_components(index.matcher, challenge_id, ids)
        vector = np.array([use.get(name, 0.0) for name in COMPONENT_NAMES])
        scores = X @ vector
        order = np.lexsort((np.array(ids), -scores))
        out[challenge_id] = [(ids[k], float(scores[k])) for k in order]
    return out


def _pair_components(m: matching.Matcher, challenge_id: int, ids: list[int]) -> np.ndarray:
    """``(len(ids), 5)`` component values (columns in :data:`COMPONENT_NAMES` order)."""
    return np.asarray(
        m.components_for_pairs([(str(challenge_id), str(cid)) for cid in ids]), dtype=float
    )


def _normalised(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(max(0.0, float(v)) for v in weights.values())
    if total <= 0:
        return dict(matching.DEFAULT_WEIGHTS)
    return {k: max(0.0, float(v)) / total for k, v in weights.items()}


def fit_weights(
    session: Session, judgements: Sequence[tuple[int, int, bool]]
) -> dict[str, float]:
    """Blend weights learned from ``(challenge_id, company_id, relevant)`` judgements.

    The shared matcher is not changed: a shallow copy learns the weights.

    Raises:
        ValueError: the judgements do not contain both relevant and non-relevant pairs, or
            none of the pairs is in the index.
    """
    index = get_engine().index(session)
    if index.matcher is None:
        raise ValueError("There are no companies to fit weights on.")
    usable = [
        (str(ch), str(co), bool(rel)) for ch, co, rel in judgements
        if ch in index.challenge_pos and co in index.company_pos
    ]
    if not usable:
        raise ValueError("None of the judged pairs exists any more.")
    clone = copy.copy(index.matcher)
    clone.fit_weights(usable)
    return {k: float(v) for k, v in clone.weights_.items()}



# --------------------------------------------------------------------------- metrics
def _relevance(judged: Sequence[Judgement]) -> dict[int, dict[int, bool]]:
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
    judged: Sequence[Judgement] | None = None,
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
    rankings = judged_scores(session, sorted(scored), weights)
    p5, ndcg = [], []
    for ch, ranking in rankings.items():
        ranked = [str(co) for co, _ in ranking]
        grades = {str(co): 1.0 for co, ok in relevance[ch].items() if ok}
        # Unjudged companies count as not relevant; the library has recall, not precision.
        p5.append(sum(1 for co in ranked[:5] if co in grades) / 5)
        ndcg.append(ndcg_at_k(ranked, grades, 10))
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
    judged: Sequence[Judgement], seed: int = DEFAULT_SEED,
    held_out_fraction: float = HELD_OUT_FRACTION,
) -> tuple[list[Judgement], list[Judgement]]:
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
        weights = fit_weights(session, fit)
    except ValueError as exc:
        raise NotEnoughJudgements(str(exc)) from exc
    before = evaluate(session, held)
    after = evaluate(session, held, weights)
    version = next_version(session)
    session.execute(
        update(MatcherWeights).where(MatcherWeights.active.is_(True)).values(active=False)
    )
    held_out = sorted({j[0] for j in held})
    metrics: dict[str, object] = {"before": before, "after": after, "seed": seed,
                                  "fit_judgements": len(fit), "held_out_challenges": held_out}
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
        fit_judgements=len(fit), held_out_challenges=held_out, note=note,
    )

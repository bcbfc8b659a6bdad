"""Numpy scoring cores: passage similarity, normalisation, feature fits and blending.

Everything here takes and returns arrays so it can be tested and benchmarked alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

COMPONENTS = ("semantic", "lexical", "areas", "trl", "region")

# Semantic vs lexical (about 60:40) chosen on the developers' half of the evaluation data (see
# docs/matching.md). Explicit areas, TRL and region are absent there, so their weights are a
# judgement call kept small; when a side lacks them they are neutral and do not reorder.
DEFAULT_WEIGHTS: dict[str, float] = {
    "semantic": 0.5,
    "lexical": 0.35,
    "areas": 0.05,
    "trl": 0.05,
    "region": 0.05,
}

# A standardised score of +-SPREAD maps to 1 / 0. Wide, because clipping the very best
# candidates (a near-copy of the challenge text can sit 10+ deviations out) costs ranking
# quality; inside the range the blend ranks exactly like a weighted sum of z-scores.
SPREAD = 16.0
NEUTRAL = 0.5


def pooled_norms(
    passages: np.ndarray,
    offsets: np.ndarray,
    chunk: int = 4096,
    scales: np.ndarray | None = None,
) -> np.ndarray:
    """Norm of each document's passage-vector sum (computed in chunks to bound memory;
    int8 ``passages`` are decoded with their ``scales``)."""
    n = len(offsets) - 1
    out = np.empty(n, dtype=np.float32)
    for s in range(0, n, chunk):
        e = min(s + chunk, n)
        lo = offsets[s]
        block = passages[lo : offsets[e]]
        if scales is not None:
            block = block.astype(np.float32) * scales[lo : offsets[e], None]
        sums = np.add.reduceat(block, offsets[s:e] - lo, axis=0)
        out[s:e] = np.linalg.norm(sums, axis=1)
    return np.maximum(out, 1e-12)


def _gather(offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Passage indices of documents ``rows`` and their local offsets."""
    starts, ends = offsets[rows], offsets[rows + 1]
    lengths = ends - starts
    local = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=local[1:])
    idx = np.repeat(starts - local[:-1], lengths) + np.arange(int(local[-1]))
    return idx, local


def passage_similarity(
    passages: np.ndarray, query: np.ndarray, scales: np.ndarray | None = None, chunk: int = 1024
) -> np.ndarray:
    """``passages @ query`` for float32 rows, or for int8 codes with per-row ``scales``.

    Codes are decoded a chunk at a time into one reused buffer, so the float32 matrix never
    exists whole.
    """
    if scales is None:
        return passages @ query
    query = np.asarray(query, dtype=np.float32)
    out = np.empty(len(passages), dtype=np.float32)
    buf = np.empty((min(chunk, len(passages)), passages.shape[1]), dtype=np.float32)
    for s in range(0, len(passages), chunk):
        e = min(s + chunk, len(passages))
        part = buf[: e - s]
        np.copyto(part, passages[s:e], casting="unsafe")
        np.matmul(part, query, out=out[s:e])
    return out * scales


def pooled_similarity(
    query: np.ndarray,
    passages: np.ndarray,
    offsets: np.ndarray,
    norms: np.ndarray,
    rows: np.ndarray | None = None,
    scales: np.ndarray | None = None,
) -> np.ndarray:
    """Cosine between a query vector and each document's mean passage vector.

    Computed as the sum of passage similarities over the norm of the passage sum, so the index
    needs no second (pooled) matrix.

    Args:
        query: ``(d,)`` normalised query vector.
        passages: ``(n_passages, d)`` passage vectors, documents back to back.
        offsets: ``(n_docs + 1,)`` passage offsets.
        norms: ``(n_docs,)`` from :func:`pooled_norms`.
        rows: Documents to score; ``None`` scores all.
        scales: Per-passage scales when ``passages`` are int8 codes.

    Returns:
        ``(n,)`` cosines.
    """
    if rows is None:
        sims = passage_similarity(passages, query, scales)
        return np.add.reduceat(sims, offsets[:-1]) / norms
    if not len(rows):
        return np.zeros(0, dtype=np.float32)
    idx, local = _gather(offsets, rows)
    sims = passage_similarity(passages[idx], query, None if scales is None else scales[idx])
    return np.add.reduceat(sims, local[:-1]) / norms[rows]


def standardise(raw: np.ndarray) -> np.ndarray:
    """Per-query z-scores (0 when the scores do not vary)."""
    raw = np.asarray(raw, dtype=np.float64)
    if raw.size < 2:
        return np.zeros_like(raw)
    std = raw.std()
    if not np.isfinite(std) or std < 1e-9:
        return np.zeros_like(raw)
    return (raw - raw.mean()) / std


def to_unit(z: np.ndarray, spread: float = SPREAD) -> np.ndarray:
    """Map z-scores linearly to [0, 1] (0 -> 0.5, +-``spread`` -> 1/0, clipped)."""
    return np.clip(0.5 + np.asarray(z) / (2.0 * spread), 0.0, 1.0)


def normalise(raw: np.ndarray, spread: float = SPREAD) -> np.ndarray:
    """Standardise ``raw`` over the candidates and map to [0, 1]."""
    return to_unit(standardise(raw), spread)


def trl_fit(challenge_trl: tuple[int, int] | None, company_trl: np.ndarray) -> np.ndarray:
    """Fit of company TRLs to a challenge's TRL range.

    Args:
        challenge_trl: ``(min, max)`` wanted, or ``None``.
        company_trl: ``(n,)`` company levels, 0 where unknown.

    Returns:
        ``(n,)``: 1 inside the range, minus 0.25 per level outside (floored at 0);
        :data:`NEUTRAL` when either side is unknown.
    """
    company_trl = np.asarray(company_trl, dtype=np.float64)
    out = np.full(company_trl.shape, NEUTRAL)
    if challenge_trl is None:
        return out
    lo, hi = challenge_trl
    known = company_trl > 0
    gap = np.maximum(lo - company_trl, 0) + np.maximum(company_trl - hi, 0)
    out[known] = np.clip(1.0 - 0.25 * gap[known], 0.0, 1.0)
    return out


def region_fit(challenge_region: int, company_region: np.ndarray) -> np.ndarray:
    """1 for the same region, 0 for another, :data:`NEUTRAL` when either is unknown (code -1)."""
    company_region = np.asarray(company_region)
    out = np.full(company_region.shape, NEUTRAL)
    if challenge_region < 0:
        return out
    known = company_region >= 0
    out[known] = (company_region[known] == challenge_region).astype(np.float64)
    return out


def blend(components: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    """Weighted sum of component arrays (weights are expected to sum to 1)."""
    total = None
    for name in COMPONENTS:
        term = weights.get(name, 0.0) * np.asarray(components[name], dtype=np.float64)
        total = term if total is None else total + term
    return total


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores, best first (ties by index)."""
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
    order = np.lexsort((part, -scores[part]))
    return part[order]


def normalise_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Fill missing components with 0, clip negatives and rescale to sum 1 (defaults if all 0)."""
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown components: {sorted(unknown)}")
    w = {k: max(float(weights.get(k, 0.0)), 0.0) for k in COMPONENTS}
    s = sum(w.values())
    if s <= 0:
        return dict(DEFAULT_WEIGHTS)
    return {k: v / s for k, v in w.items()}


def learn_weights(
    X: np.ndarray, y: Sequence[bool] | np.ndarray, names: Sequence[str] = COMPONENTS, C: float = 1.0
) -> dict[str, float]:
    """Learn blend weights from judged pairs: logistic regression with non-negative
    coefficients, rescaled to sum 1.

    Args:
        X: ``(n, len(names))`` component values of judged pairs.
        y: ``(n,)`` relevant (True) or not.
        names: Component names of the columns.
        C: Inverse L2 regularisation strength.

    Returns:
        Weights per component summing to 1 (:data:`DEFAULT_WEIGHTS` if nothing is learned).
    """
    from scipy.optimize import minimize

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if len(np.unique(y)) < 2:
        raise ValueError("need both relevant and non-relevant judgements")
    # Centre the features so the intercept absorbs constant (neutral) components.
    Xc = X - X.mean(axis=0)
    scale = Xc.std(axis=0)
    scale[scale < 1e-12] = 1.0
    Xs = Xc / scale
    n, d = Xs.shape
    pos_w = 0.5 / max(y.sum(), 1.0)
    neg_w = 0.5 / max((1 - y).sum(), 1.0)
    sw = np.where(y > 0, pos_w, neg_w)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = Xs @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        ll = sw * (np.logaddexp(0.0, z) - y * z)
        g = sw * (p - y)
        grad = np.concatenate([Xs.T @ g + w / (C * n), [g.sum()]])
        return float(ll.sum() + 0.5 * (w @ w) / (C * n)), grad

    bounds = [(0.0, None)] * d + [(None, None)]
    res = minimize(loss, np.zeros(d + 1), jac=True, bounds=bounds, method="L-BFGS-B")
    # Back to the unstandardised features: a unit change of component k moves the logit by
    # w_k / scale_k, which is what the blend weight must reflect.
    coef = np.maximum(res.x[:d], 0.0) / scale
    full = dict.fromkeys(COMPONENTS, 0.0)
    full.update(dict(zip(names, coef, strict=True)))
    return normalise_weights(full)

"""Ranking metrics over judged queries: nDCG@k, Recall@k and MRR."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def ndcg_at_k(ranked: Sequence[str], relevance: Mapping[str, float], k: int = 10) -> float:
    """Normalised discounted cumulative gain of one ranking (gain = relevance grade).

    Args:
        ranked: Candidate ids, best first.
        relevance: Grade per relevant id (missing ids count 0).
        k: Cut-off.

    Returns:
        A value in [0, 1]; 0 when nothing is relevant.
    """
    gains = np.array([relevance.get(c, 0.0) for c in ranked[:k]], dtype=float)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = float((gains * discounts[: len(gains)]).sum())
    ideal = np.sort(np.array([g for g in relevance.values() if g > 0], dtype=float))[::-1][:k]
    idcg = float((ideal * discounts[: len(ideal)]).sum())
    return dcg / idcg if idcg > 0 else 0.0


def recall_at_k(ranked: Sequence[str], relevance: Mapping[str, float], k: int) -> float:
    """Fraction of the relevant ids found in the first ``k`` of ``ranked``."""
    relevant = {c for c, g in relevance.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevance: Mapping[str, float]) -> float:
    """1 / rank of the first relevant id (0 when none is ranked)."""
    for i, c in enumerate(ranked):
        if relevance.get(c, 0.0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def evaluate_run(
    run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, float]]
) -> dict[str, float]:
    """Average nDCG@10, Recall@10, Recall@50 and MRR over the judged queries.

    Args:
        run: Ranked candidate ids per query id.
        qrels: Relevance grades per query id; queries without a relevant id are skipped.

    Returns:
        ``{"ndcg@10", "recall@10", "recall@50", "mrr"}`` averages (0 when no query counts).
    """
    rows = []
    for qid, rel in qrels.items():
        if not any(g > 0 for g in rel.values()):
            continue
        ranked = list(run.get(qid, []))
        rows.append(
            (
                ndcg_at_k(ranked, rel, 10),
                recall_at_k(ranked, rel, 10),
                recall_at_k(ranked, rel, 50),
                reciprocal_rank(ranked, rel),
            )
        )
    means = np.mean(rows, axis=0) if rows else np.zeros(4)
    return dict(
        zip(("ndcg@10", "recall@10", "recall@50", "mrr"), (float(x) for x in means), strict=True)
    )

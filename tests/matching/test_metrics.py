import math

import pytest

from matching.metrics import evaluate_run, ndcg_at_k, recall_at_k, reciprocal_rank


def test_ndcg_by_hand():
    rel = {"a": 1, "b": 1}
    # relevant at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3)
    assert ndcg_at_k(["x", "a", "y", "b"], rel, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["a", "b", "x"], rel, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["x"] * 10 + ["a"], rel, 10) == 0.0  # beyond the cut-off


def test_recall_and_mrr_by_hand():
    rel = {"a": 1, "b": 1, "c": 1, "d": 0}
    ranked = ["d", "a", "x", "b"]
    assert recall_at_k(ranked, rel, 2) == pytest.approx(1 / 3)
    assert recall_at_k(ranked, rel, 10) == pytest.approx(2 / 3)
    assert reciprocal_rank(ranked, rel) == pytest.approx(1 / 2)  # "d" is judged not relevant
    assert reciprocal_rank(["x", "y"], rel) == 0.0


def test_evaluate_run_averages_over_judged_queries():
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}, "q3": {"c": 0}}
    run = {"q1": ["a", "b"], "q2": ["a", "x", "b"]}
    r = evaluate_run(run, qrels)  # q3 has no relevant company and is skipped
    assert r["mrr"] == pytest.approx((1 + 1 / 3) / 2)
    assert r["recall@10"] == pytest.approx(1.0)
    assert r["ndcg@10"] == pytest.approx((1 + 1 / math.log2(4)) / 2)

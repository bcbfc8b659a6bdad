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

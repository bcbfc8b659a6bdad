"""Benchmarks of the library against bare sentence-transformers and numpy
(``python -m matching bench``)."""

from __future__ import annotations

import gc
import time
import tracemalloc

import numpy as np

from matching.cache import MemoryCache
from matching.encoders import Encoder, l2_normalise
from matching.matcher import Matcher, challenge_text, company_text
from matching.text import text_hash
from matching.types import Document

_WORDS = """
sonar acoustic underwater vehicle autonomous navigation radar signal processing antenna
composite armour ballistic coating corrosion sensor fusion tracking target recognition
machine learning satellite communication encryption network cyber battery power generator
hydrogen fuel cell propulsion missile seeker guidance rocket motor warhead explosive
munition maintenance logistics spare parts simulation training cold weather arctic
textile protective helmet exoskeleton medical casualty drone swarm counter jamming
electronic warfare infrared optics laser lidar camera thermal imaging terrain mapping
hypersonic thermal protection ceramic additive manufacturing titanium alloy welding
quantum magnetometer gravimeter clock inertial positioning timing data analytics cloud
edge computing decision support command control interoperability standard integration
""".split()  # noqa: SIM905
_FILLER = "the a of and to in for with on by from that this is are be as at an or".split()  # noqa: SIM905


def synthetic_text(rng: np.random.Generator, n_words: int) -> str:
    """Deterministic pseudo-English text: topic words mixed with function words."""
    topic = rng.choice(_WORDS, size=n_words)
    filler = rng.choice(_FILLER, size=n_words)
    use_filler = rng.random(n_words) < 0.4
    return " ".join(np.where(use_filler, filler, topic))


def _median_p95(samples: list[float]) -> tuple[float, float]:
    arr = np.sort(np.asarray(samples))
    return float(np.median(arr)), float(arr[min(len(arr) - 1, int(np.ceil(0.95 * len(arr))) - 1)])


def bench_encode(device: str, n_docs: int, seed: int = 0) -> dict:
    """Bulk encoding throughput (library vs bare ``SentenceTransformer.encode`` on the same
    passages and the same loaded model), plus warm re-indexing of the unchanged corpus."""
    rng = np.random.default_rng(seed)
    docs = [synthetic_text(rng, int(rng.integers(30, 450))) for _ in range(n_docs)]
    probe = Encoder(device=device)
    model = probe.model
    passages = [p for d in docs for p in probe.passages(d)]
    # Warm-up on the longest passages: the first batches of a new shape pay one-off costs.
    model.encode(sorted(passages, key=len, reverse=True)[:128], batch_size=64)

    bare_s = lib_s = 0.0
    ratios = []
    cache = MemoryCache()
    # Many short interleaved rounds and the median of their ratios: other jobs on a shared
    # machine make single timings swing by tens of percent.
    rounds = 8
    for n in range(rounds):
        bare_before, lib_before = bare_s, lib_s
        part = docs[n::rounds]
        part_passages = [p for d in part for p in probe.passages(d)]
        enc = Encoder(device=device, cache=cache, model=model, show_progress=False)
        # Alternate the order so drift on a shared machine hits both sides alike.
        for side in ("bare", "lib") if n % 2 == 0 else ("lib", "bare"):
            t0 = time.perf_counter()
            if side == "bare":
                model.encode(
                    part_passages, batch_size=64, convert_to_numpy=True, normalize_embeddings=True
                )
                bare_s += time.perf_counter() - t0
            else:
                enc.encode_documents(part)
                lib_s += time.perf_counter() - t0
        ratios.append((bare_s - bare_before) / (lib_s - lib_before))
    enc = Encoder(device=device, cache=cache, model=model, show_progress=False)
    t0 = time.perf_counter()
    enc.encode_documents(docs)
    warm_s = time.perf_counter() - t0
    return {
        "passages": len(passages),
        "bare_seconds": bare_s,
        "library_seconds": lib_s,
        "encode_ratio": float(np.median(ratios)),
        "encode_ratio_total": bare_s / lib_s,
        "warm_reindex": {
            "encoded": int(enc.last_stats["encoded"]),
            "seconds": warm_s,
            "cold_seconds": lib_s,
        },
    }


def bench_encoders(n_passages: int = 48, companies: int = 10_000, seed: int = 1) -> dict:
    """Cold encoding throughput of MiniLM and multilingual-e5-small on the same passages,
    and the bulk re-index time of ``companies`` companies estimated from it.

    The passages are synthetic 150-word windows (the passage size of both encoders). The
    estimate uses the passages per company of the encode sample of :func:`bench_encode`
    (texts of 30 to 450 words): all of them for MiniLM, at most
    ``Matcher.multilingual_passages`` for e5.
    """
    from matching.e5 import E5Encoder

    rng = np.random.default_rng(seed)
    passages = [synthetic_text(rng, 150) for _ in range(n_passages)]
    sample = np.random.default_rng(0)
    docs = [synthetic_text(sample, int(sample.integers(30, 450))) for _ in range(400)]
    minilm = Encoder(cache=None, show_progress=False)
    e5 = E5Encoder(cache=None, show_progress=False)
    cap = Matcher().multilingual_passages
    counts = np.array([len(minilm.passages(d)) for d in docs])
    per_company = {
        "minilm": float(counts.mean()),
        "e5": float(np.minimum(counts, cap or counts.max()).mean()),
    }
    out: dict = {"passages": n_passages, "companies": companies}
    for name, enc in (("minilm", minilm), ("e5", e5)):
        enc.encode_passages(passages[:2])  # load the model and warm up
        t0 = time.perf_counter()
        enc.encode_passages(passages)
        seconds = time.perf_counter() - t0
        rate = n_passages / seconds
        out[name] = {
            "model_id": enc.model_id,
            "passages_per_second": rate,
            "passages_per_company": per_company[name],
            "reindex_hours": companies * per_company[name] / rate / 3600,
        }
    return out


def format_encoders(r: dict) -> str:
    """Plain-text table of :func:`bench_encoders`."""
    lines = [
        f"encoder cost ({r['passages']} passages of 150 words, cold; bulk re-index of"
        f" {r['companies']:,} companies estimated from it)"
    ]
    for name in ("minilm", "e5"):
        x = r[name]
        lines.append(
            f"  {name:<7} {x['passages_per_second']:6.2f} passages/s,"
            f" {x['passages_per_company']:.2f} passages/company,"
            f" re-index {x['reindex_hours']:.2f} h  ({x['model_id']})"
        )
    return "\n".join(lines)


class _CachedOnly(Encoder):
    """Encoder over a pre-filled cache; refuses to run the model (a miss is a bench bug)."""

    def _embed(self, passages: list[str]) -> np.ndarray:
        raise RuntimeError(f"unexpected encode of {len(passages)} passages")


def _synthetic_corpus(n: int, dim: int, rng: np.random.Generator, model_id: str, cache, enc):
    companies = [
        Document(id=f"co{k}", text=synthetic_text(rng, int(rng.integers(20, 60))), title=f"AS {k}")
        for k in range(n)
    ]
    vecs = l2_normalise(rng.standard_normal((n, dim), dtype=np.float32))
    cache.put_many(
        model_id,
        {
            text_hash(enc.passages(company_text(c))[0]): v
            for c, v in zip(companies, vecs, strict=True)
        },
    )
    return companies


def bench_rank(sizes: list[int], device: str, dim: int = 384, seed: int = 0) -> tuple[dict, float]:
    """Top-20 ranking latency with explanations vs bare numpy, and index memory at the
    largest size. Companies are synthetic one-passage profiles with random vectors."""
    rng = np.random.default_rng(seed)
    cache = MemoryCache()
    enc = _CachedOnly(device=device, cache=cache, show_progress=False)
    challenges = [
        Document(id=f"ch{k}", text=synthetic_text(rng, 420), title=f"Challenge {k}")
        for k in range(5)
    ]
    ch_passages = [p for c in challenges for p in enc.passages(challenge_text(c))]
    ch_vecs = l2_normalise(rng.standard_normal((len(ch_passages), dim), dtype=np.float32))
    cache.put_many(
        enc.model_id, {text_hash(p): v for p, v in zip(ch_passages, ch_vecs, strict=True)}
    )
    from matching.taxonomy import area_text, load_default_areas

    areas = load_default_areas()
    area_vecs = l2_normalise(rng.standard_normal((len(areas), dim), dtype=np.float32))
    area_passages = [enc.passages(area_text(a))[0] for a in areas]
    cache.put_many(
        enc.model_id, {text_hash(p): v for p, v in zip(area_passages, area_vecs, strict=True)}
    )

    results: dict = {}
    memory_ratio = float("nan")
    for n in sizes:
        companies = _synthetic_corpus(n, dim, rng, enc.model_id, cache, enc)
        gc.collect()
        measure = n == max(sizes)
        if measure:
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
        t0 = time.perf_counter()
        m = Matcher(encoder=enc, areas=areas).fit(challenges, companies)
        fit_s = time.perf_counter() - t0
        if measure:
            peak = tracemalloc.get_traced_memory()[1] - before
            tracemalloc.stop()
            memory_ratio = peak / (n * dim * 4)
            fit_s = float("nan")  # tracing slows fitting; timed separately below
        repeats = 30 if n <= 10_000 else 10
        lib, bare = [], []
        # the bare baseline scores the raw float32 matrix, as a caller without the library would
        E = m.company_vectors_.rows(0, len(m.company_vectors_.vectors))
        for r in range(repeats):
            cid = challenges[r % len(challenges)].id
            q = ch_vecs[r % len(ch_vecs)]
            t0 = time.perf_counter()
            matches = m.rank_companies(cid, top_k=20)
            lib.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            s = E @ q
            top = np.argpartition(-s, 20)[:20]
            top = top[np.argsort(-s[top])]
            bare.append(time.perf_counter() - t0)
            assert len(matches) == 20 and len(top) == 20
        med, p95 = _median_p95(lib)
        results[str(n)] = {
            "median_ms": med * 1e3,
            "p95_ms": p95 * 1e3,
            "numpy_median_ms": float(np.median(bare)) * 1e3,
            "ratio": med / float(np.median(bare)),
        }
        if not np.isnan(fit_s):
            results[str(n)]["fit_seconds"] = fit_s
        del m, companies, E
        gc.collect()
    return results, memory_ratio


def run_bench(
    device: str = "cpu",
    sizes: list[int] | None = None,
    encode_docs: int = 400,
    encoder_passages: int = 48,
) -> dict:
    """All benchmarks in one process; see docs/benchmarks.md for the targets.

    ``encoder_passages`` 0 skips the MiniLM/e5 comparison."""
    sizes = sizes or [1000, 10_000, 100_000]
    t0 = time.perf_counter()
    encoders = bench_encoders(encoder_passages) if encoder_passages else None
    enc = bench_encode(device, encode_docs)
    rank, memory_ratio = bench_rank(sizes, device)
    return {
        "encoders": encoders,
        "device": device,
        "encode_passages": enc["passages"],
        "encode_ratio": enc["encode_ratio"],
        "encode_ratio_total": enc["encode_ratio_total"],
        "encode_seconds": {"bare": enc["bare_seconds"], "library": enc["library_seconds"]},
        "warm_reindex": enc["warm_reindex"],
        "rank": rank,
        "index_memory_ratio": memory_ratio,
        "total_seconds": time.perf_counter() - t0,
    }


def format_bench(r: dict) -> str:
    """Plain-text summary of :func:`run_bench`."""
    w = r["warm_reindex"]
    lines = [
        f"device: {r['device']}",
        f"encode: {r['encode_passages']} passages, library/bare throughput {r['encode_ratio']:.3f}",
        f"warm re-index: {w['encoded']} encoded, {w['seconds']:.3f} s"
        f" (cold {w['cold_seconds']:.1f} s, {100 * w['seconds'] / w['cold_seconds']:.2f} %)",
    ]
    for n, x in r["rank"].items():
        lines.append(
            f"rank top-20 + explanations over {n:>6}: median {x['median_ms']:.1f} ms,"
            f" p95 {x['p95_ms']:.1f} ms (numpy {x['numpy_median_ms']:.1f} ms)"
        )
    lines.append(f"index memory at {max(map(int, r['rank']))}: {r['index_memory_ratio']:.2f}x raw")
    if r.get("encoders"):
        lines.append(format_encoders(r["encoders"]))
    return "\n".join(lines)

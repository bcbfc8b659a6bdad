"""Offline evaluation on judged challenge-company data (``python -m matching evaluate``)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from matching import scoring
from matching.cache import DiskCache
from matching.calibration import FitCalibration, FitCalibrator
from matching.encoders import BaseEncoder, Encoder
from matching.gloss import english_reader
from matching.language import detect_language as language_of
from matching.language import pair_key
from matching.lexical import BM25Scorer, TermCounts, TfidfScorer
from matching.matcher import Matcher, challenge_text, company_text, mean_vectors
from matching.metrics import evaluate_run
from matching.multilingual import LanguageAnalyser
from matching.types import Document

METHODS = ("tfidf", "bm25", "embedding", "multilingual", "matcher")
RUN_DEPTH = 100
# Zero-shot keeps areas scoring at least this share of the best one (texts often span two).
ZERO_SHOT_RATIO = 0.5


def default_cache_dir() -> Path:
    """``$MATCHING_CACHE`` or ``~/.cache/matching``."""
    return Path(os.environ.get("MATCHING_CACHE", "~/.cache/matching")).expanduser()


def _read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _resolve_pointer(path: Path) -> Path:
    """Follow a small text file that holds only a relative path to the real data file (how
    a data set shares another set's file where symbolic links cannot be stored)."""
    if path.stat().st_size > 1024:
        return path
    head = path.read_bytes()
    if head[:2] == b"\x1f\x8b" or not head.strip() or b"\n" in head.strip():
        return path
    try:
        target = (path.parent / head.decode("utf-8").strip()).resolve()
    except (UnicodeDecodeError, ValueError):
        return path
    return target if target.is_file() and target != path.resolve() else path


def _find(directory: Path, name: str) -> Path:
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.exists():
            return _resolve_pointer(candidate)
    raise FileNotFoundError(f"{name}(.gz) not found in {directory}")


def load_dataset(
    directory: str | os.PathLike,
) -> tuple[list[Document], list[Document], dict[str, dict[str, float]]]:
    """Read ``challenges.jsonl``, ``companies.jsonl[.gz]`` and ``qrels.jsonl``.

    Only fields the portal also has are used: challenge title, description (with keywords
    appended) and areas; company description and areas.

    Returns:
        ``(challenges, companies, qrels)`` with ``qrels[challenge_id][company_id] = grade``.
    """
    d = Path(directory)
    challenges = []
    for r in _read_jsonl(_find(d, "challenges.jsonl")):
        text = r.get("description", "")
        if r.get("keywords"):
            text += "\nKeywords: " + ", ".join(r["keywords"])
        challenges.append(
            Document(
                id=r["id"], text=text, title=r.get("title", ""), areas=tuple(r.get("areas") or ())
            )
        )
    companies = [
        Document(
            id=r["id"],
            text=r.get("description", ""),
            title=r.get("name", ""),
            areas=tuple(r.get("areas") or ()),
        )
        for r in _read_jsonl(_find(d, "companies.jsonl"))
    ]
    qrels: dict[str, dict[str, float]] = {}
    for r in _read_jsonl(_find(d, "qrels.jsonl")):
        qrels.setdefault(r["challenge_id"], {})[r["company_id"]] = float(r["relevance"])
    return challenges, companies, qrels


def sample_companies(
    companies: list[Document], qrels: dict[str, dict[str, float]], n: int, seed: int = 0
) -> list[Document]:
    """Every judged company plus ``n`` others drawn at random (``seed``), in corpus order.

    A cheaper corpus for a slow encoder: scores on it are higher than on the whole corpus
    (fewer distractors), so only methods measured on the same sample compare.
    """
    import random

    judged = {c for row in qrels.values() for c in row}
    others = [c.id for c in companies if c.id not in judged]
    random.Random(seed).shuffle(others)
    keep = judged | set(others[:n])
    return [c for c in companies if c.id in keep]


def _run_from_scores(
    queries: Sequence[str], score_fn: Callable[[int], np.ndarray], ids: Sequence[str]
) -> dict[str, list[str]]:
    return {
        q: [ids[k] for k in scoring.top_k(score_fn(n), RUN_DEPTH)] for n, q in enumerate(queries)
    }


def evaluate(
    directory: str | os.PathLike,
    encoder: BaseEncoder | None = None,
    cache_dir: str | os.PathLike | None = None,
    methods: Sequence[str] = METHODS,
    sample: int | None = None,
    multilingual_passages: int | None = None,
) -> dict:
    """Rank companies for every judged challenge with each method and score the rankings.

    Args:
        directory: Dataset folder.
        encoder: Encoder for ``embedding`` and ``matcher``; default: the bundled model with a
            :class:`DiskCache` under ``cache_dir``.
        cache_dir: Embedding cache folder (default :func:`default_cache_dir`).
        methods: Subset of :data:`METHODS`; ``multilingual`` (the multilingual encoder's
            embedding alone, as the matcher uses it) runs only when the encoder has one.
        sample: Rank only the judged companies and this many others (see
            :func:`sample_companies`); ``None`` ranks all.
        multilingual_passages: Passages of each text the multilingual encoder reads;
            ``None`` (the matcher's default) reads all.

    Returns:
        ``{"queries": n, "methods": {method: {"ndcg@10", "recall@10", "recall@50", "mrr"}}}``
    """
    challenges, companies, qrels = load_dataset(directory)
    if sample is not None:
        companies = sample_companies(companies, qrels, sample)
    judged = [c for c in challenges if c.id in qrels]
    company_ids = [c.id for c in companies]
    if encoder is None:
        encoder = Encoder(cache=DiskCache(cache_dir or default_cache_dir()))
    out: dict = {"queries": len(judged), "companies": len(companies), "methods": {}}
    q_texts = [challenge_text(c) for c in judged]
    qids = [c.id for c in judged]

    if "tfidf" in methods or "bm25" in methods:
        # The matcher's analysis: each text by the analyser of its language.
        co_docs = [(language_of(t), t) for t in (company_text(c) for c in companies)]
        q_docs = [(language_of(t), t) for t in q_texts]
        analyser = LanguageAnalyser().learn(co_docs + q_docs)
        terms = TermCounts(analyzer=analyser).fit(co_docs)
        q_counts = terms.transform(q_docs)
        if "tfidf" in methods:
            s = TfidfScorer().fit(terms.counts_).score(q_counts)
            out["methods"]["tfidf"] = evaluate_run(
                _run_from_scores(qids, lambda n: s[n], company_ids), qrels
            )
        if "bm25" in methods:
            s = BM25Scorer().fit(terms.counts_).score(q_counts)
            out["methods"]["bm25"] = evaluate_run(
                _run_from_scores(qids, lambda n: s[n], company_ids), qrels
            )
    if "embedding" in methods:
        # As the matcher reads them: a Norwegian text through its English gloss.
        co_texts = [company_text(c) for c in companies]
        co = mean_vectors(encoder.encode_documents(
            co_texts, reader=english_reader([language_of(t) for t in co_texts])))
        qv = mean_vectors(encoder.encode_documents(
            q_texts, reader=english_reader([language_of(t) for t in q_texts])))
        s = qv @ co.T
        out["methods"]["embedding"] = evaluate_run(
            _run_from_scores(qids, lambda n: s[n], company_ids), qrels
        )
    if "multilingual" in methods and getattr(encoder, "multilingual", None) is not None:
        probe = Matcher(encoder=encoder, multilingual_passages=multilingual_passages)
        encoders = probe.multilingual_encoders()
        if encoders is None:  # the encoder has a multilingual companion (checked above)
            raise RuntimeError("the multilingual encoders could not be resolved")
        query, enc = encoders
        cap = probe.multilingual_passages
        co = mean_vectors(
            enc.encode_documents([company_text(c) for c in companies], max_passages=cap)
        )
        qv = mean_vectors(query.encode_documents(q_texts, max_passages=cap))
        s = qv @ co.T
        out["methods"]["multilingual"] = evaluate_run(
            _run_from_scores(qids, lambda n: s[n], company_ids), qrels
        )
    if "matcher" in methods:
        m = Matcher(encoder=encoder, multilingual_passages=multilingual_passages).fit(
            challenges, companies)
        out["methods"]["matcher"] = evaluate_run(
            _run_from_scores(qids, lambda n: m.ranking_keys(qids[n]), m.company_ids_), qrels
        )
    out["methods"] = {k: out["methods"][k] for k in METHODS if k in out["methods"]}
    return out


def format_table(result: dict) -> str:
    """Plain-text table of an :func:`evaluate` result."""
    head = f"queries: {result['queries']}"
    if "companies" in result:
        head += f"  companies: {result['companies']}"
    lines = [head, f"{'method':<12} ndcg@10 recall@10 recall@50    mrr"]
    for name, m in result["methods"].items():
        lines.append(
            f"{name:<12} {m['ndcg@10']:7.3f} {m['recall@10']:9.3f} {m['recall@50']:9.3f}"
            f" {m['mrr']:6.3f}"
        )
    return "\n".join(lines)


def evaluate_areas(
    directory: str | os.PathLike,
    encoder: BaseEncoder | None = None,
    cache_dir: str | os.PathLike | None = None,
    folds: int = 5,
    seed: int = 0,
) -> dict:
    """Score area inference on labelled topics: zero-shot and supervised (cross-validated).

    ``directory`` holds ``topics.jsonl`` (``title``, ``description``, ``tech_areas`` or
    ``areas``) and ``taxonomy.jsonl`` (``id``, ``name``, optional ``description``).

    Zero-shot predicts the best area plus any area scoring at least ``ZERO_SHOT_RATIO`` of it;
    supervised predicts areas with probability >= 0.5 (at least the best one).

    Returns:
        ``{"topics": n, "areas": k, "zero_shot": {"micro_f1", "macro_f1"},
        "supervised": {"micro_f1", "macro_f1"}}``
    """
    from sklearn.metrics import f1_score
    from sklearn.model_selection import KFold

    from matching.taxonomy import AreaInferrer, area_text, load_areas

    d = Path(directory)
    areas = load_areas(_find(d, "taxonomy.jsonl"))
    ids = [a.id for a in areas]
    topics = _read_jsonl(_find(d, "topics.jsonl"))
    labels = [r.get("tech_areas") or r.get("areas") or [] for r in topics]
    Y = np.array([[a in lab for a in ids] for lab in labels], dtype=np.int8)
    if encoder is None:
        encoder = Encoder(cache=DiskCache(cache_dir or default_cache_dir()))
    texts = [f"{r.get('title', '')}. {r.get('description', '')}" for r in topics]
    X = mean_vectors(encoder.encode_documents(texts))
    area_vecs = encoder.encode([area_text(a) for a in areas])

    def scores(pred: np.ndarray) -> dict[str, float]:
        return {
            "micro_f1": float(f1_score(Y, pred, average="micro", zero_division=0)),
            "macro_f1": float(f1_score(Y, pred, average="macro", zero_division=0)),
        }

    zs = AreaInferrer().fit(area_vecs).zero_shot(X)
    zero = (zs >= ZERO_SHOT_RATIO * zs.max(axis=1, keepdims=True)).astype(np.int8)

    sup = np.zeros_like(Y)
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(X):
        p = AreaInferrer().fit(area_vecs, X[train], Y[train]).predict_proba(X[test])
        pred = (p >= 0.5).astype(np.int8)
        pred[np.arange(len(test)), p.argmax(axis=1)] = 1
        sup[test] = pred
    return {
        "topics": len(topics),
        "areas": len(ids),
        "zero_shot": scores(zero),
        "supervised": scores(sup),
    }


def calibrate(
    directory: str | os.PathLike,
    encoder: BaseEncoder,
    family: str,
    multilingual: bool = False,
    sample: int | None = None,
    negatives: int = 50,
    seed: int = 0,
    fitted_on: str = "",
) -> FitCalibration:
    """Fit the readable fit (:mod:`matching.calibration`) on a judged dataset.

    Every real match (a qrel) is a positive; ``negatives`` companies drawn at random per
    challenge from those not judged for it are the random pairs.

    Args:
        directory: Dataset folder.
        encoder: The encoder whose cosines are calibrated (with its multilingual companion
            when ``multilingual``).
        family: Name of the calibration (``minilm``, ``e5``).
        multilingual: Calibrate the multilingual encoder's cosines instead of the encoder's.
        sample: Rank only the judged companies and this many others.
        negatives: Random pairs per challenge.
        seed: Seed of the random pairs.
        fitted_on: Recorded in the calibration.

    Returns:
        The fitted calibration.
    """
    challenges, companies, qrels = load_dataset(directory)
    if sample is not None:
        companies = sample_companies(companies, qrels, sample)
    provisional = {"minilm": FitCalibration(family, 0.0, 1.0, 1.0,
                                            {"text": 0.0, "text_terms": 0.0}, 0.0)}
    m = Matcher(encoder=encoder, calibrations=provisional).fit(challenges, companies)
    rng = np.random.default_rng(seed)
    cosines: list[np.ndarray] = []
    tfidfs: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    pairings: Counter[str] = Counter()
    position = {cid: n for n, cid in enumerate(m.company_ids_)}
    for j, challenge in enumerate(m.challenges_):
        judged = qrels.get(challenge.id)
        if not judged:
            continue
        raw = m.text_evidence(challenge.id)
        cosine = raw["multilingual"] if multilingual else raw["cosine"]
        tfidf = raw["tfidf"]
        if cosine is None or tfidf is None:
            raise ValueError("the encoder has no multilingual companion")
        positives = [position[c] for c, grade in judged.items() if grade > 0 and c in position]
        pairings.update(pair_key(str(m.challenge_languages_[j]), str(m.company_languages_[i]))
                        for i in positives)
        others = np.setdiff1d(np.arange(len(position)), [position[c] for c in judged
                                                         if c in position])
        drawn = rng.choice(others, size=min(negatives, len(others)), replace=False)
        rows = np.concatenate([np.array(positives, dtype=np.int64), drawn])
        cosines.append(cosine[rows])
        tfidfs.append(tfidf[rows])
        labels.append(np.arange(len(rows)) < len(positives))
    pairing = pairings.most_common(1)[0][0] if pairings else "en-en"
    calibrator = FitCalibrator(family, fitted_on=fitted_on, pairing=pairing).fit(
        np.concatenate(cosines), np.concatenate(tfidfs), np.concatenate(labels)
    )
    return calibrator.calibration_


GRID_SHARES = (0.0, 0.25, 0.5, 0.6, 0.75, 0.9, 1.0)
GRID_FACTORS = (0.0, 0.25, 0.5, 0.75, 1.0)


def topic_fold(challenge_id: str) -> str:
    """``"A"`` or ``"B"``: the fold of a topic in the two-fold checks of docs/matching.md."""
    return "AB"[int(hashlib.sha256(challenge_id.encode("utf-8")).hexdigest(), 16) % 2]


def blend_grid(
    directory: str | os.PathLike,
    encoder: BaseEncoder,
    pairing: str,
    sample: int | None = None,
    shares: Sequence[float] = GRID_SHARES,
    factors: Sequence[float] = GRID_FACTORS,
) -> dict:
    """nDCG@10 of the matcher for every setting of one language pairing's blend.

    One matcher is fitted; each setting of ``pairing`` (the multilingual encoder's share of
    the semantic evidence, the factor on the lexical weight) is scored on all judged topics
    and on each fold (:func:`topic_fold`).

    Returns:
        ``{"queries", "companies", "pairing", "shipped", "grid": [{"multilingual", "lexical",
        "all", "A", "B"}, ...]}``
    """
    challenges, companies, qrels = load_dataset(directory)
    if sample is not None:
        companies = sample_companies(companies, qrels, sample)
    m = Matcher(encoder=encoder).fit(challenges, companies)
    if pairing not in m.blend_:
        raise ValueError(f"unknown language pairing {pairing!r}")
    qids = [c.id for c in challenges if c.id in qrels]
    folds = {"all": qids, **{f: [q for q in qids if topic_fold(q) == f] for f in "AB"}}
    shipped = dict(m.blend_[pairing])
    grid = []
    for share in shares:
        for factor in factors:
            m.blend_[pairing] = {"multilingual": share, "lexical": factor}
            runs = {q: [m.company_ids_[k] for k in scoring.top_k(m.ranking_keys(q), RUN_DEPTH)]
                    for q in qids}
            row = {"multilingual": share, "lexical": factor}
            for name, queries in folds.items():
                row[name] = evaluate_run({q: runs[q] for q in queries},
                                         {q: qrels[q] for q in queries})["ndcg@10"]
            grid.append(row)
    m.blend_[pairing] = shipped
    return {"queries": len(qids), "companies": len(companies), "pairing": pairing,
            "shipped": shipped, "grid": grid}


def format_grid(result: dict) -> str:
    """The grid as text: one row per share, nDCG@10 of all topics per lexical factor, and the
    folds of the shipped setting."""
    factors = sorted({row["lexical"] for row in result["grid"]})
    lines = [f"queries: {result['queries']}  companies: {result['companies']}  "
             f"pairing: {result['pairing']}",
             "share \\ lexical " + " ".join(f"{f:>6}" for f in factors)]
    for share in sorted({row["multilingual"] for row in result["grid"]}):
        cells = {row["lexical"]: row["all"] for row in result["grid"]
                 if row["multilingual"] == share}
        lines.append(f"{share:>15} " + " ".join(f"{cells[f]:6.3f}" for f in factors))
    shipped = result["shipped"]
    for row in result["grid"]:
        if (row["multilingual"], row["lexical"]) == (shipped["multilingual"], shipped["lexical"]):
            lines.append(f"shipped {shipped['multilingual']} / {shipped['lexical']}: all "
                         f"{row['all']:.3f}, fold A {row['A']:.3f}, fold B {row['B']:.3f}")
    return "\n".join(lines)

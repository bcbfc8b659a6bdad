"""The matcher: ranks companies for a challenge and challenges for a company."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from matching import scoring
from matching.cache import MemoryCache
from matching.encoders import VECTOR_DTYPES, BaseEncoder, Encoder, PassageVectors, l2_normalise
from matching.explain import build_matches
from matching.lexical import BM25Scorer, TermCounts, TfidfScorer
from matching.scoring import COMPONENTS, DEFAULT_WEIGHTS
from matching.taxonomy import (
    Area,
    AreaInferrer,
    area_text,
    explicit_profile,
    load_default_areas,
    overlap,
)
from matching.types import Document, Match

_default_encoder: BaseEncoder | None = None
_default_lock = threading.Lock()


def default_encoder() -> BaseEncoder:
    """The process-wide default :class:`Encoder` (bundled model, in-memory cache).

    Shared so that every default :class:`Matcher` loads the model once and reuses vectors.
    """
    global _default_encoder
    with _default_lock:
        if _default_encoder is None:
            _default_encoder = Encoder(cache=MemoryCache())
        return _default_encoder


def challenge_text(doc: Document) -> str:
    """Text matched for a challenge: the title leads, as it names the need most precisely."""
    return f"{doc.title}. {doc.text}" if doc.title else doc.text


def company_text(doc: Document) -> str:
    """Text matched for a company: its description (a company name says little about what it
    does, and would make name look-alikes match)."""
    return doc.text


def mean_vectors(pv: PassageVectors, chunk: int = 4096) -> np.ndarray:
    """Mean passage vector per document, L2-normalised, computed in chunks to bound memory."""
    out = np.empty((len(pv), pv.vectors.shape[1]), dtype=np.float32)
    for s in range(0, len(pv), chunk):
        e = min(s + chunk, len(pv))
        lo, hi = pv.offsets[s], pv.offsets[e]
        out[s:e] = np.add.reduceat(pv.rows(lo, hi), pv.offsets[s:e] - lo, axis=0)
    return l2_normalise(out)


def _trl_pair(trl: object) -> tuple[int, int] | None:
    if trl is None:
        return None
    if isinstance(trl, (int, np.integer)):
        return int(trl), int(trl)
    lo, hi = trl  # type: ignore[misc]
    return int(lo), int(hi)


def _region_key(region: str | None) -> str | None:
    return region.strip().casefold() if region and region.strip() else None


class Matcher:
    """Blends semantic, lexical, technology-area, TRL and region evidence into one score.

    The semantic and lexical evidence is standardised over the candidates being ranked and
    mapped linearly to [0, 1]; areas, TRL and region are absolute fits in [0, 1], neutral (0.5)
    when a side lacks them. The score is the weighted sum, so ``Match.components`` and
    ``Match.weights`` explain it exactly. See docs/matching.md.

    Args:
        weights: Blend weights per component (rescaled to sum 1); ``None`` uses
            :data:`DEFAULT_WEIGHTS`.
        encoder: Text encoder; ``None`` uses the shared default (all-MiniLM-L6-v2).
        areas: Technology areas; ``None`` loads the portal taxonomy.
        k1: BM25 term-frequency saturation.
        b: BM25 length normalisation.
        k3: BM25 query term-frequency saturation.
        n_terms: Shared terms reported per match.
        company_texts: Callable mapping company ids to their texts (the same texts given to
            :meth:`fit`). When given, the fitted matcher keeps no company documents: a large
            index then holds arrays only, and explanations fetch the texts of the companies
            they explain. ``None`` keeps the documents.
        vector_dtype: Storage of the passage vectors: ``"int8"`` (one scale per passage; a
            quarter of the memory, cosines within about 1e-3) or ``"float32"``.
    """

    def __init__(
        self,
        weights: dict[str, float] | None = None,
        encoder: BaseEncoder | None = None,
        areas: Sequence[Area] | None = None,
        k1: float = 1.2,
        b: float = 0.75,
        k3: float = 8.0,
        n_terms: int = 5,
        company_texts: Callable[[Sequence[str]], Mapping[str, str]] | None = None,
        vector_dtype: str = "int8",
    ) -> None:
        self.weights = weights
        self.encoder = encoder
        self.areas = areas
        self.k1 = k1
        self.b = b
        self.k3 = k3
        self.n_terms = n_terms
        self.company_texts = company_texts
        self.vector_dtype = vector_dtype

    # ------------------------------------------------------------------ fitting
    def _encoder(self) -> BaseEncoder:
        return self.encoder if self.encoder is not None else default_encoder()

    def _areas(self) -> list[Area]:
        return list(self.areas) if self.areas is not None else load_default_areas()

    def fit(self, challenges: Sequence[Document], companies: Sequence[Document]) -> Matcher:
        """Encode both sides (through the encoder's cache) and build the lexical index.

        Args:
            challenges: Challenge documents.
            companies: Company documents.

        Returns:
            self
        """
        if self.vector_dtype not in VECTOR_DTYPES:
            raise ValueError(
                f"vector_dtype must be one of {VECTOR_DTYPES}, not {self.vector_dtype!r}"
            )
        enc = self._encoder()
        self.encoder_ = enc
        self.weights_ = scoring.normalise_weights(self.weights)
        self.challenges_ = list(challenges)
        self.companies_ = list(companies)
        self.challenge_ids_ = [d.id for d in self.challenges_]
        self.company_ids_ = [d.id for d in self.companies_]
        self._challenge_index = {c: i for i, c in enumerate(self.challenge_ids_)}
        self._company_index = {c: i for i, c in enumerate(self.company_ids_)}
        if len(self._challenge_index) != len(self.challenges_):
            raise ValueError("duplicate challenge ids")
        if len(self._company_index) != len(self.companies_):
            raise ValueError("duplicate company ids")

        # Lexical side first: its temporary buffers are freed before the vectors arrive.
        self.terms_ = TermCounts().fit([company_text(d) for d in self.companies_])
        counts = self.terms_.counts_
        del self.terms_.counts_
        self.challenge_counts_ = self.terms_.transform(
            [challenge_text(d) for d in self.challenges_]
        )
        self.bm25_ = BM25Scorer(self.k1, self.b, self.k3).fit(counts)
        self.challenge_queries_ = self.bm25_.query_weights(self.challenge_counts_)
        self.tfidf_ = TfidfScorer().fit(counts, keep_matrix=False)
        # Same sparsity as the BM25 weights: share their index arrays, store only the values.
        w = self.bm25_.weights_
        tfidf = self.tfidf_.transform(sp.csr_matrix((counts.data, w.indices, w.indptr), w.shape))
        if np.array_equal(tfidf.indptr, w.indptr) and np.array_equal(tfidf.indices, w.indices):
            tfidf = sp.csr_matrix((tfidf.data, w.indices, w.indptr), w.shape)
        self.company_tfidf_ = tfidf
        self.challenge_tfidf_ = self.tfidf_.transform(self.challenge_counts_)
        del counts, tfidf

        enc_stats = {}
        # int8 codes are written as vectors arrive: the float32 matrix never exists whole.
        self.company_vectors_ = enc.encode_documents(
            [company_text(d) for d in self.companies_], dtype=self.vector_dtype
        )
        enc_stats["companies"] = dict(enc.last_stats)
        self.challenge_vectors_ = enc.encode_documents(
            [challenge_text(d) for d in self.challenges_], dtype=self.vector_dtype
        )
        enc_stats["challenges"] = dict(enc.last_stats)
        self.encode_stats_ = enc_stats
        cv = self.company_vectors_
        self.company_norms_ = scoring.pooled_norms(cv.vectors, cv.offsets, scales=cv.scales)
        self.challenge_pooled_ = mean_vectors(self.challenge_vectors_)

        self.areas_ = self._areas()
        self._fit_areas()

        self.company_trl_ = np.array(
            [_company_level(d.trl) for d in self.companies_], dtype=np.int16
        )
        keys = sorted(
            {k for d in self.challenges_ + self.companies_ if (k := _region_key(d.region))}
        )
        self._region_codes = {k: i for i, k in enumerate(keys)}
        self._region_names = keys
        self.company_region_ = np.array(
            [self._region_code(d.region) for d in self.companies_], dtype=np.int32
        )
        self.challenge_region_ = np.array(
            [self._region_code(d.region) for d in self.challenges_], dtype=np.int32
        )
        if self.company_texts is not None:
            del self.companies_  # explanations rebuild what they need from the arrays
        return self

    def _region_code(self, region: str | None) -> int:
        key = _region_key(region)
        return self._region_codes.get(key, -1) if key else -1

    def _fit_areas(self) -> None:
        enc = self.encoder_
        ids = [a.id for a in self.areas_]
        area_vecs = enc.encode([area_text(a) for a in self.areas_]) if ids else None
        labelled = [
            (pv, i, d)
            for pv, docs in (
                (self.challenge_vectors_, self.challenges_),
                (self.company_vectors_, self.companies_),
            )
            for i, d in enumerate(docs)
            if d.areas
        ]
        X = Y = None
        if labelled and ids:
            X = np.stack([l2_normalise(pv.doc_passages(i).mean(axis=0)) for pv, i, _ in labelled])
            Y = np.stack([np.isin(ids, d.areas) for _, _, d in labelled]).astype(np.int8)
        self.area_inferrer_ = None
        if ids:
            self.area_inferrer_ = AreaInferrer().fit(area_vecs, X, Y)
        self.challenge_explicit_ = np.array([bool(d.areas) for d in self.challenges_], dtype=bool)
        self.company_explicit_ = np.array([bool(d.areas) for d in self.companies_], dtype=bool)
        self.challenge_areas_ = self._area_profiles(self.challenges_, self.challenge_vectors_)
        self.company_areas_ = self._area_profiles(self.companies_, self.company_vectors_)

    def _area_profiles(self, docs: Sequence[Document], pv: PassageVectors) -> np.ndarray:
        n_areas = len(self.areas_)
        out = np.zeros((len(docs), n_areas), dtype=np.float32)
        if not n_areas:
            return out
        chunk = 4096
        for s in range(0, len(docs), chunk):
            part = PassageVectors(
                pv.rows(pv.offsets[s], pv.offsets[min(s + chunk, len(docs))]),
                pv.offsets[s : min(s + chunk, len(docs)) + 1] - pv.offsets[s],
            )
            out[s : s + len(part)] = self.area_inferrer_.profile(mean_vectors(part))
        for i, d in enumerate(docs):
            if d.areas:
                out[i] = explicit_profile(d.areas, self.areas_)
        return out

    # ------------------------------------------------------------------ scoring
    def _rows(self, mask: np.ndarray | None, n: int) -> np.ndarray | None:
        if mask is None:
            return None
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (n,):
            raise ValueError(f"mask must be a boolean array of shape ({n},)")
        return np.flatnonzero(mask)

    def _company_components(
        self, j: int, rows: np.ndarray | None
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Components of challenge ``j`` against companies ``rows`` (None: all)."""
        cv = self.company_vectors_
        sem = scoring.pooled_similarity(
            self.challenge_pooled_[j], cv.vectors, cv.offsets, self.company_norms_, rows,
            scales=cv.scales,
        )
        w = self.bm25_.weights_ if rows is None else self.bm25_.weights_[rows]
        t = self.company_tfidf_ if rows is None else self.company_tfidf_[rows]
        bm = np.asarray((w @ self.challenge_queries_[j].T).toarray()).ravel()
        tf = np.asarray((t @ self.challenge_tfidf_[j].T).toarray()).ravel()
        areas = self.company_areas_ if rows is None else self.company_areas_[rows]
        explicit = self.company_explicit_ if rows is None else self.company_explicit_[rows]
        ar = _areas_fit(
            overlap(self.challenge_areas_[j], areas), explicit | self.challenge_explicit_[j]
        )
        trl = self.company_trl_ if rows is None else self.company_trl_[rows]
        reg = self.company_region_ if rows is None else self.company_region_[rows]
        comps = {
            "semantic": scoring.normalise(sem),
            "lexical": scoring.normalise(scoring.standardise(bm) + scoring.standardise(tf)),
            "areas": ar,
            "trl": scoring.trl_fit(_trl_pair(self.challenges_[j].trl), trl),
            "region": scoring.region_fit(int(self.challenge_region_[j]), reg),
        }
        idx = np.arange(len(self.company_ids_)) if rows is None else rows
        return comps, idx

    def _challenge_components(
        self, i: int, rows: np.ndarray | None
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Components of company ``i`` against challenges ``rows`` (None: all)."""
        company = l2_normalise(self.company_vectors_.doc_passages(i).sum(axis=0))
        pooled = self.challenge_pooled_ if rows is None else self.challenge_pooled_[rows]
        sem = pooled @ company
        q = self.challenge_queries_ if rows is None else self.challenge_queries_[rows]
        qt = self.challenge_tfidf_ if rows is None else self.challenge_tfidf_[rows]
        bm = np.asarray((q @ self.bm25_.weights_[i].T).toarray()).ravel()
        tf = np.asarray((qt @ self.company_tfidf_[i].T).toarray()).ravel()
        ch_areas = self.challenge_areas_ if rows is None else self.challenge_areas_[rows]
        idx = np.arange(len(self.challenges_)) if rows is None else rows
        ar = _areas_fit(
            _overlap_many(ch_areas, self.company_areas_[i]),
            self.challenge_explicit_[idx] | self.company_explicit_[i],
        )
        level = self.company_trl_[i : i + 1]
        trl = np.array([scoring.trl_fit(_trl_pair(self.challenges_[j].trl), level)[0] for j in idx])
        reg_i = int(self.company_region_[i])
        ch_reg = self.challenge_region_[idx]
        reg = scoring.region_fit(reg_i, ch_reg) if len(idx) else np.zeros(0)
        comps = {
            "semantic": scoring.normalise(sem),
            "lexical": scoring.normalise(scoring.standardise(bm) + scoring.standardise(tf)),
            "areas": ar,
            "trl": trl,
            "region": reg,
        }
        return comps, idx

    def company_document(self, i: int) -> Document:
        """Fitted company ``i`` as a document (without its text when ``company_texts`` is
        given: id, explicit areas, TRL and region come from the index's arrays)."""
        if self.company_texts is None:
            return self.companies_[i]
        level = int(self.company_trl_[i])
        region = int(self.company_region_[i])
        chosen = ()
        if self.company_explicit_[i]:
            profile = self.company_areas_[i]
            chosen = tuple(a.id for a, v in zip(self.areas_, profile, strict=True) if v == 1.0)
        return Document(
            id=self.company_ids_[i],
            text="",
            areas=chosen,
            trl=(level, level) if level else None,
            region=self._region_names[region] if region >= 0 else None,
        )

    def company_text_of(self, indices: Sequence[int]) -> dict[int, str]:
        """The texts of fitted companies ``indices`` (from ``company_texts`` when given;
        a company it does not return gets an empty text)."""
        if self.company_texts is None:
            return {i: company_text(self.companies_[i]) for i in indices}
        ids = {i: self.company_ids_[i] for i in indices}
        found = self.company_texts(list(ids.values())) if ids else {}
        return {i: found.get(cid, "") for i, cid in ids.items()}

    def _check_fitted(self) -> None:
        if not hasattr(self, "company_vectors_"):
            raise RuntimeError("Matcher is not fitted; call fit(challenges, companies) first")

    def rank_companies(
        self, challenge_id: str, top_k: int = 20, mask: np.ndarray | None = None
    ) -> list[Match]:
        """Best companies for a challenge, explained.

        Args:
            challenge_id: A fitted challenge id.
            top_k: Number of matches returned.
            mask: Boolean array over :attr:`company_ids_`; only ``True`` companies are scored.

        Returns:
            Matches, best first.
        """
        self._check_fitted()
        j = self._challenge_index[challenge_id]
        rows = self._rows(mask, len(self.company_ids_))
        comps, idx = self._company_components(j, rows)
        scores = scoring.blend(comps, self.weights_)
        order = scoring.top_k(scores, top_k)
        return self._matches([(j, int(idx[p])) for p in order], comps, order)

    def rank_challenges(
        self, company_id: str, top_k: int = 20, mask: np.ndarray | None = None
    ) -> list[Match]:
        """Best challenges for a company, explained.

        Args:
            company_id: A fitted company id.
            top_k: Number of matches returned.
            mask: Boolean array over :attr:`challenge_ids_`; only ``True`` challenges are
                scored.

        Returns:
            Matches, best first.
        """
        self._check_fitted()
        i = self._company_index[company_id]
        rows = self._rows(mask, len(self.challenges_))
        comps, idx = self._challenge_components(i, rows)
        scores = scoring.blend(comps, self.weights_)
        order = scoring.top_k(scores, top_k)
        return self._matches([(int(idx[p]), i) for p in order], comps, order)

    def score_companies(self, challenge_id: str, mask: np.ndarray | None = None) -> np.ndarray:
        """Scores of all (or the allowed) companies for a challenge, without explanations.

        Returns:
            ``(n_allowed,)`` scores in the order of the allowed entries of
            :attr:`company_ids_`.
        """
        self._check_fitted()
        j = self._challenge_index[challenge_id]
        comps, _ = self._company_components(j, self._rows(mask, len(self.company_ids_)))
        return scoring.blend(comps, self.weights_)

    def explain(
        self,
        challenge_id: str,
        company_id: str,
        mask: np.ndarray | None = None,
    ) -> Match:
        """Explain one pair as it scores when ranking companies for the challenge.

        Args:
            challenge_id: A fitted challenge id.
            company_id: A fitted company id.
            mask: The company mask used for ranking (components are relative to the
                candidates ranked); the company must be allowed by it.

        Returns:
            The pair's :class:`Match` (``rank`` 0).
        """
        self._check_fitted()
        j = self._challenge_index[challenge_id]
        i = self._company_index[company_id]
        rows = self._rows(mask, len(self.company_ids_))
        if rows is not None and not mask[i]:
            raise ValueError(f"company {company_id!r} is masked out")
        comps, idx = self._company_components(j, rows)
        p = i if rows is None else int(np.searchsorted(idx, i))
        return self._matches([(j, i)], comps, np.array([p]), ranked=False)[0]

    def _matches(
        self,
        pairs: list[tuple[int, int]],
        comps: dict[str, np.ndarray],
        positions: np.ndarray,
        ranked: bool = True,
    ) -> list[Match]:
        values = [{k: float(v[p]) for k, v in comps.items()} for p in positions]
        ranks = list(range(1, len(pairs) + 1)) if ranked else [0] * len(pairs)
        return build_matches(self, pairs, values, ranks)

    # ------------------------------------------------------------------ weights
    def components_for_pairs(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Component values (columns in :data:`COMPONENTS` order) of challenge-company pairs,
        each normalised over all fitted companies."""
        self._check_fitted()
        out = np.zeros((len(pairs), len(COMPONENTS)))
        by_challenge: dict[str, list[int]] = {}
        for n, (c, _) in enumerate(pairs):
            by_challenge.setdefault(c, []).append(n)
        for c, ns in by_challenge.items():
            comps, _ = self._company_components(self._challenge_index[c], None)
            cols = [self._company_index[pairs[n][1]] for n in ns]
            for k, name in enumerate(COMPONENTS):
                out[ns, k] = comps[name][cols]
        return out

    def fit_weights(self, judgements: Sequence[tuple[str, str, bool]], C: float = 1.0) -> Matcher:
        """Learn blend weights from judged ``(challenge_id, company_id, relevant)`` pairs.

        Uses logistic regression with non-negative coefficients (see
        :func:`matching.scoring.learn_weights`); sets :attr:`weights_`.

        Returns:
            self
        """
        X = self.components_for_pairs([(c, o) for c, o, _ in judgements])
        y = np.array([bool(r) for _, _, r in judgements])
        self.weights_ = scoring.learn_weights(X, y, COMPONENTS, C=C)
        return self

    # ------------------------------------------------------------------ areas
    def suggest_areas(self, text: str, top_k: int = 5) -> list[tuple[str, float]]:
        """Technology areas a text is most likely about (for the profile editor).

        Works before :meth:`fit` too (zero-shot only).

        Args:
            text: Free text, e.g. a company profile being edited.
            top_k: Number of suggestions.

        Returns:
            ``(area_id, score)`` pairs, best first; scores in [0, 1].
        """
        inferrer = getattr(self, "area_inferrer_", None)
        enc = getattr(self, "encoder_", None) or self._encoder()
        areas = getattr(self, "areas_", None) or self._areas()
        if inferrer is None:
            if not areas:
                return []
            inferrer = AreaInferrer().fit(enc.encode([area_text(a) for a in areas]))
            self.areas_ = areas
            self.encoder_ = enc
            self.area_inferrer_ = inferrer
        vec = enc.encode([text])
        p = inferrer.predict_proba(vec)[0]
        order = np.argsort(-p, kind="stable")[:top_k]
        return [(areas[k].id, float(p[k])) for k in order]


def _company_level(trl: object) -> int:
    pair = _trl_pair(trl)
    return 0 if pair is None else round((pair[0] + pair[1]) / 2)


def _areas_fit(coverage: np.ndarray, explicit: np.ndarray) -> np.ndarray:
    """Area coverage where at least one side chose its areas, neutral elsewhere.

    Two inferred profiles only restate the text similarity (and measurably add noise), so
    they are not counted twice.
    """
    return np.where(explicit, coverage, scoring.NEUTRAL).astype(np.float64)


def _overlap_many(challenge_areas: np.ndarray, company_area: np.ndarray) -> np.ndarray:
    totals = challenge_areas.sum(axis=1)
    covered = np.minimum(challenge_areas, company_area[None, :]).sum(axis=1)
    return np.where(totals > 0, covered / np.maximum(totals, 1e-12), 0.0).astype(np.float32)


__all__ = ["DEFAULT_WEIGHTS", "Matcher", "default_encoder"]

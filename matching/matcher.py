"""The matcher: ranks companies for a challenge and challenges for a company."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from matching import multilingual as ml
from matching import scoring
from matching.area_index import AreaIndex
from matching.cache import MemoryCache
from matching.calibration import (
    FitCalibration,
    calibration_for,
    load_calibrations,
)
from matching.candidates import CandidateScoring, Scored
from matching.documents import (
    challenge_text,
    company_level,
    company_text,
    mean_vectors,
    region_key,
)
from matching.encoders import VECTOR_DTYPES, BaseEncoder, Encoder
from matching.explain import build_matches, known_evidence
from matching.gloss import english_reader
from matching.lexical import BM25Scorer, TermCounts, TfidfScorer
from matching.multilingual_index import MultilingualIndex
from matching.scoring import COMPONENTS, DEFAULT_WEIGHTS
from matching.taxonomy import (
    Area,
    AreaInferrer,
    load_default_areas,
)
from matching.types import Document, Match
from matching.update import CompanyUpdates

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


class Matcher(CandidateScoring, AreaIndex, MultilingualIndex, CompanyUpdates):
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
        multilingual_encoder: A second encoder that places texts of different languages in
            one space (e.g. :class:`matching.e5.E5Encoder`); ``None`` uses the encoder's
            ``multilingual`` companion if it has one (see :func:`matching.make_encoder`),
            else ``encoder`` alone.
        multilingual_query_prefix: For an encoder with prefixes (``with_prefix``), the
            prefix of the challenge side (e.g. ``"query"``); ``None`` (default) encodes both
            sides alike (e5: ``passage: ``), which measured the same and gives every text one
            vector whichever side it is on.
        multilingual_passages: The multilingual encoder reads at most this many passages of
            each text (it is about ten times slower); ``None`` (default) reads all: on the
            Bokmål excerpts the matcher scored 0.322 reading all, 0.266 reading two (before
            the English gloss).
        pairing_blend: Overrides of :data:`matching.multilingual.DEFAULT_PAIRING_BLEND`.
        calibrations: Fit calibrations by encoder family (see :mod:`matching.calibration`);
            ``None`` loads the shipped ones.
        area_warm_start: The ``area_inferrer_`` of an earlier fit over the same areas: the
            area classifiers start from it (:meth:`matching.taxonomy.AreaInferrer.fit`), so
            a refit after a small change of the data is quick.
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
        multilingual_encoder: BaseEncoder | None = None,
        multilingual_query_prefix: str | None = None,
        multilingual_passages: int | None = None,
        pairing_blend: Mapping[str, Mapping[str, float]] | None = None,
        calibrations: Mapping[str, FitCalibration] | None = None,
        area_warm_start: AreaInferrer | None = None,
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
        self.multilingual_encoder = multilingual_encoder
        self.multilingual_query_prefix = multilingual_query_prefix
        self.multilingual_passages = multilingual_passages
        self.pairing_blend = pairing_blend
        self.calibrations = calibrations
        self.area_warm_start = area_warm_start

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

        self.blend_ = ml.pairing_blend(self.pairing_blend)
        co_texts = [company_text(d) for d in self.companies_]
        ch_texts = [challenge_text(d) for d in self.challenges_]
        self.company_languages_ = ml.languages(co_texts)
        self.challenge_languages_ = ml.languages(ch_texts)
        co_docs = list(zip(self.company_languages_.tolist(), co_texts, strict=True))
        ch_docs = list(zip(self.challenge_languages_.tolist(), ch_texts, strict=True))
        del co_texts, ch_texts
        # Lexical side first: its temporary buffers are freed before the vectors arrive.
        analyser = ml.LanguageAnalyser().learn(co_docs + ch_docs)
        self.terms_ = TermCounts(analyzer=analyser).fit(co_docs)
        counts = self.terms_.counts_
        del self.terms_.counts_
        self.challenge_counts_ = self.terms_.transform(ch_docs)
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
        # The English encoder reads a Norwegian text's English gloss (matching.gloss).
        self.company_vectors_ = enc.encode_documents(
            [company_text(d) for d in self.companies_], dtype=self.vector_dtype,
            reader=english_reader(self.company_languages_),
        )
        enc_stats["companies"] = dict(enc.last_stats)
        self.challenge_vectors_ = enc.encode_documents(
            [challenge_text(d) for d in self.challenges_], dtype=self.vector_dtype,
            reader=english_reader(self.challenge_languages_),
        )
        enc_stats["challenges"] = dict(enc.last_stats)
        self.encode_stats_ = enc_stats
        cv = self.company_vectors_
        self.company_norms_ = scoring.pooled_norms(cv.vectors, cv.offsets, scales=cv.scales)
        self.challenge_pooled_ = mean_vectors(self.challenge_vectors_)
        self._fit_multilingual(enc_stats)
        calibrations = (dict(self.calibrations) if self.calibrations is not None
                        else load_calibrations())
        self.calibration_ = calibration_for(enc.model_id, calibrations)
        encoders = self.multilingual_encoders() if self.multilingual_ is not None else None
        self.multilingual_calibration_ = (
            calibration_for(encoders[1].model_id, calibrations) if encoders else None
        )

        self.areas_ = self._areas()
        self._fit_areas()

        self.company_trl_ = np.array(
            [company_level(d.trl) for d in self.companies_], dtype=np.int16
        )
        keys = sorted(
            {k for d in self.challenges_ + self.companies_ if (k := region_key(d.region))}
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
        key = region_key(region)
        return self._region_codes.get(key, -1) if key else -1

    # ------------------------------------------------------------------ scoring
    def _rows(self, mask: np.ndarray | None, n: int) -> np.ndarray | None:
        if mask is None:
            return None
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (n,):
            raise ValueError(f"mask must be a boolean array of shape ({n},)")
        return np.flatnonzero(mask)

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
        self,
        challenge_id: str,
        top_k: int = 20,
        mask: np.ndarray | None = None,
        boost: np.ndarray | None = None,
        min_fit: float = 0.0,
    ) -> list[Match]:
        """Best companies for a challenge, explained.

        Args:
            challenge_id: A fitted challenge id.
            top_k: Number of matches returned.
            mask: Boolean array over :attr:`company_ids_`; only ``True`` companies are scored.
            boost: An addition to the fit of each company (array over :attr:`company_ids_`,
                e.g. an event's regional boost). Given, companies are ordered by fit plus
                boost (clipped to 1), and each match records its ``boost``.
            min_fit: Only companies whose fit (before any boost) is at least this are
                returned: a boost may order companies that fit, never bring in one that does
                not.

        Returns:
            Matches, best first.
        """
        self._check_fitted()
        j = self._challenge_index[challenge_id]
        rows = self._rows(mask, len(self.company_ids_))
        scored = self._company_components(j, rows)
        added = np.zeros(len(scored.idx))
        if boost is not None:
            boost = np.asarray(boost, dtype=np.float64)
            if boost.shape != (len(self.company_ids_),):
                raise ValueError(f"boost must have shape ({len(self.company_ids_)},)")
            added = boost[scored.idx]
        key = self._order_key(scored, added if boost is not None else None)
        eligible = np.flatnonzero(scored.fit >= min_fit)
        order = eligible[scoring.top_k(key[eligible], top_k)]
        return self._matches([(j, int(scored.idx[p])) for p in order], scored, order, added)

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
        scored = self._challenge_components(i, rows)
        order = scoring.top_k(self._order_key(scored, None), top_k)
        return self._matches([(int(scored.idx[p]), i) for p in order], scored, order)

    def score_companies(self, challenge_id: str, mask: np.ndarray | None = None) -> np.ndarray:
        """Ranking scores of all (or the allowed) companies for a challenge, without
        explanations.

        Returns:
            ``(n_allowed,)`` scores in the order of the allowed entries of
            :attr:`company_ids_`.
        """
        self._check_fitted()
        j = self._challenge_index[challenge_id]
        return self._company_components(j, self._rows(mask, len(self.company_ids_))).scores

    def fit_companies(
        self, challenge_id: str, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Fits and absolute evidence of all (or the allowed) companies for a challenge.

        Returns:
            ``(fits, evidence)``, arrays in the order of the allowed entries of
            :attr:`company_ids_` (see :mod:`matching.calibration`).
        """
        self._check_fitted()
        j = self._challenge_index[challenge_id]
        scored = self._company_components(j, self._rows(mask, len(self.company_ids_)))
        return scored.fit, scored.evidence

    def text_evidence(self, challenge_id: str) -> dict[str, np.ndarray | None]:
        """Raw text evidence of every fitted company for a challenge, before calibration:
        ``cosine`` (the encoder's), ``multilingual`` (the multilingual encoder's, or
        ``None``) and ``tfidf`` (what :mod:`matching.calibration` is fitted on)."""
        self._check_fitted()
        return self._company_components(self._challenge_index[challenge_id], None).raw

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
        if rows is not None and mask is not None and not mask[i]:
            raise ValueError(f"company {company_id!r} is masked out")
        scored = self._company_components(j, rows)
        p = i if rows is None else int(np.searchsorted(scored.idx, i))
        return self._matches([(j, i)], scored, np.array([p]), ranked=False)[0]

    def ranking_keys(self, challenge_id: str, mask: np.ndarray | None = None) -> np.ndarray:
        """What :meth:`rank_companies` sorts the allowed companies by (higher first), in the
        order of the allowed entries of :attr:`company_ids_` (for evaluation)."""
        self._check_fitted()
        j = self._challenge_index[challenge_id]
        scored = self._company_components(j, self._rows(mask, len(self.company_ids_)))
        return self._order_key(scored, None)

    def _matches(
        self,
        pairs: list[tuple[int, int]],
        scored: Scored,
        positions: np.ndarray,
        boost: np.ndarray | None = None,
        ranked: bool = True,
    ) -> list[Match]:
        values = [{k: float(v[p]) for k, v in scored.comps.items()} for p in positions]
        weights = [scored.per_key[scored.keys[p]] for p in positions]
        ranks = list(range(1, len(pairs) + 1)) if ranked else [0] * len(pairs)
        matches = build_matches(self, pairs, values, ranks, weights,
                                [scored.keys[p] for p in positions])
        return [
            replace(
                match,
                fit=float(scored.fit[p]),
                evidence={k: float(v[p]) for k, v in scored.evidence.items()
                          if k in known_evidence(self, j, i)},
                boost=float(boost[p]) if boost is not None else 0.0,
            )
            for match, p, (j, i) in zip(matches, positions, pairs, strict=True)
        ]

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
            comps = self._company_components(self._challenge_index[c], None).comps
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


__all__ = [
    "DEFAULT_WEIGHTS",
    "Matcher",
    "challenge_text",
    "company_text",
    "default_encoder",
    "mean_vectors",
]

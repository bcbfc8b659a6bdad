"""Scoring the candidates of one ranking: components, the ranking score, evidence and the fit.

Mixed into :class:`matching.Matcher`; reads the fitted state declared in
:class:`matching.fitted.MatcherState`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching import multilingual as ml
from matching import scoring
from matching.calibration import EVIDENCE, band_levels, pairing_anchors
from matching.documents import areas_fit, overlap_many, trl_pair
from matching.encoders import l2_normalise
from matching.fitted import MatcherState
from matching.taxonomy import overlap


@dataclass
class Scored:
    """The candidates of one ranking, scored: components, ranking scores, evidence, fits.

    Arrays are aligned with ``idx`` (the candidates' positions in the fitted index).
    """

    comps: dict[str, np.ndarray]
    idx: np.ndarray
    keys: np.ndarray
    scores: np.ndarray
    per_key: dict[str, dict[str, float]]
    evidence: dict[str, np.ndarray]
    fit: np.ndarray
    raw: dict[str, np.ndarray | None]


class CandidateScoring(MatcherState):
    """Scores every candidate of a ranking at once (arrays in, arrays out)."""

    def _company_components(self, j: int, rows: np.ndarray | None) -> Scored:
        """Components, evidence and fit of challenge ``j`` against companies ``rows``
        (None: all)."""
        cv = self.company_vectors_
        sem = scoring.pooled_similarity(
            self.challenge_pooled_[j],
            cv.vectors,
            cv.offsets,
            self.company_norms_,
            rows,
            scales=cv.scales,
        )
        w = self.bm25_.weights_ if rows is None else self.bm25_.weights_[rows]
        t = self.company_tfidf_ if rows is None else self.company_tfidf_[rows]
        bm = np.asarray((w @ self.challenge_queries_[j].T).toarray()).ravel()
        tf = np.asarray((t @ self.challenge_tfidf_[j].T).toarray()).ravel()
        areas = self.company_areas_ if rows is None else self.company_areas_[rows]
        explicit = self.company_explicit_ if rows is None else self.company_explicit_[rows]
        ar = areas_fit(
            overlap(self.challenge_areas_[j], areas), explicit | self.challenge_explicit_[j]
        )
        trl = self.company_trl_ if rows is None else self.company_trl_[rows]
        reg = self.company_region_ if rows is None else self.company_region_[rows]
        idx = np.arange(len(self.company_ids_)) if rows is None else rows
        keys = ml.pairings(self.challenge_languages_[j], self.company_languages_[idx])
        multi = None
        if self.multilingual_ is not None:
            mv = self.multilingual_["companies"]
            multi = scoring.pooled_similarity(
                self.multilingual_["challenge_pooled"][j],
                mv.vectors,
                mv.offsets,
                self.multilingual_["company_norms"],
                rows,
                scales=mv.scales,
            )
        semantic, lexical = ml.text_components(keys, sem, multi, bm, tf, self.blend_)
        comps = {
            "semantic": semantic,
            "lexical": lexical,
            "areas": ar,
            "trl": scoring.trl_fit(trl_pair(self.challenges_[j].trl), trl),
            "region": scoring.region_fit(int(self.challenge_region_[j]), reg),
        }
        return self._scored(comps, idx, keys, sem, multi, tf)

    def _challenge_components(self, i: int, rows: np.ndarray | None) -> Scored:
        """Components, evidence and fit of company ``i`` against challenges ``rows``
        (None: all)."""
        company = l2_normalise(self.company_vectors_.doc_passages(i).sum(axis=0))
        pooled = self.challenge_pooled_ if rows is None else self.challenge_pooled_[rows]
        sem = pooled @ company
        q = self.challenge_queries_ if rows is None else self.challenge_queries_[rows]
        qt = self.challenge_tfidf_ if rows is None else self.challenge_tfidf_[rows]
        bm = np.asarray((q @ self.bm25_.weights_[i].T).toarray()).ravel()
        tf = np.asarray((qt @ self.company_tfidf_[i].T).toarray()).ravel()
        ch_areas = self.challenge_areas_ if rows is None else self.challenge_areas_[rows]
        idx = np.arange(len(self.challenges_)) if rows is None else rows
        ar = areas_fit(
            overlap_many(ch_areas, self.company_areas_[i]),
            self.challenge_explicit_[idx] | self.company_explicit_[i],
        )
        level = self.company_trl_[i : i + 1]
        trl = np.array([scoring.trl_fit(trl_pair(self.challenges_[j].trl), level)[0] for j in idx])
        reg_i = int(self.company_region_[i])
        ch_reg = self.challenge_region_[idx]
        reg = scoring.region_fit(reg_i, ch_reg) if len(idx) else np.zeros(0)
        # The challenge is the query of a pairing's blend, whichever side is being ranked.
        keys = np.array(
            [
                ml.pair_key(lang, self.company_languages_[i])
                for lang in self.challenge_languages_[idx].tolist()
            ],
            dtype=np.object_,
        )
        multi = None
        if self.multilingual_ is not None:
            vec = l2_normalise(self.multilingual_["companies"].doc_passages(i).sum(axis=0))
            pooled_ml = self.multilingual_["challenge_pooled"]
            multi = (pooled_ml if rows is None else pooled_ml[rows]) @ vec
        semantic, lexical = ml.text_components(keys, sem, multi, bm, tf, self.blend_)
        comps = {
            "semantic": semantic,
            "lexical": lexical,
            "areas": ar,
            "trl": trl,
            "region": reg,
        }
        return self._scored(comps, idx, keys, sem, multi, tf)

    def _scored(
        self,
        comps: dict[str, np.ndarray],
        idx: np.ndarray,
        keys: np.ndarray,
        cosine: np.ndarray,
        multi: np.ndarray | None,
        tfidf: np.ndarray,
    ) -> Scored:
        """Blend the components and compute the absolute evidence and fit of each candidate.

        The text evidence of a pairing whose semantic part uses the multilingual encoder comes
        from that encoder's cosine (with its calibration): across languages, MiniLM's cosine
        says little. A pairing a calibration was not fitted on is anchored on its own
        candidates (:func:`matching.calibration.pairing_anchors`).
        """
        scores, per_key = self._blend(comps, keys)
        n = len(idx)
        evidence = {name: np.zeros(n) for name in EVIDENCE}
        for name in ("areas", "trl", "region"):
            evidence[name] = np.asarray(comps[name], dtype=np.float64)
        fit = np.zeros(n)
        for key in ml.unique_keys(keys):
            sel = keys == key
            multilingual = (multi is not None and self.multilingual_calibration_ is not None
                            and self.blend_[key]["multilingual"] > 0)
            if multilingual:
                assert multi is not None and self.multilingual_calibration_ is not None
                calibration, cos = self.multilingual_calibration_, multi[sel]
            else:
                calibration, cos = self.calibration_, cosine[sel]
            low, span = pairing_anchors(calibration, str(key), cos)
            text, terms = calibration.evidence(cos, tfidf[sel], low=low, span=span)
            evidence["text"][sel], evidence["terms"][sel] = text, terms
            fit[sel] = calibration.fit_scores({k: v[sel] for k, v in evidence.items()})
        raw = {"cosine": cosine, "multilingual": multi, "tfidf": tfidf}
        return Scored(comps, idx, keys, scores, per_key, evidence, fit, raw)

    def _blend(
        self, comps: dict[str, np.ndarray], keys: np.ndarray
    ) -> tuple[np.ndarray, dict[str, dict[str, float]]]:
        """Scores under each candidate's pairing weights, and the weights of each pairing."""
        weights, per_key = ml.candidate_weights(keys, self.weights_, self.blend_)
        return scoring.blend(comps, weights), per_key

    @staticmethod
    def _order_key(scored: Scored, boost: np.ndarray | None) -> np.ndarray:
        """What a ranking sorts by (higher first).

        Candidates of one language pairing: the ranking score. A pool of several pairings
        (English and Norwegian companies for one challenge) is standardised per pairing, so
        each pairing has its own top; the pairings are then merged by the band of the fit
        (each pairing's order kept: a candidate's band counts as no better than that of any
        candidate its pairing ranks above it) and by the ranking score within a band.
        Without the merge, the best Norwegian company of an English challenge stood fourth
        with a weak fit of 15, above strong English ones. Ordering one pairing by band too
        lowered evaluation scores (docs/matching.md).

        With a boost: the fit plus the boost (the boost is on the fit's scale, which is what
        a person reads).
        """
        if boost is not None:
            return np.minimum(scored.fit + boost, 1.0)
        pairings = ml.unique_keys(scored.keys)
        if len(pairings) <= 1:
            return scored.scores
        levels = band_levels(scored.fit).astype(np.float64)
        for pairing in pairings:
            members = np.flatnonzero(scored.keys == pairing)
            in_order = members[np.argsort(-scored.scores[members], kind="stable")]
            levels[in_order] = np.minimum.accumulate(levels[in_order])
        return levels * 2.0 + scored.scores

"""Technology-area profiles of the matcher's documents, in English and Norwegian.

A document that lists no areas gets an inferred profile (see :class:`AreaInferrer`). English
texts are compared with the English area names and descriptions through the matcher's
encoder (zero-shot, or the classifiers learned from labelled documents). Norwegian texts are
compared with the Norwegian names and descriptions, through the multilingual encoder when one
is configured (zero-shot: the labelled examples live in the English encoder's space).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matching.documents import mean_vectors
from matching.encoders import BaseEncoder, PassageVectors, l2_normalise
from matching.fitted import MatcherState
from matching.gloss import english_gloss
from matching.language import NORWEGIAN, detect_language
from matching.taxonomy import AreaInferrer, area_text, explicit_profile
from matching.types import Document


class AreaIndex(MatcherState):
    """Area profiles and suggestions; mixed into :class:`matching.Matcher`."""

    def _norwegian_encoder(self) -> BaseEncoder:
        """Encoder for Norwegian area inference: the multilingual one (company side) when
        configured, else the matcher's encoder."""
        enc = getattr(self, "multilingual_encoder", None)
        if enc is None:
            enc = getattr(self.encoder_, "multilingual", None)
        return enc if enc is not None else self.encoder_

    def _norwegian_inferrer(self) -> AreaInferrer | None:
        inferrer = getattr(self, "area_inferrer_nb_", None)
        if inferrer is None and self.areas_:
            enc = self._norwegian_encoder()
            texts = [area_text(a, NORWEGIAN) for a in self.areas_]
            inferrer = AreaInferrer().fit(enc.encode(texts))
            self.area_inferrer_nb_ = inferrer
        return inferrer

    def _required_norwegian_inferrer(self) -> AreaInferrer:
        """The Norwegian inferrer, where the areas are known to be non-empty."""
        inferrer = self._norwegian_inferrer()
        if inferrer is None:
            raise RuntimeError("Norwegian area inference needs at least one area")
        return inferrer

    def _fit_areas(self) -> None:
        enc = self.encoder_
        ids = [a.id for a in self.areas_]
        labelled = [
            (pv, i, d)
            for pv, docs in (
                (self.challenge_vectors_, self.challenges_),
                (self.company_vectors_, self.companies_),
            )
            for i, d in enumerate(docs)
            if d.areas
        ]
        X: np.ndarray | None = None
        Y: np.ndarray | None = None
        if labelled and ids:
            X = np.stack([l2_normalise(pv.doc_passages(i).mean(axis=0)) for pv, i, _ in labelled])
            Y = np.stack([np.isin(ids, d.areas) for _, _, d in labelled]).astype(np.int8)
        self.area_inferrer_ = None
        self.area_inferrer_nb_ = None
        if ids:
            area_vecs = enc.encode([area_text(a) for a in self.areas_])
            self.area_inferrer_ = AreaInferrer().fit(area_vecs, X, Y,
                                                     warm_start=self.area_warm_start)
        self.challenge_explicit_ = np.array(
            [bool(d.areas) for d in self.challenges_], dtype=np.bool_
        )
        self.company_explicit_ = np.array([bool(d.areas) for d in self.companies_], dtype=np.bool_)
        multi = getattr(self, "multilingual_", None)
        self.challenge_areas_ = self._area_profiles(
            self.challenges_, self.challenge_vectors_, self.challenge_languages_,
            multi["challenges"] if multi is not None else None,
        )
        self.company_areas_ = self._area_profiles(
            self.companies_, self.company_vectors_, self.company_languages_,
            multi["companies"] if multi is not None else None,
        )

    def _area_profiles(
        self,
        docs: Sequence[Document],
        pv: PassageVectors,
        langs: np.ndarray,
        multilingual: PassageVectors | None,
    ) -> np.ndarray:
        """Area profiles of ``docs`` from their passage vectors ``pv`` (and, for Norwegian
        texts, the multilingual encoder's ``multilingual`` when there is one)."""
        n_areas = len(self.areas_)
        out = np.zeros((len(docs), n_areas), dtype=np.float32)
        if not n_areas:
            return out
        inferrer = self.area_inferrer_
        if inferrer is None:
            raise RuntimeError("area profiles need the area inferrer (fitted with the areas)")
        chunk = 4096
        for s in range(0, len(docs), chunk):
            part = PassageVectors(
                pv.rows(pv.offsets[s], pv.offsets[min(s + chunk, len(docs))]),
                pv.offsets[s : min(s + chunk, len(docs)) + 1] - pv.offsets[s],
            )
            out[s : s + len(part)] = inferrer.profile(mean_vectors(part))
        # Without a multilingual encoder, a Norwegian text's vectors are of its English gloss
        # and the English profile above stands.
        norwegian = np.flatnonzero(langs == NORWEGIAN)
        if len(norwegian) and multilingual is not None:
            source = multilingual
            X = l2_normalise(np.stack([source.doc_passages(int(i)).sum(axis=0) for i in norwegian]))
            out[norwegian] = self._required_norwegian_inferrer().profile(X)
        for i, d in enumerate(docs):
            if d.areas:
                out[i] = explicit_profile(d.areas, self.areas_)
        return out

    def suggest_areas(self, text: str, top_k: int = 5) -> list[tuple[str, float]]:
        """Technology areas a text is most likely about (for the profile editor).

        Works before :meth:`fit` too (zero-shot only). A Norwegian text is compared with
        the Norwegian area descriptions (zero-shot, through the multilingual encoder when
        there is one).

        Args:
            text: Free text, e.g. a company profile being edited.
            top_k: Number of suggestions.

        Returns:
            ``(area_id, score)`` pairs, best first; scores in [0, 1].
        """
        inferrer = getattr(self, "area_inferrer_", None)
        enc = getattr(self, "encoder_", None) or self._encoder()
        areas = getattr(self, "areas_", None) or self._areas()
        if not areas:
            return []
        self.areas_ = areas
        self.encoder_ = enc
        norwegian = detect_language(text) == NORWEGIAN
        if norwegian and self._norwegian_encoder() is not enc:
            p = self._required_norwegian_inferrer().zero_shot(
                self._norwegian_encoder().encode([text])
            )[0]
        else:
            if norwegian:  # the English encoder reads its English gloss
                text = english_gloss(text)
            if inferrer is None:
                inferrer = AreaInferrer().fit(enc.encode([area_text(a) for a in areas]))
                self.area_inferrer_ = inferrer
            p = inferrer.predict_proba(enc.encode([text]))[0]
        order = np.argsort(-p, kind="stable")[:top_k]
        return [(areas[k].id, float(p[k])) for k in order]

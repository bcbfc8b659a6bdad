"""The matcher's configuration and fitted state read by its index mixins.

:class:`matching.Matcher` sets these in ``__init__`` and ``fit`` (fitted attributes end in
``_``, scikit-learn style); :class:`matching.area_index.AreaIndex` and
:class:`matching.multilingual_index.MultilingualIndex` read them. Declared here, without
values, so that each mixin is checked against the same types.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from matching.calibration import FitCalibration
from matching.encoders import BaseEncoder, PassageVectors
from matching.lexical import BM25Scorer
from matching.taxonomy import Area, AreaInferrer
from matching.types import Document


class MatcherState:
    """Attributes shared by the matcher and its mixins (declarations only)."""

    # Configuration (set in ``__init__``).
    vector_dtype: str
    multilingual_encoder: BaseEncoder | None
    multilingual_query_prefix: str | None
    multilingual_passages: int | None
    area_warm_start: AreaInferrer | None

    # Fitted state (set in ``fit``).
    encoder_: BaseEncoder
    areas_: list[Area]
    challenges_: list[Document]
    companies_: list[Document]
    challenge_languages_: np.ndarray
    company_languages_: np.ndarray
    challenge_vectors_: PassageVectors
    company_vectors_: PassageVectors
    multilingual_: dict | None
    area_inferrer_: AreaInferrer | None
    area_inferrer_nb_: AreaInferrer | None
    challenge_explicit_: np.ndarray
    company_explicit_: np.ndarray
    challenge_areas_: np.ndarray
    company_areas_: np.ndarray
    company_ids_: list[str]
    weights_: dict[str, float]
    blend_: dict[str, dict[str, float]]
    challenge_pooled_: np.ndarray
    company_norms_: np.ndarray
    bm25_: BM25Scorer
    company_tfidf_: Any  # scipy.sparse.csr_matrix (scipy ships no types)
    challenge_queries_: Any
    challenge_tfidf_: Any
    company_trl_: np.ndarray
    company_region_: np.ndarray
    challenge_region_: np.ndarray
    calibration_: FitCalibration
    multilingual_calibration_: FitCalibration | None
    terms_: Any  # matching.lexical.TermCounts
    tfidf_: Any  # matching.lexical.TfidfScorer
    _company_index: dict[str, int]
    _region_codes: dict[str, int]

    def _encoder(self) -> BaseEncoder:
        """The configured encoder, or the default one (defined by the matcher)."""
        raise NotImplementedError

    def _areas(self) -> list[Area]:
        """The configured areas, or the default taxonomy (defined by the matcher)."""
        raise NotImplementedError

    def _region_code(self, region: str | None) -> int:
        """The fitted code of a region, -1 for none (defined by the matcher)."""
        raise NotImplementedError

    def multilingual_encoders(self) -> tuple[BaseEncoder, BaseEncoder] | None:
        """The multilingual encoders of both sides (defined by the multilingual index)."""
        raise NotImplementedError

    def _area_profiles(self, docs: Any, pv: PassageVectors, langs: np.ndarray,
                       multilingual: PassageVectors | None) -> np.ndarray:
        """Area profiles of documents (defined by the area index)."""
        raise NotImplementedError

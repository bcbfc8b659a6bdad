"""Taking changed companies into a fitted matcher without fitting it again.

A portal saves one profile at a time; refitting the whole index for each save costs seconds at
10,000 companies (docs/benchmarks.md). :meth:`CompanyUpdates.with_companies` returns a copy of
the fitted matcher in which the saved companies' rows are replaced: their language, terms,
passage vectors, area profile, TRL and region. Everything learned from the whole corpus stays
as fitted: the vocabulary and IDF, the area classifiers, the calibrations. A word the corpus
did not have counts from the next whole fit on, as a new company or area does.

The copy shares every array it does not replace with the original, which is never written
to, so threads still ranking on the original are not disturbed.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Self

import numpy as np
import scipy.sparse as sp

from matching import multilingual as ml
from matching import scoring
from matching.documents import company_level, company_text, region_key
from matching.fitted import MatcherState
from matching.gloss import english_reader
from matching.types import Document


def replace_rows(matrix: sp.csr_matrix, rows: Sequence[int], new: sp.csr_matrix) -> sp.csr_matrix:
    """A copy of a CSR ``matrix`` with row ``rows[k]`` replaced by row ``k`` of ``new``."""
    keep = np.ones(matrix.shape[0], dtype=bool)
    keep[list(rows)] = False
    order = np.concatenate([np.flatnonzero(keep), np.asarray(rows, dtype=np.int64)])
    stacked = sp.vstack([matrix[keep], new], format="csr")
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return stacked[inverse].tocsr()


class CompanyUpdates(MatcherState):
    """Replacing companies' rows of a fitted matcher; mixed into :class:`matching.Matcher`."""

    def with_companies(self, docs: Sequence[Document]) -> Self:
        """A copy of this fitted matcher with new versions of some of its companies.

        Args:
            docs: Companies that were fitted (by id), as they are now.

        Returns:
            The updated copy (``self`` is unchanged).

        Raises:
            ValueError: A document is not a fitted company, or names a region the fit did
                not see; fit the matcher again instead.
        """
        if not docs:
            return self
        unknown = [d.id for d in docs if d.id not in self._company_index]
        if unknown:
            raise ValueError(f"not fitted companies: {unknown[:5]}")
        regions = [region_key(d.region) for d in docs]
        if any(key and key not in self._region_codes for key in regions):
            raise ValueError("a company names a region the fit did not see")
        rows = [self._company_index[d.id] for d in docs]
        texts = [company_text(d) for d in docs]
        langs = ml.languages(texts)
        new = copy.copy(self)

        new.company_languages_ = self.company_languages_.copy()
        new.company_languages_[rows] = langs
        counts = self.terms_.transform(list(zip(langs.tolist(), texts, strict=True)))
        new.bm25_ = copy.copy(self.bm25_)
        new.bm25_.weights_ = replace_rows(self.bm25_.weights_, rows,
                                          self.bm25_.document_weights(counts))
        new.bm25_.lengths_ = self.bm25_.lengths_.copy()
        new.bm25_.lengths_[rows] = np.asarray(counts.sum(axis=1)).ravel()
        new.company_tfidf_ = replace_rows(self.company_tfidf_, rows,
                                          self.tfidf_.transform(counts))

        enc = self.encoder_
        vectors = enc.encode_documents(texts, dtype=self.vector_dtype,
                                       reader=english_reader(langs.tolist()))
        new.company_vectors_ = self.company_vectors_.replace_documents(rows, vectors)
        new.company_norms_ = self.company_norms_.copy()
        new.company_norms_[rows] = scoring.pooled_norms(vectors.vectors, vectors.offsets,
                                                        scales=vectors.scales)
        multilingual = None
        if self.multilingual_ is not None:
            encoders = self.multilingual_encoders()
            assert encoders is not None  # the fit found them
            multilingual = encoders[1].encode_documents(
                texts, dtype=self.vector_dtype, max_passages=self.multilingual_passages)
            companies = self.multilingual_["companies"].replace_documents(rows, multilingual)
            norms = self.multilingual_["company_norms"].copy()
            norms[rows] = scoring.pooled_norms(multilingual.vectors, multilingual.offsets,
                                               scales=multilingual.scales)
            new.multilingual_ = {**self.multilingual_, "companies": companies,
                                 "company_norms": norms}

        new.company_explicit_ = self.company_explicit_.copy()
        new.company_explicit_[rows] = [bool(d.areas) for d in docs]
        new.company_areas_ = self.company_areas_.copy()
        new.company_areas_[rows] = self._area_profiles(docs, vectors, langs, multilingual)
        new.company_trl_ = self.company_trl_.copy()
        new.company_trl_[rows] = [company_level(d.trl) for d in docs]
        new.company_region_ = self.company_region_.copy()
        new.company_region_[rows] = [self._region_code(d.region) for d in docs]
        if hasattr(self, "companies_"):
            new.companies_ = list(self.companies_)
            for row, doc in zip(rows, docs, strict=True):
                new.companies_[row] = doc
        return new

"""Lexical scorers: TF-IDF (scikit-learn) and BM25 (scipy.sparse), sharing one tokeniser."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfTransformer

_TOKEN = re.compile(r"[a-z][a-z0-9]+")
# Words frequent in calls for proposals and project abstracts that say nothing about the
# technology; they only add noise to lexical matching.
_DOMAIN_STOP = frozenset(
    """
    phase ii iii sbir sttr proposed propose proposal objective objectives description develop
    developed developing development demonstrate demonstrated demonstration project program
    effort research technology technologies innovative approach approaches capability
    capabilities provide provides provided using use used based new also will may can able
    need needs needed required require requires requirement requirements current currently
    potential commercial military government dod navy army air force applications application
    work offeror offerors small business company firm award feasibility performance system
    systems solution solutions including include includes well high low design designs
    """.split()  # noqa: SIM905
)
# Number words and words too general to say why two parties fit (beyond scikit-learn's list):
# as shared terms they only explain a match by accident ("minus" in "minus 30 degrees").
UNINFORMATIVE_EN = frozenset(
    """
    seven thirty hundreds thousand thousands million millions billion second fourth fifth
    plus minus know known thing things kind kinds way ways lot lots like
    """.split()  # noqa: SIM905
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | _DOMAIN_STOP | UNINFORMATIVE_EN

# What :class:`TermCounts` counts: a text, or a ``(language, text)`` pair for an analyser
# that reads the language.
TermDoc = str | tuple[str, str]
Analyzer = Callable[[str], list[str]] | Callable[[tuple[str, str]], list[str]]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Conflate plural forms (a light stemmer: terms stay readable in explanations)."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-case, split into alphanumeric words, drop stop words, conflate plurals."""
    return [stem(w) for w in _TOKEN.findall(text.lower()) if w not in STOP_WORDS]


class TermCounts:
    """Shared vocabulary and term counts, so TF-IDF and BM25 tokenise each text once.

    Args:
        min_df: Minimum document frequency of a kept term.
        max_df: Maximum document frequency (fraction) of a kept term.
        analyzer: Callable from a document to its terms (default :func:`tokenize`); a
            language-aware one takes ``(language, text)`` pairs.
    """

    def __init__(
        self, min_df: int = 1, max_df: float = 1.0, analyzer: Analyzer | None = None
    ) -> None:
        self.min_df = min_df
        self.max_df = max_df
        self.analyzer = analyzer

    def fit(self, texts: Sequence[TermDoc]) -> TermCounts:
        """Learn the vocabulary on ``texts`` and keep their counts in ``counts_``."""
        self.vectorizer_ = CountVectorizer(
            analyzer=self.analyzer or tokenize,
            min_df=self.min_df,
            max_df=self.max_df,
            dtype=np.float32,
        )
        self.counts_ = self.vectorizer_.fit_transform(texts).tocsr()
        self.terms_ = self.vectorizer_.get_feature_names_out()
        return self

    def transform(self, texts: Sequence[TermDoc]) -> sp.csr_matrix:
        """Return term counts of ``texts`` over the learned vocabulary."""
        return self.vectorizer_.transform(texts).tocsr()


class TfidfScorer:
    """Cosine similarity of sublinear TF-IDF vectors.

    Args:
        sublinear_tf: Use ``1 + log(tf)``.
    """

    def __init__(self, sublinear_tf: bool = True) -> None:
        self.sublinear_tf = sublinear_tf

    def fit(self, counts: sp.spmatrix, keep_matrix: bool = True) -> TfidfScorer:
        """Learn IDF from corpus ``counts``.

        Args:
            counts: Corpus term counts.
            keep_matrix: Keep the normalised corpus matrix in ``matrix_`` (needed by
                :meth:`score`; a caller that only transforms a few rows can save the memory).

        Returns:
            self
        """
        self.transformer_ = TfidfTransformer(sublinear_tf=self.sublinear_tf)
        self.transformer_.fit(counts)
        self.idf_ = self.transformer_.idf_.astype(np.float32)
        if keep_matrix:
            self.matrix_ = self.transform(counts)
        return self

    def transform(self, counts: sp.spmatrix) -> sp.csr_matrix:
        """Return L2-normalised TF-IDF vectors for query ``counts``."""
        return self.transformer_.transform(counts).tocsr().astype(np.float32)

    def score(self, query_counts: sp.spmatrix, rows: np.ndarray | None = None) -> np.ndarray:
        """Return the ``(n_queries, n_docs)`` cosine similarities (docs limited to ``rows``)."""
        q = self.transform(query_counts)
        m = self.matrix_ if rows is None else self.matrix_[rows]
        return np.asarray((q @ m.T).toarray(), dtype=np.float32)


class BM25Scorer:
    """Okapi BM25 over term counts, as one sparse matrix product.

    The document side is precomputed as a weight matrix ``W[d, t] = idf(t) * tf * (k1 + 1) /
    (tf + k1 * (1 - b + b * len(d) / avglen))``, so scoring a query is ``W @ q``.

    Args:
        k1: Term-frequency saturation.
        b: Length normalisation (0 none, 1 full).
        k3: Query term-frequency saturation; ``None`` counts each query term once.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75, k3: float | None = 8.0) -> None:
        self.k1 = k1
        self.b = b
        self.k3 = k3

    def fit(self, counts: sp.spmatrix) -> BM25Scorer:
        """Build ``weights_`` (docs x terms) and ``idf_`` from corpus ``counts``."""
        tf = sp.csr_matrix(counts, dtype=np.float32, copy=True)
        n_docs = tf.shape[0]
        df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float64)
        self.idf_ = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        lengths = np.asarray(tf.sum(axis=1)).ravel().astype(np.float32)
        self.lengths_ = lengths
        self.avg_len_ = float(lengths.mean()) if n_docs else 0.0
        self.weights_ = self.document_weights(tf)
        return self

    def document_weights(self, counts: sp.spmatrix) -> sp.csr_matrix:
        """BM25 weights of documents given by their term ``counts``, with the fitted IDF
        and average length (a changed document of the corpus: its new row of ``weights_``)."""
        tf = sp.csr_matrix(counts, dtype=np.float32, copy=True)
        lengths = np.asarray(tf.sum(axis=1)).ravel().astype(np.float32)
        norm = self.k1 * (1.0 - self.b + self.b * lengths / max(self.avg_len_, 1e-9))
        row_norm = np.repeat(norm, np.diff(tf.indptr)).astype(np.float32)
        data = tf.data
        tf.data = self.idf_[tf.indices] * data * (self.k1 + 1.0) / (data + row_norm)
        tf.eliminate_zeros()
        return tf

    def _length_norm(self, rows: np.ndarray) -> np.ndarray:
        return self.k1 * (1.0 - self.b + self.b * self.lengths_[rows] / max(self.avg_len_, 1e-9))

    def term_counts(self, rows: np.ndarray) -> sp.csr_matrix:
        """Recover the term counts of corpus documents ``rows`` from the weights.

        The weights are an invertible function of the counts, so the index need not keep both.
        """
        w = self.weights_[rows].tocsr()
        norm = np.repeat(self._length_norm(np.asarray(rows)), np.diff(w.indptr))
        top = self.idf_[w.indices] * (self.k1 + 1.0)
        w.data = np.rint(w.data * norm / np.maximum(top - w.data, 1e-12)).astype(np.float32)
        return w

    def query_weights(self, query_counts: sp.spmatrix) -> sp.csr_matrix:
        """Return query term weights (binary or k3-saturated counts)."""
        q = sp.csr_matrix(query_counts, dtype=np.float32, copy=True)
        if self.k3 is None:
            q.data = np.ones_like(q.data)
        else:
            q.data = q.data * (self.k3 + 1.0) / (q.data + self.k3)
        return q

    def score(self, query_counts: sp.spmatrix, rows: np.ndarray | None = None) -> np.ndarray:
        """Return the ``(n_queries, n_docs)`` BM25 scores (docs limited to ``rows``)."""
        q = self.query_weights(query_counts)
        w = self.weights_ if rows is None else self.weights_[rows]
        return np.asarray((q @ w.T).toarray(), dtype=np.float32)

"""Matching quality with the real model on texts that say the same thing in other words.

The labelled set (:mod:`tests.matching.paraphrases`) pairs every challenge with a fitting
company that shares none of its content words and an unfitting one that borrows them. Only a
model of meaning can rank the fitting company high; shared words cannot. The negative control
runs the same check with an encoder that gives every text the same vector and requires it to
fail, so the check cannot pass on words alone.
"""

import re

import numpy as np
import pytest

from matching import Matcher, MemoryCache
from matching.encoders import BaseEncoder, l2_normalise
from matching.lexical import BM25Scorer, TermCounts

from . import paraphrases

pytestmark = pytest.mark.slow

# Words that carry no topic, for checking the data itself (not the library's list).
FUNCTION_WORDS = {"with", "that", "this", "they", "their", "them", "from", "into", "before",
                  "where", "which", "need", "needs", "seek", "across", "around", "between"}


def content_words(text: str) -> set[str]:
    """Words of four or more letters, compared by their first five letters (plurals and
    inflections meet), function words left out."""
    words = re.findall(r"[a-z]{4,}", text.lower())
    return {w[:5] for w in words if w not in FUNCTION_WORDS}


class ConstantEncoder(BaseEncoder):
    """Every text gets the same vector: nothing but words can separate companies."""

    model_name = "constant"

    @property
    def model_id(self) -> str:
        return "constant/8"

    @property
    def dim(self) -> int:
        return 8

    def _embed(self, passages: list[str]) -> np.ndarray:
        return l2_normalise(np.ones((len(passages), 8), dtype=np.float32))


def rank_of_fit(scores: np.ndarray, company_ids: list[str], fitting: str) -> int:
    """Rank of the fitting company, ties counted against it (an arbitrary order of equal
    scores must not help either ranking)."""
    mine = scores[company_ids.index(fitting)]
    others = np.delete(scores, company_ids.index(fitting))
    return 1 + int(np.sum(others >= mine))


def words_only_ranks() -> dict[str, int]:
    """BM25 over the same texts: the words-only baseline."""
    companies = paraphrases.companies()
    ids = [c.id for c in companies]
    counts = TermCounts().fit([c.text for c in companies])
    bm25 = BM25Scorer().fit(counts.counts_)
    ranks = {}
    for challenge in paraphrases.challenges():
        query = counts.transform([challenge.text])
        scores = np.asarray((bm25.weights_ @ query.T).toarray()).ravel()
        ranks[challenge.id] = rank_of_fit(scores, ids, f"{challenge.id}:fits")
    return ranks


def matcher_ranks(encoder) -> dict[str, int]:
    companies = paraphrases.companies()
    matcher = Matcher(encoder=encoder).fit(paraphrases.challenges(), companies)
    ids = list(matcher.company_ids_)
    return {challenge.id: rank_of_fit(matcher.score_companies(challenge.id), ids,
                                      f"{challenge.id}:fits")
            for challenge in paraphrases.challenges()}


def mean_reciprocal_rank(ranks: dict[str, int]) -> float:
    return float(np.mean([1.0 / r for r in ranks.values()]))


def assert_meaning_beats_words(encoder) -> None:
    model, words = matcher_ranks(encoder), words_only_ranks()
    # Only the word-borrowing company may stand above the fitting one: every other company
    # (twelve of them) is ranked below it.
    assert max(model.values()) <= 2, model
    assert mean_reciprocal_rank(model) >= mean_reciprocal_rank(words) + 0.25, (model, words)


def test_fitting_companies_share_no_content_word_with_their_challenge():
    for key, (challenge, fitting, borrowing) in paraphrases.PAIRS.items():
        assert not content_words(challenge) & content_words(fitting), key
        assert len(content_words(challenge) & content_words(borrowing)) >= 3, key


def test_words_alone_cannot_find_the_paraphrases():
    ranks = words_only_ranks()
    assert all(rank > 2 for rank in ranks.values()), ranks


def test_the_real_model_ranks_paraphrases_above_words_only_matching(real_encoder):
    assert_meaning_beats_words(real_encoder)


def test_negative_control_the_check_fails_with_a_constant_encoder():
    with pytest.raises(AssertionError):
        assert_meaning_beats_words(ConstantEncoder(cache=MemoryCache()))

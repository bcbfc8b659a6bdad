"""Taking changed companies into a fitted matcher (``Matcher.with_companies``)."""

import numpy as np
import pytest

from matching import Document, Matcher, MemoryCache
from matching.encoders import PassageVectors
from matching.lexical import BM25Scorer, TermCounts
from matching.testing import HashingEncoder
from tests.matching.test_matcher import AREAS, CHALLENGES, COMPANIES


def _fit(companies):
    return Matcher(encoder=HashingEncoder(cache=MemoryCache()), areas=AREAS).fit(
        CHALLENGES, companies)


def _changed():
    # Words the corpus already has: a whole fit's vocabulary is the same, so only the IDF of
    # the changed words moves, and the orders agree.
    first = COMPANIES[0]
    return Document(first.id, "Field kitchens and rations for soldiers, with composite armour.",
                    areas=(), trl=first.trl, region=first.region)


def test_a_changed_company_ranks_as_after_a_whole_fit():
    m = _fit(COMPANIES)
    updated = m.with_companies([_changed()])
    whole = _fit([_changed(), *COMPANIES[1:]])
    for challenge in CHALLENGES:
        ours = [x.company_id for x in updated.rank_companies(challenge.id, top_k=len(COMPANIES))]
        theirs = [x.company_id for x in whole.rank_companies(challenge.id, top_k=len(COMPANIES))]
        assert ours == theirs, challenge.id
    kitchen = [x.company_id for x in updated.rank_companies("kitchen", top_k=2)]
    assert COMPANIES[0].id in kitchen
    assert updated.company_languages_[0] == "en"


def test_the_original_matcher_is_left_as_it_was():
    m = _fit(COMPANIES)
    before = {c.id: m.ranking_keys(c.id).copy() for c in CHALLENGES}
    vectors = m.company_vectors_.vectors.copy()
    m.with_companies([_changed()])
    for challenge in CHALLENGES:
        np.testing.assert_array_equal(m.ranking_keys(challenge.id), before[challenge.id])
    np.testing.assert_array_equal(m.company_vectors_.vectors, vectors)


def test_unknown_companies_and_regions_need_a_whole_fit():
    m = _fit(COMPANIES)
    with pytest.raises(ValueError, match="not fitted"):
        m.with_companies([Document("nobody", "Sonar.")])
    with pytest.raises(ValueError, match="region"):
        m.with_companies([Document(COMPANIES[0].id, "Sonar.", region="Atlantis")])
    assert m.with_companies([]) is m


def test_replace_documents_keeps_the_others_and_takes_new_passage_counts():
    pv = PassageVectors(np.arange(12, dtype=np.float32).reshape(6, 2), np.array([0, 2, 3, 6]))
    new = PassageVectors(np.full((3, 2), -1, dtype=np.float32), np.array([0, 3]))
    out = pv.replace_documents([1], new)
    assert out.offsets.tolist() == [0, 2, 5, 8]
    np.testing.assert_array_equal(out.doc_passages(0), pv.doc_passages(0))
    np.testing.assert_array_equal(out.doc_passages(1), new.doc_passages(0))
    np.testing.assert_array_equal(out.doc_passages(2), pv.doc_passages(2))
    assert pv.offsets.tolist() == [0, 2, 3, 6]  # unchanged
    quantised = PassageVectors(pv.vectors.astype(np.int8), pv.offsets, None,
                               np.ones(6, dtype=np.float32))
    with pytest.raises(ValueError, match="mix"):
        quantised.replace_documents([0], new)


def test_bm25_weights_of_a_document_are_its_row_of_the_fit():
    counts = TermCounts().fit([c.text for c in COMPANIES]).counts_
    scorer = BM25Scorer().fit(counts)
    np.testing.assert_allclose(scorer.document_weights(counts[2]).toarray(),
                               scorer.weights_[2].toarray(), rtol=1e-6)

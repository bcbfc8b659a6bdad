import math

import numpy as np
import pytest

from matching.lexical import BM25Scorer, TermCounts, TfidfScorer, tokenize

CORPUS = [
    "sonar arrays and hydrophones for submarine detection sonar",
    "catering and food for soldiers",
    "radar signal processing radar antennas and radar arrays for air surveillance systems",
    "underwater acoustic modems",
]


def naive_bm25(query, docs, k1, b):
    toks = [tokenize(d) for d in docs]
    avg = sum(map(len, toks)) / len(toks)
    n = len(docs)
    out = []
    for t in toks:
        s = 0.0
        for term in set(tokenize(query)):
            df = sum(term in x for x in toks)
            tf = t.count(term)
            if not tf:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            s += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(t) / avg))
        out.append(s)
    return np.array(out)


@pytest.mark.parametrize("k1,b", [(1.2, 0.75), (2.0, 0.3), (0.5, 1.0)])
def test_bm25_matches_the_textbook_formula(k1, b):
    tc = TermCounts().fit(CORPUS)
    query = "radar arrays for submarine sonar"
    got = BM25Scorer(k1=k1, b=b, k3=None).fit(tc.counts_).score(tc.transform([query]))[0]
    np.testing.assert_allclose(got, naive_bm25(query, CORPUS, k1, b), rtol=1e-5)


def test_bm25_counts_can_be_recovered_from_weights():
    tc = TermCounts().fit(CORPUS)
    bm = BM25Scorer().fit(tc.counts_)
    rows = np.array([2, 0])
    np.testing.assert_array_equal(bm.term_counts(rows).toarray(), tc.counts_[rows].toarray())


def test_tfidf_ranks_the_on_topic_document_first():
    tc = TermCounts().fit(CORPUS)
    s = TfidfScorer().fit(tc.counts_).score(tc.transform(["hydrophone sonar"]))[0]
    assert s.argmax() == 0
    assert s[1] == 0.0


def test_tokenize_drops_stop_words_and_conflates_plurals():
    assert tokenize("The Sonars and the sonar batteries") == ["sonar", "sonar", "battery"]

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.text import passage_spans, split_passages, text_hash, word_windows

words = st.text(alphabet="abcdefgh", min_size=1, max_size=6)
separators = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n "])


@st.composite
def texts(draw):
    n = draw(st.integers(0, 500))
    ws = draw(st.lists(words, min_size=n, max_size=n))
    seps = draw(st.lists(separators, min_size=n, max_size=n))
    return "".join(w + s for w, s in zip(ws, seps, strict=True))


@given(st.integers(0, 2000), st.integers(1, 200), st.data())
def test_word_windows_cover_everything_within_limits(n, window, data):
    overlap = data.draw(st.integers(0, window - 1))
    spans = word_windows(n, window, overlap)
    covered = set()
    for s, e in spans:
        assert 0 <= s < e <= n
        assert e - s <= window
        covered.update(range(s, e))
    assert covered == set(range(n))
    for (s1, e1), (s2, _) in itertools.pairwise(spans):
        assert s2 > s1
        assert e1 - s2 >= overlap  # consecutive windows share at least `overlap` words


@settings(max_examples=60, deadline=None)
@given(texts(), st.sampled_from([(150, 30), (20, 5), (7, 0), (3, 2)]))
def test_passages_cover_the_whole_text_in_order(text, params):
    window, overlap = params
    all_words = text.split()
    spans = passage_spans(text, window, overlap)
    passages = split_passages(text, window, overlap)
    assert len(spans) == len(passages)
    covered = set()
    for (s, e), p in zip(spans, passages, strict=True):
        assert p.split() == all_words[s:e]
        assert 0 < e - s <= window
        covered.update(range(s, e))
    assert covered == set(range(len(all_words)))
    assert [s for s, _ in spans] == sorted(s for s, _ in spans)


def test_line_breaks_separate_long_blocks_and_short_ones_are_packed():
    a = " ".join(f"a{i}" for i in range(100))
    b = " ".join(f"b{i}" for i in range(100))
    passages = split_passages(f"{a}\n{b}", window=150, overlap=30)
    assert passages == [a, b]  # two 100-word abstracts are not mixed in one passage
    packed = split_passages("short one\nshort two\nshort three", window=150, overlap=30)
    assert packed == ["short one short two short three"]


def test_blank_text_has_no_passages():
    assert split_passages("  \n\n ") == []


def test_text_hash_is_sha256_hex():
    assert text_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert text_hash("abc") != text_hash("abc ")

"""Language of a text: English (``en``), Norwegian (``nb``) or undetermined (``und``).

The portal's texts are English or Norwegian, often Norwegian with English technical terms.
Two signals are combined:

* function words (``og``, ``ikke``, ``the``, ``which``...): they carry the grammar of a
  sentence, so they decide short texts and mixed ones, where a Norwegian sentence names an
  English technology ("Vi leverer machine learning for droner" is Norwegian);
* ``py3langid`` (a character n-gram classifier with bundled data, pinned in
  requirements.txt), restricted to English and the Scandinavian languages, for longer texts
  whose function words do not decide.

Danish, Swedish and Nynorsk count as Norwegian here: the classifier confuses them on short
texts, and the Norwegian analyser is the better of the two for any of them.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

ENGLISH = "en"
NORWEGIAN = "nb"
UNDETERMINED = "und"
LANGUAGES = (ENGLISH, NORWEGIAN)

_SCANDINAVIAN = ("no", "nn", "da", "sv")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NB_LETTERS = re.compile("[æøåÆØÅ]")

# Frequent words that belong to one language only ("for", "i", "at", "men" are in both).
NB_FUNCTION_WORDS = frozenset(
    """
    og ikke av til på med som det er den de et en ei fra har hadde vil skal kan må også
    eller men ved mot etter under over mellom gjennom uten hvis når hvor hva hvordan hvilke
    hvilken denne dette disse deres våre vår vårt vi dere seg sin sitt sine oss meg deg
    være vært blir ble bli ha få mer mest enn bare slik både sammen innen blant samt
    dessuten derfor fordi således skal skulle kunne ville må måtte jeg du hun han
    """.split()  # noqa: SIM905
)
EN_FUNCTION_WORDS = frozenset(
    """
    the and of to with that this these those is are was were be been being has have had
    will would shall should can could which who whom whose what when where how why from by
    into onto upon about between through without within our their its it they we you he she
    not also more most than only such both other any each an or but if than then there
    """.split()  # noqa: SIM905
)

_identifier: Any = None
_identifier_lock = threading.Lock()


def _langid() -> Any:
    """The py3langid classifier restricted to English and Scandinavian (loaded once)."""
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            from py3langid.langid import (  # type: ignore[import-untyped]  # ships no types
                MODEL_FILE,
                LanguageIdentifier,
            )

            ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            ident.set_languages([ENGLISH, *_SCANDINAVIAN])
            _identifier = ident
        return _identifier


def function_word_votes(text: str) -> tuple[int, int]:
    """Counts of Norwegian and English function words in ``text``."""
    words = _WORD.findall(text.lower())
    nb = sum(1 for w in words if w in NB_FUNCTION_WORDS)
    en = sum(1 for w in words if w in EN_FUNCTION_WORDS)
    return nb, en


def classifier_norwegian_share(text: str) -> float:
    """Probability mass the n-gram classifier puts on the Scandinavian languages."""
    ranked = _langid().rank(text)
    return float(sum(p for lang, p in ranked if lang in _SCANDINAVIAN))


def _decide(text: str) -> str:
    words = _WORD.findall(text)
    if not words:
        return UNDETERMINED
    nb, en = function_word_votes(text)
    if _NB_LETTERS.search(text):
        nb += 1
    votes = nb + en
    # Function words decide when there are enough of them and they clearly agree.
    if votes >= 2 and max(nb, en) >= 2 * min(nb, en) + 1:
        return NORWEGIAN if nb > en else ENGLISH
    if len(words) < 3:
        # Too short for the classifier (single technical terms are shared by both languages).
        if nb != en:
            return NORWEGIAN if nb > en else ENGLISH
        return UNDETERMINED
    share = classifier_norwegian_share(text)
    if len(words) < 8 and not votes and 0.2 < share < 0.8:
        # A short run of technical terms ("Sensor fusion for UAV"): no grammar to go by.
        return UNDETERMINED
    if abs(share - 0.5) < 0.1 and nb != en:
        return NORWEGIAN if nb > en else ENGLISH
    return NORWEGIAN if share > 0.5 else ENGLISH


@lru_cache(maxsize=4096)
def _detect_cached(text: str) -> str:
    return _decide(text)


def detect_language(text: str, max_chars: int = 1000) -> str:
    """Language of ``text``: ``"en"``, ``"nb"`` or ``"und"`` (too little text to tell).

    Only the first ``max_chars`` characters are read (a profile does not change language
    half-way often enough to pay for reading it all).
    """
    return _detect_cached((text or "")[:max_chars])


def pair_key(query_language: str, document_language: str) -> str:
    """Language pairing of a comparison, e.g. ``"nb-en"`` (query first).

    An undetermined side counts as the other side's language (a short text of shared
    technical terms compares fine in either language); two undetermined sides count as
    English.
    """
    q, d = query_language, document_language
    if q not in LANGUAGES:
        q = d if d in LANGUAGES else ENGLISH
    if d not in LANGUAGES:
        d = q
    return f"{q}-{d}"

"""An English gloss of a Norwegian text: what the English encoder and index read of it.

all-MiniLM-L6-v2 and the English lexical index cannot read Bokmål, and most firms write in
English. A Norwegian text is therefore also read word by word in English:

* a word in the bundled glossary (``matching/data/glossary_nb_en.txt``: technical,
  engineering and defence words) becomes its English words ("drivstoff" -> "fuel");
* a Norwegian stop word is dropped;
* a word whose Snowball stem is in the glossary becomes its English words ("ubemannede" ->
  "unmanned"), and a compound whose parts are, is read part by part ("undervannsfarkost" ->
  "underwater vehicle");
* any other word keeps its letters, with the regular Norwegian spellings of Latin and Greek
  endings turned into English ones ("integrasjon" -> "integration", "optisk" -> "optic"), so
  loan words meet their English originals; acronyms, units and words with digits stay as
  written.

The gloss is not a translation (no grammar, no word order); it gives the English side the
Norwegian text's technical vocabulary, which is what lexical matching and MiniLM's mean
vector rest on. Passages are glossed one at a time, so passage ``k`` of a text is still the
passage a person reads in an explanation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from matching.language import NORWEGIAN
from matching.norwegian import STOP_WORDS, split_compound, stem

GLOSSARY_PATH = Path(__file__).parent / "data" / "glossary_nb_en.txt"
_WORD = re.compile(r"[^\W_](?:[^\W_]|-(?=[^\W_]))*")

# Regular spellings of Latin and Greek endings, longest first: one rule per word.
_ENDINGS = (
    ("kasjonene", "cations"),
    ("kasjonen", "cation"),
    ("kasjoner", "cations"),
    ("kasjon", "cation"),
    ("sjonene", "tions"),
    ("sjonen", "tion"),
    ("sjoner", "tions"),
    ("sjon", "tion"),
    ("iteten", "ity"),
    ("itet", "ity"),
    ("iske", "ic"),
    ("isk", "ic"),
    ("logien", "logy"),
    ("logi", "logy"),
    ("grafi", "graphy"),
    ("eringen", "ation"),
    ("ering", "ation"),
    ("ere", "ate"),
)
# A stem shorter than this keeps its ending ("vise", "lere" are not Latin).
_MIN_STEM = 3


@lru_cache(maxsize=1)
def load_glossary(path: str | None = None) -> dict[str, str]:
    """The glossary as ``{Norwegian word or its stem: English words}`` (first entry wins)."""
    entries: dict[str, str] = {}
    text = Path(path or GLOSSARY_PATH).read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        norwegian, sep, english = (part.strip() for part in line.partition("="))
        if not sep or not norwegian or not english or " " in norwegian:
            raise ValueError(f"glossary line is not 'word = English': {line!r}")
        word = norwegian.lower()
        entries.setdefault(word, english)
        entries.setdefault(stem(word), english)
    return entries


def english_ending(word: str) -> str:
    """``word`` with a Norwegian spelling of a Latin or Greek ending made English, and an
    initial ``k`` before a, o, u, l or r written ``c`` ("kommunikasjon" -> "communication")."""
    for norwegian, english in _ENDINGS:
        if word.endswith(norwegian) and len(word) - len(norwegian) >= _MIN_STEM:
            word = word[: -len(norwegian)] + english
            break
    if word[:1] == "k" and word[1:2] in ("a", "o", "u", "l", "r"):
        word = "c" + word[1:]
    return word.replace("kk", "ck")


@lru_cache(maxsize=1)
def _glossary_words() -> frozenset[str]:
    return frozenset(load_glossary())


@lru_cache(maxsize=65536)
def gloss_word(word: str) -> str:
    """The English reading of one Norwegian word ("" for a function word)."""
    # Acronyms, units and names written in mixed case ("UAV", "kW", "GaN"), and model numbers.
    if word[1:] != word[1:].lower() or any(ch.isdigit() for ch in word):
        return word
    lower = word.lower()
    glossary = load_glossary()
    if lower in glossary:
        return glossary[lower]
    # Before stems: a stop word may share its stem with a glossary word ("brukes", "bruker").
    if lower in STOP_WORDS:
        return ""
    english = glossary.get(stem(lower))
    if english:
        return english
    parts = split_compound(lower, _glossary_words())
    if parts:
        return " ".join(glossary.get(part) or english_ending(part) for part in parts)
    return english_ending(lower)


def english_gloss(text: str) -> str:
    """The English gloss of a Norwegian text (see the module docstring)."""
    words = (gloss_word(w) for w in _WORD.findall(text))
    return " ".join(w for w in words if w)


def english_reader(languages: Sequence[str]) -> Callable[[int, str], str]:
    """A reader for :meth:`matching.encoders.BaseEncoder.encode_documents`: the passages of
    text ``i`` are glossed when ``languages[i]`` is Norwegian, read as written otherwise."""

    def read(i: int, passage: str) -> str:
        return english_gloss(passage) if languages[i] == NORWEGIAN else passage

    return read


def english_passages(passages: Sequence[str], language: str) -> list[str]:
    """What the English encoder reads of a text's passages (glossed when Norwegian)."""
    if language != NORWEGIAN:
        return list(passages)
    return [english_gloss(p) for p in passages]

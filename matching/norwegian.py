"""Norwegian (Bokmål) lexical analysis: stop words, Snowball stemming, compound parts.

Norwegian writes compounds as one word ("undervannsfarkost", "sensorsystem"), so a company
that writes "undervann" or "farkost" would share nothing with it. A long word is therefore
also split into known parts: the parts are looked up in a lexicon (the bundled list of common
technical word parts plus every word that occurs on its own in the texts the index was fitted
on), with the linking ``s`` or ``e`` between them allowed ("undervann-s-farkost"). The whole
word is kept as well, so an exact compound still counts most.

Stems come from Snowball's Norwegian stemmer (package ``snowballstemmer``, pinned in
requirements.txt); terms are shown in explanations as stems, like the English ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(r"[a-zæøå][a-zæøå0-9]+")

# Snowball's Norwegian stop word list, plus words of calls and project descriptions that say
# nothing about the technology (the Norwegian counterparts of lexical._DOMAIN_STOP).
STOP_WORDS = frozenset(
    """
    og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men
    ett har om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans
    hvor eller hva skal selv sjøl her alle vil bli ble blei blitt kunne inn når være kom noen
    noe ville dere deres kun ja etter ned skulle denne for deg si sine sitt mot å meget hvorfor
    dette disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni mellom vår
    hver hvem vors hvis både bare enn fordi før mange også slik vært båe begge siden dykk
    dykkar dei deira deires deim di då eg ein eit eitt elles honom hjå ho hoe henne hennar
    hennes hoss hossen ingi inkje korleis korso kva kvar kvarhelst kven kvi kvifor me medan
    mi mine mykje no nokon noka nokor noko nokre sia sidan so somt somme um upp vere vore
    verte vort varte vart våre vårt også samt innen blant dessuten derfor således gjennom
    under ulike
    flere mer mest svært rundt hele helt ene andre annen annet nye ny nytt
    mål målet formål formålet beskrivelse prosjekt prosjektet prosjekter fase utvikle utvikles
    utviklet utvikling utviklingen demonstrere demonstrert demonstrasjon teknologi teknologien
    teknologier løsning løsninger løsningen kapabilitet kapabiliteter behov krav kravene
    potensial potensielle bruk bruke brukes brukt basert innovativ innovative tilnærming
    forslag foreslått foreslår system systemer systemet ytelse høy lav høye lave design
    selskap firma bedrift militær militære forsvaret forsvar applikasjoner anvendelser
    """.split()  # noqa: SIM905
)

# Number words and words too general to say why two parties fit (the Norwegian counterparts of
# lexical.UNINFORMATIVE_EN), Bokmål and Nynorsk.
UNINFORMATIVE_NB = frozenset(
    """
    to tre fire fem seks sju syv åtte ni ti elleve tolv tjue tjuge tretti hundre tusen
    millioner milliard første tredje fjerde diverse pluss minus vite kjent ting måte måter
    stor store større størst største liten lite små mindre minst god gode bedre beste dårlig
    dårlige dårligere gi gir ga gav gitt
    """.split()  # noqa: SIM905
)
# Kept apart from STOP_WORDS, which language detection also reads ("to" is English too).
_IGNORED = STOP_WORDS | UNINFORMATIVE_NB

# Common word parts of technical and defence compounds (a part is also learned from any word
# that occurs on its own in the fitted texts).
COMPOUND_PARTS = frozenset(
    """
    under vann undervann over sjø land luft rom fly farkost fartøy båt skip ubåt drone
    droner sensor sensorer radar sonar lyd lys laser bilde bilder kamera video signal
    signaler kommunikasjon nett nettverk data system styring kontroll navigasjon posisjon
    satellitt kart vær klima is arktis kulde varme energi batteri strøm kraft motor drivstoff
    hydrogen sol vind bølge bølger materiale materialer metall stål kompositt tekstil
    beskyttelse vern sikkerhet trussel angrep forsvar våpen ammunisjon mine miner rakett
    missil ild kamp soldat personell helse medisin skade trening simulering modell modeller
    analyse overvåking deteksjon gjenkjenning identifikasjon måling målinger sporing
    logistikk transport lager forsyning vedlikehold reparasjon produksjon struktur
    programvare maskinvare kunstig intelligens maskin læring autonom autonome robot
    """.split()  # noqa: SIM905
)

# Characters that may join two parts of a compound.
_LINKS = ("s", "e", "")
MIN_PART = 3
MIN_COMPOUND = 8


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer  # type: ignore[import-untyped]  # the package ships no types

    return snowballstemmer.stemmer("norwegian")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball Norwegian stem of a lower-case word."""
    return _stemmer().stemWord(word)


def _is_part(word: str, lexicon: frozenset[str] | set[str], inflected: bool = False) -> bool:
    """A known word part; ``inflected`` also accepts an inflected form of one (a tail)."""
    if len(word) < MIN_PART:
        return False
    if word in lexicon or word in COMPOUND_PARTS:
        return True
    return inflected and (s := stem(word)) != word and (s in lexicon or s in COMPOUND_PARTS)


def split_compound(
    word: str, lexicon: frozenset[str] | set[str] = frozenset(), depth: int = 2
) -> list[str]:
    """Known parts of a compound word, longest head first; ``[]`` when it does not split.

    The word is cut where its head and its tail are both known words (``lexicon`` or the
    bundled parts), optionally with a linking ``s`` or ``e`` after the head; the tail may
    itself be a compound (up to ``depth`` cuts). The longest known head wins.

    >>> split_compound("undervannsfarkost")
    ['undervann', 'farkost']
    """
    if len(word) < MIN_COMPOUND or depth <= 0:
        return []
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head = word[:cut]
        if not _is_part(head, lexicon):
            continue
        for link in _LINKS:
            if link and not word.startswith(link, cut):
                continue
            tail = word[cut + len(link) :]
            if len(tail) < MIN_PART:
                continue
            if _is_part(tail, lexicon, inflected=True):
                return [head, tail]
            rest = split_compound(tail, lexicon, depth - 1)
            if rest:
                return [head, *rest]
    return []


class NorwegianAnalyser:
    """Turns Norwegian text into stemmed terms: stop words dropped, compounds also split.

    Args:
        lexicon: Words known to stand alone (compound parts are accepted only when known);
            :meth:`learn` adds the words of texts.
    """

    def __init__(self, lexicon: Iterable[str] = ()) -> None:
        self.lexicon: set[str] = set(lexicon)

    def words(self, text: str) -> list[str]:
        """Lower-case words of ``text`` that are not stop words."""
        return [w for w in _TOKEN.findall(text.lower()) if w not in _IGNORED]

    def learn(self, texts: Iterable[str]) -> NorwegianAnalyser:
        """Add the words of ``texts`` (and their stems) to the lexicon of compound parts."""
        for text in texts:
            for w in self.words(text):
                if len(w) >= MIN_PART:
                    self.lexicon.add(w)
                    self.lexicon.add(stem(w))
        return self

    def __call__(self, text: str) -> list[str]:
        """Stemmed terms of ``text``; a compound gives its own stem and its parts' stems."""
        out: list[str] = []
        frozen = self.lexicon
        for w in self.words(text):
            out.append(stem(w))
            if len(w) >= MIN_COMPOUND:
                for part in split_compound(w, frozen):
                    if part not in _IGNORED:
                        out.append(stem(part))
        return out

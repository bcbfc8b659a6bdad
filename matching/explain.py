"""Explanations of a match: shared areas and terms, best passages, plain-language notes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from matching.lexical import UNINFORMATIVE_EN, tokenize
from matching.norwegian import UNINFORMATIVE_NB
from matching.taxonomy import shared_area_ids

if TYPE_CHECKING:
    from matching.matcher import Matcher
    from matching.types import Match

# An inferred area counts as "shared" when it is at least this strong relative to the
# document's strongest area.
INFERRED_AREA_MIN = 0.5

# Words in a text, as a person wrote them (letters and digits, inner hyphens kept).
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
# Shared words that say nothing about why two parties fit. The lexical analysis already drops
# them; an explanation checks again, as the analysers of other languages may not.
UNINFORMATIVE_WORDS = UNINFORMATIVE_EN | UNINFORMATIVE_NB
# Shorter words are fragments, unless written in capitals (an acronym: "AI", "UV").
MIN_CHIP_LETTERS = 3


def surface_forms(
    text: str, language: str, analyse: Callable[[tuple[str, str]], list[str]]
) -> dict[str, str]:
    """The whole word of ``text`` most often behind each of its terms.

    Terms are stems and compound parts ("drone" for "droner", "undervann" for
    "undervannsfarkost"); a person reads the word as it was written. A word written in
    capitals (an acronym such as "UAV") keeps them; other words are shown in lower case.
    """
    seen: dict[str, Counter[str]] = {}
    for word in _WORD.findall(text):
        shown = word if word.isupper() and len(word) > 1 else word.lower()
        for term in analyse((language, word.lower())):
            seen.setdefault(term, Counter())[shown] += 1
    return {term: words.most_common(1)[0][0] for term, words in seen.items()}


def readable_terms(terms: Sequence[str], forms: dict[str, str], n: int) -> tuple[str, ...]:
    """Up to ``n`` of ``terms`` as whole, informative words (see :data:`UNINFORMATIVE_WORDS`),
    in order, each word once; a term with no whole word in the text is left out."""
    out: list[str] = []
    for term in terms:
        word = forms.get(term)
        if word is None or word.lower() in UNINFORMATIVE_WORDS or word in out:
            continue
        letters = sum(ch.isalpha() for ch in word)
        acronym = word.isupper() and letters >= 2
        if letters < MIN_CHIP_LETTERS and not acronym:
            continue
        out.append(word)
        if len(out) == n:
            break
    return tuple(out)


def _row(matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    """``(term indices, weights)`` of row ``i`` of a CSR matrix."""
    lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[lo:hi], matrix.data[lo:hi]


def shared_terms(
    query: tuple[np.ndarray, np.ndarray],
    doc: tuple[np.ndarray, np.ndarray],
    terms: np.ndarray,
    n: int,
) -> tuple[str, ...]:
    """Top ``n`` terms present in both texts, by the product of their TF-IDF weights.

    Args:
        query: ``(term indices, weights)`` of one text (a TF-IDF row).
        doc: The same for the other text.
        terms: Vocabulary (index -> term).
        n: Number of terms.

    Returns:
        Terms, most shared first (ties by term index).
    """
    common, qa, da = np.intersect1d(query[0], doc[0], assume_unique=True, return_indices=True)
    if not len(common):
        return ()
    prod = query[1][qa] * doc[1][da]
    order = np.lexsort((common, -prod))[:n]
    return tuple(str(terms[common[k]]) for k in order)


def best_passage_pair(query: np.ndarray, doc: np.ndarray) -> tuple[int, int, float]:
    """Indices of the most similar (challenge passage, company passage) and their cosine."""
    sims = query @ doc.T
    a, b = np.unravel_index(int(np.argmax(sims)), sims.shape)
    return int(a), int(b), float(sims[a, b])


def _area_ids(profile: np.ndarray, ids: list[str], threshold: float) -> list[str]:
    order = np.argsort(-profile, kind="stable")
    return [ids[k] for k in order if profile[k] >= threshold]


def build_matches(
    m: Matcher,
    pairs: list[tuple[int, int]],
    components: list[dict[str, float]],
    ranks: list[int],
    weights: list[dict[str, float]] | None = None,
    pairings: list[str] | None = None,
) -> list[Match]:
    """Assemble explained :class:`Match` objects for ``(challenge, company)`` index pairs of a
    fitted matcher.

    Work shared by pairs (a challenge's passages and terms) is done once.

    Args:
        m: Fitted matcher.
        pairs: ``(challenge index, company index)`` pairs.
        components: Component values of each pair, each in [0, 1].
        ranks: 1-based ranks, or 0 for lone explanations.
        weights: Blend weights of each pair (its language pairing's); default ``m.weights_``.
        pairings: Language pairing of each pair (e.g. ``"nb-en"``); across languages the
            best passage pair comes from the multilingual encoder when there is one.

    Returns:
        One match per pair, in order.
    """
    from matching.matcher import challenge_text
    from matching.types import Match

    if weights is None:
        weights = [dict(m.weights_)] * len(pairs)
    if pairings is None:
        pairings = ["en-en"] * len(pairs)
    multi = getattr(m, "multilingual_", None)
    ids = [a.id for a in m.areas_]
    terms = m.terms_.terms_
    # The matcher's analyser reads (language, text) pairs (see Matcher.fit).
    analyse = cast("Callable[[tuple[str, str]], list[str]]",
                   m.terms_.analyzer or (lambda doc: tokenize(doc[1])))
    ch_cache: dict[int, tuple] = {}
    company_texts = m.company_text_of(sorted({i for _, i in pairs}))
    out = []
    for (j, i), comps, rank, pair_weights, pairing in zip(
        pairs, components, ranks, weights, pairings, strict=True
    ):
        pair_weights = dict(pair_weights)
        ch, co = m.challenges_[j], m.company_document(i)
        if j not in ch_cache:
            text = challenge_text(ch)
            ch_cache[j] = (
                _row(m.challenge_tfidf_, j),
                m.encoder_.passages(text),
                surface_forms(text, str(m.challenge_languages_[j]), analyse),
            )
        ch_terms, ch_passages, ch_forms = ch_cache[j]
        score = float(sum(pair_weights[k] * comps[k] for k in pair_weights))

        notes: list[str] = []
        missing: list[str] = []
        if ch.areas and co.areas:
            shared = shared_area_ids(ch.areas, co.areas, m.areas_)
        else:
            ch_ids = list(ch.areas) or _area_ids(m.challenge_areas_[j], ids, INFERRED_AREA_MIN)
            co_ids = list(co.areas) or _area_ids(m.company_areas_[i], ids, INFERRED_AREA_MIN)
            shared = shared_area_ids(ch_ids, co_ids, m.areas_)
            missing = [side for side, d in (("challenge", ch), ("company", co)) if not d.areas]
            if len(missing) == 2:
                notes.append(
                    "Areas neutral: neither side lists areas (shared areas are inferred from"
                    " the text)."
                )
            else:
                notes.append(f"Areas of the {missing[0]} inferred from the text.")
        if ch.trl is None or co.trl is None:
            who = "challenge" if ch.trl is None else "company"
            notes.append(f"TRL neutral: the {who} gives no TRL.")
        if not ch.region or not co.region:
            who = "challenge" if not ch.region else "company"
            notes.append(f"Region neutral: the {who} gives no region.")

        # More candidates than shown: some are left out as unreadable.
        top_terms = readable_terms(
            shared_terms(ch_terms, _row(m.company_tfidf_, i), terms, 4 * m.n_terms),
            ch_forms, m.n_terms,
        )
        source_ch, source_co = m.challenge_vectors_, m.company_vectors_
        src, dst = pairing.split("-")
        if src != dst:
            unused = "; lexical evidence not used" if pair_weights.get("lexical", 0) <= 0 else ""
            notes.append(
                f"Different languages ({pairing}){unused}: shared terms include Norwegian words"
                " matched to English ones through the glossary."
            )
            if multi is not None:
                source_ch, source_co = multi["challenges"], multi["companies"]
        a, b, sim = best_passage_pair(source_ch.doc_passages(j), source_co.doc_passages(i))
        co_passages = m.encoder_.passages(company_texts[i])
        best = {
            "challenge": ch_passages[a] if a < len(ch_passages) else "",
            "company": co_passages[b] if b < len(co_passages) else "",
            "challenge_index": a,
            "company_index": b,
            "similarity": sim,
        }
        out.append(
            Match(
                challenge_id=ch.id,
                company_id=co.id,
                score=score,
                components=dict(comps),
                weights=pair_weights,
                shared_areas=tuple(shared),
                top_shared_terms=top_terms,
                best_passages=best,
                notes=tuple(notes),
                rank=rank,
                areas_inferred=tuple(missing) if shared else (),
            )
        )
    return out


def known_evidence(m: Matcher, j: int, i: int) -> frozenset[str]:
    """The evidence of challenge ``j`` and company ``i`` that rests on data both sides gave.

    ``areas`` count when either side chose areas; ``trl`` and ``region`` when both give them.
    The rest is neutral (0.5) by construction, and an explanation shows it as absent rather
    than as the middle of a scale. Text evidence is always known.
    """
    ch, co = m.challenges_[j], m.company_document(i)
    known = {"text", "terms"}
    if ch.areas or co.areas:
        known.add("areas")
    if ch.trl is not None and co.trl is not None:
        known.add("trl")
    if ch.region and co.region:
        known.add("region")
    return frozenset(known)


def describe(match: Match) -> str:
    """A short plain-language explanation of a match, e.g. for a tooltip."""
    parts = [
        f"Score {match.score:.2f} =",
        " + ".join(
            f"{match.weights[k]:.2f} x {k} {v:.2f}"
            for k, v in match.components.items()
            if match.weights.get(k, 0) > 0
        ),
    ]
    if match.shared_areas:
        parts.append(f"Shared areas: {', '.join(match.shared_areas)}.")
    if match.top_shared_terms:
        parts.append(f"Shared terms: {', '.join(match.top_shared_terms)}.")
    parts.extend(match.notes)
    return " ".join(parts)

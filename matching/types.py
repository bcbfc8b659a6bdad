"""Plain data types shared by the matcher and its callers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """A challenge or a company as the matcher sees it.

    Attributes:
        id: Stable identifier (unique within its side).
        text: Free text: the challenge description, or the company profile.
        title: Challenge title (weighted into the challenge text) or company name (shown only).
        areas: Technology-area ids chosen explicitly by the author.
        trl: Technology readiness level: a ``(min, max)`` range for a challenge; for a company
            its single level as ``(level, level)``. ``None`` when unknown.
        region: Region name or code; ``None`` when unknown.
    """

    id: str
    text: str
    title: str = ""
    areas: tuple[str, ...] = ()
    trl: tuple[int, int] | None = None
    region: str | None = None


@dataclass(frozen=True)
class Match:
    """One scored challenge-company pair with its explanation.

    ``score == sum(weights[k] * components[k])`` (up to float rounding), so the explanation
    is exactly the score.

    Attributes:
        challenge_id: Challenge id.
        company_id: Company id.
        score: Blended score in [0, 1].
        components: ``semantic``, ``lexical``, ``areas``, ``trl``, ``region``, each in [0, 1].
        weights: Weights used for the blend (sum to 1).
        shared_areas: Area ids both sides list (directly or through the crosswalk).
        top_shared_terms: Highest-weighted TF-IDF terms both texts contain.
        best_passages: ``challenge``/``company`` passage texts and their indices
            ``challenge_index``/``company_index`` into the passage split of each text.
        notes: Plain-language remarks, e.g. which features were neutral and why.
        rank: Position in the ranking (1-based; 0 for a lone explanation).
        areas_inferred: The sides whose areas in ``shared_areas`` were inferred from the text
            (``"challenge"``, ``"company"``); empty when both sides chose their areas.
        fit: How good a fit the pair is, in [0, 1], from absolute evidence (see
            :mod:`matching.calibration`): comparable across challenges, unlike ``score``.
        evidence: The absolute evidence behind ``fit``, each in [0, 1]: ``text``, ``terms``
            (0 when no term is shared), and those of ``areas``, ``trl``, ``region`` that rest
            on data (left out when a side lacks it: neutral, they move nothing).
        boost: What a ranking added to ``fit`` to order this pair (an event's regional
            boost), 0 without one.
    """

    challenge_id: str
    company_id: str
    score: float
    components: dict[str, float]
    weights: dict[str, float]
    shared_areas: tuple[str, ...] = ()
    top_shared_terms: tuple[str, ...] = ()
    best_passages: dict[str, object] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    rank: int = 0
    areas_inferred: tuple[str, ...] = ()
    fit: float = 0.0
    evidence: dict[str, float] = field(default_factory=dict)
    boost: float = 0.0

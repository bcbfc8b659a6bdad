"""Readable fits: an absolute, calibrated estimate of how well a challenge and a company fit.

The ranking score (:mod:`matching.scoring`) standardises text evidence over the candidates, so
it orders a list well but says nothing about how good its top is: a list of weak candidates has
a top that looks as strong as a list of good ones. The *fit* is computed from absolute evidence
instead:

- ``text``: the cosine of the two texts' pooled passage vectors, placed between two anchors
  fitted on the evaluation data (0: the median cosine of a random pair; 1: the cosine that the
  best tenth of real winning pairs reach), clipped to [0, 1];
- ``terms``: the TF-IDF cosine of the two texts over the same anchor for shared terms, exactly
  0 when no term is shared;
- ``areas``, ``trl``, ``region``: the matcher's absolute fits (0.5 when a side lacks them).

A logistic model of "a real winning pair rather than a random one" (balanced classes) maps the
text evidence to a probability: ``text`` and ``text * terms``, so shared words count in
proportion to similar meaning (one word shared by texts about different things, "detection" in
submarine detection and in network intrusion detection, is a homonym, not a fit). Areas, TRL
and region shift the log-odds by fixed amounts (the evaluation data have none of them to fit
on), nothing when neutral. The fit reads as: 0.5, as likely a real match as not; the bands
:data:`BANDS` name its ranges.

Everything here takes arrays and returns arrays.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

EVIDENCE = ("text", "terms", "areas", "trl", "region")

# Log-odds added per unit of a structured fit away from neutral (0.5): judgement, documented in
# docs/matching.md. A company inside the wanted TRL range, in the region and in the challenge's
# areas moves a "possible" text fit up a band; one far outside moves it down.
STRUCTURED_SHIFT: dict[str, float] = {"areas": 2.0, "trl": 1.0, "region": 0.5}

# (name, lowest fit) from the best band down; below the last band a fit is "weak".
BANDS: tuple[tuple[str, float], ...] = (("strong", 0.75), ("good", 0.5), ("possible", 0.25))
WEAK = "weak"

CALIBRATION_FILE = Path(__file__).with_name("fit_calibration.json")


@dataclass(frozen=True)
class FitCalibration:
    """The fitted parameters of one encoder's fit (see the module docstring).

    Attributes:
        encoder: The encoder family the cosines come from (``minilm``, ``e5``).
        text_low: Cosine that maps to text evidence 0.
        text_high: Cosine that maps to text evidence 1.
        terms_high: TF-IDF cosine that maps to terms evidence 1.
        coef: Log-odds per unit of ``text`` and of ``text_terms`` (text times terms evidence).
        intercept: Log-odds with no text evidence.
        structured: Log-odds per unit of ``areas``, ``trl``, ``region`` away from 0.5.
        fitted_on: Where and how the parameters were fitted (a command line).
        report: Measurements of the fit on its data (shares of pairs per band).
        pairing: The language pairing of the data it was fitted on (``"en-en"``): its
            ``text_low`` is a random pair's cosine there. Another pairing's random cosine
            differs (two unrelated Norwegian texts are closer for an English model than two
            unrelated English ones), so :func:`pairing_anchors` estimates it from the
            candidates.
        text_spread: The median absolute deviation of random pairs' cosines (how far apart
            unrelated texts spread), against which another pairing's spread is compared.
    """

    encoder: str
    text_low: float
    text_high: float
    terms_high: float
    coef: dict[str, float]
    intercept: float
    structured: dict[str, float] = field(default_factory=lambda: dict(STRUCTURED_SHIFT))
    fitted_on: str = ""
    report: dict[str, object] = field(default_factory=dict)
    pairing: str = "en-en"
    text_spread: float = 0.0

    def evidence(
        self, cosine: np.ndarray, tfidf: np.ndarray, low: float | None = None,
        span: float | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(text, terms)`` evidence in [0, 1] from raw cosines and TF-IDF cosines.

        ``low`` and ``span`` replace the fitted random-pair cosine and the distance from it to
        a strong cosine, for another pairing (:func:`pairing_anchors`).
        """
        span = max(self.text_high - self.text_low if span is None else span, 1e-6)
        low = self.text_low if low is None else low
        text = np.clip((np.asarray(cosine, dtype=np.float64) - low) / span, 0.0, 1.0)
        terms = np.clip(np.asarray(tfidf, dtype=np.float64) / max(self.terms_high, 1e-6),
                        0.0, 1.0)
        return text, terms

    def fit_scores(self, evidence: Mapping[str, np.ndarray]) -> np.ndarray:
        """The fit in [0, 1] of each pair from its ``evidence`` (arrays keyed by
        :data:`EVIDENCE`)."""
        text = np.asarray(evidence["text"], dtype=np.float64)
        terms = np.asarray(evidence["terms"], dtype=np.float64)
        logit = self.intercept + self.coef["text"] * text + self.coef["text_terms"] * text * terms
        for name, shift in self.structured.items():
            logit = logit + shift * (np.asarray(evidence[name], dtype=np.float64) - 0.5)
        return 1.0 / (1.0 + np.exp(-logit))

    def to_json(self) -> dict[str, object]:
        return asdict(self)


# Candidates of a pairing needed to estimate its random-pair cosine from them.
MIN_POOL = 3


def pairing_anchors(calibration: FitCalibration, pairing: str,
                    cosines: np.ndarray) -> tuple[float, float]:
    """``(low, span)`` of the text evidence for ``pairing``'s candidates with ``cosines``.

    The calibration's own pairing (or its mirror) keeps the fitted anchors. Another pairing
    reads its random-pair cosine off its candidates (their median: most candidates of a list
    are not real matches; never below the fitted one), and widens the span as far as its
    candidates spread wider than the calibration's random pairs did (never narrower): the
    English model puts two unrelated Norwegian texts closer together than two unrelated
    English ones, and a multilingual model crowds texts of one language more than texts of
    two. With fewer than :data:`MIN_POOL` candidates, the fitted anchors.
    """
    span = calibration.text_high - calibration.text_low
    if covers(calibration, pairing) or len(cosines) < MIN_POOL:
        return calibration.text_low, span
    cosines = np.asarray(cosines, dtype=np.float64)
    middle = float(np.median(cosines))
    if calibration.text_spread > 0:
        spread = float(np.median(np.abs(cosines - middle)))
        span *= max(1.0, spread / calibration.text_spread)
    return max(calibration.text_low, middle), span


def covers(calibration: FitCalibration, pairing: str) -> bool:
    """Whether ``calibration`` was fitted on ``pairing`` or on its mirror (``nb-en``/``en-nb``)."""
    query, document = calibration.pairing.split("-")
    return pairing in (calibration.pairing, f"{document}-{query}")


def band(fit: float) -> str:
    """The name of the band ``fit`` falls in (:data:`BANDS`, else :data:`WEAK`)."""
    for name, lowest in BANDS:
        if fit >= lowest:
            return name
    return WEAK


def band_levels(fits: np.ndarray) -> np.ndarray:
    """The band of each fit as a number: 3 strong, 2 good, 1 possible, 0 weak."""
    fits = np.asarray(fits, dtype=np.float64)
    return np.select([fits >= lowest for _, lowest in BANDS],
                     list(range(len(BANDS), 0, -1)), 0)


def band_shares(fits: np.ndarray) -> dict[str, float]:
    """Share of ``fits`` in each band, best band first."""
    fits = np.asarray(fits, dtype=np.float64)
    names = [name for name, _ in BANDS] + [WEAK]
    counts = dict.fromkeys(names, 0)
    for value in fits.tolist():
        counts[band(value)] += 1
    total = max(len(fits), 1)
    return {name: round(counts[name] / total, 4) for name in names}


class FitCalibrator:
    """Fits a :class:`FitCalibration` on judged pairs: real matches against random pairs.

    Args:
        encoder: Name of the encoder family the cosines come from.
        high_quantile: Quantile of the positives' evidence that maps to 1.
        C: Inverse L2 regularisation strength of the logistic model.
        fitted_on: Recorded in the calibration (the command that produced it).
        pairing: The language pairing of the judged pairs (e.g. ``"nb-en"``).
    """

    def __init__(self, encoder: str, high_quantile: float = 0.9, C: float = 1.0,
                 fitted_on: str = "", pairing: str = "en-en") -> None:
        self.encoder = encoder
        self.high_quantile = high_quantile
        self.C = C
        self.fitted_on = fitted_on
        self.pairing = pairing

    def fit(self, cosine: np.ndarray, tfidf: np.ndarray,
            relevant: Sequence[bool] | np.ndarray) -> FitCalibrator:
        """Learn anchors and the logistic model from pairs' cosines, TF-IDF cosines and labels.

        Returns:
            self
        """
        from sklearn.linear_model import LogisticRegression

        cosine = np.asarray(cosine, dtype=np.float64)
        tfidf = np.asarray(tfidf, dtype=np.float64)
        y = np.asarray(relevant, dtype=bool)
        if y.all() or not y.any():
            raise ValueError("need both real matches and random pairs")
        low = float(np.median(cosine[~y]))
        spread = float(np.median(np.abs(cosine[~y] - low)))
        high = float(np.quantile(cosine[y], self.high_quantile))
        terms_high = float(np.quantile(tfidf[y], self.high_quantile))
        draft = FitCalibration(self.encoder, low, max(high, low + 1e-3), max(terms_high, 1e-3),
                               {"text": 0.0, "text_terms": 0.0}, 0.0)
        text, terms = draft.evidence(cosine, tfidf)
        model = LogisticRegression(C=self.C, class_weight="balanced")
        model.fit(np.column_stack([text, text * terms]), y)
        fitted = replace(
            draft, coef={"text": float(model.coef_[0][0]), "text_terms": float(model.coef_[0][1])},
            intercept=float(model.intercept_[0]), fitted_on=self.fitted_on, pairing=self.pairing,
            text_spread=spread,
        )
        neutral = dict.fromkeys(STRUCTURED_SHIFT, np.full(len(y), 0.5))
        fits = fitted.fit_scores({"text": text, "terms": terms, **neutral})
        self.calibration_ = replace(fitted, report={
            "real_matches": band_shares(fits[y]), "random_pairs": band_shares(fits[~y]),
            "pairs": {"real": int(y.sum()), "random": int((~y).sum())}})
        return self


def load_calibrations(path: Path = CALIBRATION_FILE) -> dict[str, FitCalibration]:
    """The shipped calibrations, by encoder family."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: FitCalibration(**value) for name, value in raw.items()}


def calibration_for(model_id: str, calibrations: Mapping[str, FitCalibration]) -> FitCalibration:
    """The calibration of the encoder that produced ``model_id``'s cosines (MiniLM's for an
    encoder with none of its own, e.g. a test encoder)."""
    model_name = model_id.split("/")[0].lower()
    for name, calibration in calibrations.items():
        if name in model_name:
            return calibration
    return calibrations["minilm"]

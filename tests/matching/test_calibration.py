"""The readable fit: anchors, the logistic model, bands, and the shipped calibrations."""

import json

import numpy as np
import pytest

from matching.calibration import (
    BANDS,
    CALIBRATION_FILE,
    STRUCTURED_SHIFT,
    FitCalibration,
    FitCalibrator,
    band,
    band_shares,
    calibration_for,
    covers,
    load_calibrations,
    pairing_anchors,
)


def judged_pairs(seed: int = 0, n_real: int = 200, n_random: int = 2000):
    """Real matches with higher cosines and more shared terms than random pairs."""
    rng = np.random.default_rng(seed)
    cosine = np.concatenate([rng.normal(0.55, 0.08, n_real), rng.normal(0.25, 0.08, n_random)])
    tfidf = np.concatenate([rng.uniform(0.05, 0.4, n_real),
                            np.where(rng.random(n_random) < 0.5, 0.0,
                                     rng.uniform(0.0, 0.1, n_random))])
    relevant = np.arange(n_real + n_random) < n_real
    return cosine, tfidf, relevant


def neutral(n: int) -> dict[str, np.ndarray]:
    return {name: np.full(n, 0.5) for name in STRUCTURED_SHIFT}


def test_the_fit_separates_real_matches_from_random_pairs():
    cosine, tfidf, relevant = judged_pairs()
    calibration = FitCalibrator("minilm").fit(cosine, tfidf, relevant).calibration_
    text, terms = calibration.evidence(cosine, tfidf)
    fits = calibration.fit_scores({"text": text, "terms": terms, **neutral(len(cosine))})
    assert np.median(fits[relevant]) > 0.75 > 0.25 > np.median(fits[~relevant])
    # Anchors: a random pair's median cosine is text evidence 0.
    assert calibration.text_low == pytest.approx(np.median(cosine[~relevant]))
    assert calibration.coef["text"] > 0 and calibration.coef["text_terms"] > 0
    report = calibration.report
    assert report["pairs"] == {"real": 200, "random": 2000}
    assert report["random_pairs"]["weak"] > 0.5
    assert report["real_matches"]["strong"] > 0.5


def test_the_fit_rises_with_each_kind_of_evidence_and_stays_in_unit_range():
    cosine, tfidf, relevant = judged_pairs()
    calibration = FitCalibrator("minilm").fit(cosine, tfidf, relevant).calibration_
    grid = np.linspace(0, 1, 11)
    base = {"text": grid, "terms": np.zeros(11), **neutral(11)}
    fits = calibration.fit_scores(base)
    assert np.all(np.diff(fits) > 0)
    assert np.all((fits >= 0) & (fits <= 1))
    with_terms = calibration.fit_scores({**base, "terms": np.full(11, 0.5)})
    # Shared words count in proportion to similar meaning: alone they are no evidence.
    assert with_terms[0] == pytest.approx(fits[0])
    assert np.all(with_terms[1:] > fits[1:])
    in_area = calibration.fit_scores({**base, "areas": np.ones(11)})
    outside = calibration.fit_scores({**base, "areas": np.zeros(11)})
    assert np.all(in_area > fits) and np.all(outside < fits)


def test_evidence_is_clipped_and_no_shared_term_is_zero():
    calibration = FitCalibration("minilm", 0.2, 0.6, 0.3, {"text": 4.0, "text_terms": 2.0}, -2.0)
    text, terms = calibration.evidence(np.array([0.0, 0.2, 0.4, 0.6, 0.9]),
                                       np.array([0.0, 0.0, 0.15, 0.3, 0.8]))
    assert text.tolist() == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.0])
    assert terms.tolist() == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.0])


def test_bands_name_the_fit_ranges():
    assert [band(x) for x in (0.95, 0.75, 0.74, 0.5, 0.3, 0.25, 0.1)] == [
        "strong", "strong", "good", "good", "possible", "possible", "weak"]
    assert [name for name, _ in BANDS] == ["strong", "good", "possible"]
    assert band_shares(np.array([0.9, 0.6, 0.1, 0.05])) == {
        "strong": 0.25, "good": 0.25, "possible": 0.0, "weak": 0.5}


def test_a_calibrator_needs_both_kinds_of_pairs():
    with pytest.raises(ValueError, match="both"):
        FitCalibrator("minilm").fit(np.ones(3), np.ones(3), [True, True, True])


def test_the_shipped_calibrations_load_and_are_chosen_by_model():
    calibrations = load_calibrations()
    assert "minilm" in calibrations
    minilm = calibrations["minilm"]
    assert minilm.text_low < minilm.text_high
    assert minilm.fitted_on.startswith("python -m matching calibrate ../shared/eval/")
    assert calibration_for("all-MiniLM-L6-v2/p150o30", calibrations) is minilm
    # An encoder without a calibration of its own (a test encoder) gets MiniLM's.
    assert calibration_for("hashing-64", calibrations) is minilm
    if "e5" in calibrations:
        e5 = calibration_for("multilingual-e5-small-q4/passage/p150o30", calibrations)
        assert e5.encoder == "e5"
    # The file is what the calibrations serialise to (nothing hand-edited lost on a rewrite).
    raw = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    assert {name: c.to_json() for name, c in calibrations.items()} == raw


def test_another_pairing_is_anchored_on_its_own_candidates():
    calibration = FitCalibration("minilm", 0.2, 0.6, 0.3, {"text": 4.0, "text_terms": 2.0},
                                 -2.0, pairing="en-en", text_spread=0.05)
    crowded = np.array([0.50, 0.52, 0.55, 0.60, 0.90])  # unrelated texts sit close together
    # The calibration's own pairing keeps the fitted anchors, whatever its candidates.
    assert pairing_anchors(calibration, "en-en", crowded) == (0.2, pytest.approx(0.4))
    low, span = pairing_anchors(calibration, "nb-nb", crowded)
    assert low == pytest.approx(0.55)  # the candidates' median
    assert span == pytest.approx(0.4)  # they spread less than random pairs did: not narrowed
    wide = np.array([0.3, 0.5, 0.7, 0.9, 0.95])
    low, span = pairing_anchors(calibration, "nb-nb", wide)
    assert low == pytest.approx(0.7) and span == pytest.approx(0.4 * 0.2 / 0.05)
    # Too few candidates to tell: the fitted anchors.
    assert pairing_anchors(calibration, "nb-nb", crowded[:2]) == (0.2, pytest.approx(0.4))
    # Never below the fitted random-pair cosine.
    assert pairing_anchors(calibration, "nb-nb", np.array([0.0, 0.05, 0.1]))[0] == 0.2


def test_a_calibration_covers_its_pairing_and_the_mirror():
    e5 = FitCalibration("e5", 0.8, 0.85, 0.1, {"text": 1.0, "text_terms": 1.0}, 0.0,
                        pairing="nb-en")
    assert covers(e5, "nb-en") and covers(e5, "en-nb")
    assert not covers(e5, "nb-nb") and not covers(e5, "en-en")

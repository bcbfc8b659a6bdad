"""Scores a person can read, on the demo data with the real model (slow: loads the model).

The shown score is the fit (docs/matching.md, "The fit a person reads"): a strong fit and a
weak one differ visibly, a list of weak candidates does not look strong at its top, a part
with no evidence shows as none, and term chips are whole, informative words.
"""

import json
import re

import pytest
from sqlalchemy import select

from matching.explain import UNINFORMATIVE_WORDS
from matching.language import detect_language
from matching.lexical import STOP_WORDS as ENGLISH_STOP_WORDS
from matching.norwegian import STOP_WORDS as NORWEGIAN_STOP_WORDS
from portal.db import db
from portal.models import Challenge, EventPair
from portal.services import matching
from portal.services.events import DEFAULT_MIN_FIT


@pytest.fixture
def app_config():
    return {"MATCHER_ENCODER": "sentence-transformers", "MATCHER_DEVICE": "cpu"}


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return db.session.scalars(select(Challenge).where(Challenge.status == "open")
                              .order_by(Challenge.id)).all()


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W_]+(?:-[^\W_]+)*", text)}


@pytest.mark.slow
def test_demo_lists_separate_strong_from_weak_fits(app, demo):
    strong_tops = 0
    # The English model reads Norwegian poorly: Norwegian challenges get modest fits from it
    # (docs/matching.md, "Languages"); the spread is checked on the English ones.
    english = [c for c in demo if detect_language(f"{c.title}. {c.problem}") == "en"]
    assert len(english) >= 10
    for challenge in english:
        items = matching.rank_companies(db.session, None, challenge, top_k=100).items
        assert len(items) >= 5, challenge.title  # vetted-only challenges: few candidates
        fits = sorted(item.score for item in items)
        strong_tops += max(fits) >= 0.75
        # Each list reaches from its best candidates down to plainly weak ones: the fits
        # spread over the scale, not over a few points in its middle.
        assert fits[-1] - fits[0] >= 0.5, (challenge.title, fits)
        assert fits[0] < 0.25, (challenge.title, fits)
    # Most demo challenges have a company written for them.
    assert strong_tops >= 0.7 * len(english)


@pytest.mark.slow
def test_the_top_of_a_list_of_weak_candidates_does_not_look_strong(app, demo, make_challenge):
    nobody = make_challenge(
        title="Choreography for the royal guard's drill parades",
        problem="The guard wants new drill routines and music arrangements for ceremonial "
                "parades in front of the palace, taught to recruits in two weeks.")
    items = matching.rank_companies(db.session, None, nobody, top_k=20).items
    assert items
    assert items[0].band in ("possible", "weak"), [(i.company.name, i.score) for i in items[:3]]
    # Positive control: a demo challenge of the same length has a strong top.
    assert any(matching.rank_companies(db.session, None, c, top_k=1).items[0].band == "strong"
               for c in demo)


@pytest.mark.slow
def test_no_shared_term_means_no_term_evidence_and_chips_are_whole_words(app, demo):
    noise = UNINFORMATIVE_WORDS | ENGLISH_STOP_WORDS | NORWEGIAN_STOP_WORDS
    seen_chips = 0
    for challenge in demo:
        challenge_words = _words(" ".join(filter(None, (
            challenge.title, challenge.problem, challenge.context, challenge.effect))))
        for item in matching.rank_companies(db.session, None, challenge, top_k=20).items:
            assert bool(item.top_terms) == (item.components["terms"] > 0), (
                challenge.title, item.company.name, item.top_terms, item.components)
            for chip in item.top_terms:
                seen_chips += 1
                assert chip.lower() not in noise, chip
                assert len(chip) >= 3, chip
                # A whole word of the challenge, as written there.
                assert chip.lower() in challenge_words, (chip, challenge.title)
    assert seen_chips > 50


@pytest.mark.slow
def test_every_seeded_event_pair_fits_without_its_boost(app, demo):
    pairs = db.session.scalars(select(EventPair)).all()
    assert pairs
    for pair in pairs:
        stored = json.loads(pair.components)
        assert stored["fit"] >= DEFAULT_MIN_FIT, (pair.challenge.title, pair.company.name)
        assert pair.score == pytest.approx(min(1.0, stored["fit"] + stored["boost"]), abs=1e-3)

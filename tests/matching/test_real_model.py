"""Tests with the bundled all-MiniLM-L6-v2 (loaded offline); the slow ones."""

import os

import numpy as np
import pytest

from matching import Document, Matcher

pytestmark = pytest.mark.slow


def test_model_loads_offline_and_gives_normalised_384_dim_vectors(real_encoder):
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    vecs = real_encoder.encode(["Sonar for submarine detection.", "Field kitchens."])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)
    assert real_encoder.model_id == "all-MiniLM-L6-v2/p150o30"


def test_long_texts_are_split_and_pooled(real_encoder):
    text = " ".join(["Hydrophone arrays detect submarines in cold northern waters."] * 60)
    passages = real_encoder.passages(text)
    assert len(passages) > 1
    assert all(len(p.split()) <= real_encoder.window for p in passages)
    vec = real_encoder.encode([text])
    np.testing.assert_allclose(np.linalg.norm(vec), 1.0, rtol=1e-5)


CHALLENGES = [
    Document(
        "sonar",
        "The Navy needs better detection of quiet submarines in shallow, cold "
        "fjords. We seek passive sonar, hydrophone arrays and signal processing that "
        "separates submarine signatures from ambient noise and ship traffic.",
        title="Passive submarine detection in fjords",
    ),
    Document(
        "rations",
        "Soldiers on long winter exercises need hot meals. We seek lightweight "
        "field kitchens and ration heating that work at minus thirty degrees.",
        title="Hot meals in the field",
    ),
    Document(
        "drone-armour",
        "Lightweight ballistic protection for small unmanned ground "
        "vehicles against shrapnel and small-arms fire.",
        title="Armour for UGVs",
    ),
]
COMPANIES = [
    Document(
        "acoustics",
        "We develop underwater acoustic sensors: towed hydrophone arrays, "
        "beamforming and machine-learning classification of marine vessels and marine "
        "mammals from passive acoustic recordings.",
    ),
    Document(
        "catering",
        "Catering and canteen operator serving hot meals, event catering and "
        "food delivery for offices and military camps.",
    ),
    Document(
        "ceramics",
        "Producer of ceramic and composite armour plates, ballistic testing "
        "and lightweight protection for vehicles and personnel.",
    ),
    Document("payroll", "Payroll, invoicing and accounting software for small businesses."),
]


def test_sensible_ranking_of_hand_written_defence_texts(real_encoder):
    m = Matcher(encoder=real_encoder).fit(CHALLENGES, COMPANIES)
    assert m.rank_companies("sonar", top_k=1)[0].company_id == "acoustics"
    sonar = {x.company_id: x.score for x in m.rank_companies("sonar", top_k=4)}
    assert sonar["acoustics"] > sonar["catering"]
    assert m.rank_companies("rations", top_k=1)[0].company_id == "catering"
    assert m.rank_companies("drone-armour", top_k=1)[0].company_id == "ceramics"
    assert m.rank_challenges("acoustics", top_k=1)[0].challenge_id == "sonar"


def test_suggested_areas_for_a_profile(real_encoder):
    m = Matcher(encoder=real_encoder)
    top = [a for a, _ in m.suggest_areas(COMPANIES[0].text, top_k=3)]
    assert "underwater-technology" in top
    assert m.suggest_areas(COMPANIES[2].text, top_k=3)[0][0] in {
        "materials-technology",
        "innovative-materials",
    }

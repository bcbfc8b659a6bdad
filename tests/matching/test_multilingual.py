"""The language-aware blend: per-pairing weights, gated lexical evidence, a second encoder."""

import numpy as np
import pytest

from matching import DEFAULT_WEIGHTS, Area, Document, Matcher, MemoryCache
from matching.multilingual import (
    candidate_weights,
    grouped_standardise,
    pairing_blend,
    pairing_weights,
    text_components,
)
from matching.scoring import NEUTRAL, normalise
from matching.testing import HashingEncoder

# A toy "multilingual" encoder: Norwegian words are mapped to English before hashing, so a
# Norwegian text and its English counterpart get the same vector (as a real multilingual
# model approximately does), while the English-only encoder sees unrelated words.
NB_EN = {
    "undervannsfarkost": "underwater vehicle",
    "undervannsfarkoster": "underwater vehicles",
    "sonar": "sonar",
    "minerydding": "mine countermeasures",
    "feltkjøkken": "field kitchens",
    "soldater": "soldiers",
    "rustning": "armour",
    "kompositt": "composite",
    "for": "for",
    "og": "and",
    "med": "with",
    "til": "to",
}


class TranslatingEncoder(HashingEncoder):
    model_name = "translating"

    def __init__(self, prefix="passage", **kwargs):
        super().__init__(**kwargs)
        self.prefix = prefix

    @property
    def model_id(self):
        return f"translating/{self.prefix}/p{self.window}o{self.overlap}"

    def with_prefix(self, prefix):
        return TranslatingEncoder(prefix=prefix, dim=self._dim, cache=self.cache)

    def _embed(self, passages):
        translated = [" ".join(NB_EN.get(w.lower(), w) for w in p.split()) for p in passages]
        return super()._embed(translated)


CHALLENGE_NB = Document(
    "nb-sonar",
    "Undervannsfarkost med sonar for minerydding og undervannsfarkoster til soldater",
    title="Undervannsfarkost for minerydding",
)
CHALLENGE_EN = Document(
    "en-sonar",
    "An underwater vehicle with sonar for mine countermeasures and underwater vehicles",
    title="Underwater vehicle for mine countermeasures",
)
COMPANIES = [
    Document("uw", "We build underwater vehicles with sonar for mine countermeasures."),
    Document("food", "We run field kitchens for soldiers and cook rations for the army."),
    Document("armour", "We make composite armour plates and protective vests for soldiers."),
    Document("paint", "We paint ship hulls with antifouling coatings in dry docks."),
    Document("nb-food", "Vi driver feltkjøkken for soldater og lager mat til Forsvaret i felt."),
]
AREAS = [Area("underwater", "Underwater technology", "sonar and submarines")]


def fitted(multilingual=True, **kwargs):
    return Matcher(
        encoder=HashingEncoder(cache=MemoryCache()),
        multilingual_encoder=TranslatingEncoder(cache=MemoryCache()) if multilingual else None,
        areas=AREAS,
        **kwargs,
    ).fit([CHALLENGE_NB, CHALLENGE_EN], COMPANIES)


def test_pairing_weights_move_lexical_weight_to_semantic():
    w = pairing_weights(DEFAULT_WEIGHTS, {"lexical": 0.0})
    assert w["lexical"] == 0.0
    assert w["semantic"] == pytest.approx(DEFAULT_WEIGHTS["semantic"] + DEFAULT_WEIGHTS["lexical"])
    assert sum(w.values()) == pytest.approx(1.0)
    assert pairing_weights(DEFAULT_WEIGHTS, {"lexical": 1.0}) == DEFAULT_WEIGHTS


def test_pairing_blend_overrides_are_checked():
    assert pairing_blend({"nb-en": {"lexical": 0.5}})["nb-en"]["lexical"] == 0.5
    with pytest.raises(ValueError):
        pairing_blend({"de-en": {"lexical": 0.5}})
    with pytest.raises(ValueError):
        pairing_blend({"nb-en": {"bm25": 0.5}})


def test_grouped_standardise_is_plain_for_one_group_and_separate_for_two():
    raw = np.array([1.0, 2.0, 3.0, 10.0, 20.0, 30.0])
    one = grouped_standardise(raw, np.array(["en-en"] * 6, dtype=object))
    assert np.allclose(one, (raw - raw.mean()) / raw.std())
    two = grouped_standardise(raw, np.array(["en-en"] * 3 + ["en-nb"] * 3, dtype=object))
    assert np.allclose(two[:3], two[3:])  # each group ranked against its own kind


def test_english_pool_components_equal_the_english_only_formula():
    rng = np.random.default_rng(0)
    sem, bm, tf = rng.random(50), rng.random(50), rng.random(50)
    keys = np.array(["en-en"] * 50, dtype=object)
    s, lex = text_components(keys, sem, rng.random(50), bm, tf, pairing_blend())
    z = lambda x: (x - x.mean()) / x.std()  # noqa: E731
    assert np.allclose(s, normalise(sem))
    assert np.allclose(lex, normalise(z(bm) + z(tf)))


def test_cross_language_lexical_noise_is_neutral_and_e5_carries_semantics():
    rng = np.random.default_rng(1)
    sem, multi = rng.random(40), rng.random(40)
    keys = np.array(["nb-en"] * 40, dtype=object)
    noise = rng.random(40) * 1e-3  # what BM25 gives across languages
    blend = pairing_blend({"nb-en": {"multilingual": 1.0, "lexical": 0.0}})
    s, lex = text_components(keys, sem, multi, noise, noise, blend)
    assert np.all(lex == NEUTRAL)
    assert np.allclose(s, normalise(multi))


def test_candidate_weights_per_pairing():
    keys = np.array(["nb-en", "nb-nb", "nb-en"], dtype=object)
    blend = pairing_blend({"nb-en": {"lexical": 0.0}, "nb-nb": {"lexical": 1.0}})
    cols, per_key = candidate_weights(keys, DEFAULT_WEIGHTS, blend)
    assert set(per_key) == {"nb-en", "nb-nb"}
    assert cols["lexical"][0] == cols["lexical"][2] == per_key["nb-en"]["lexical"] == 0.0
    assert cols["lexical"][1] == per_key["nb-nb"]["lexical"] == DEFAULT_WEIGHTS["lexical"]
    for n, key in enumerate(keys):
        assert sum(cols[c][n] for c in cols) == pytest.approx(1.0)
        assert cols["semantic"][n] == per_key[key]["semantic"]


def test_languages_are_detected_when_fitting():
    m = fitted()
    assert list(m.challenge_languages_) == ["nb", "en"]
    assert m.company_languages_[-1] == "nb"
    assert set(m.company_languages_[:-1]) == {"en"}


def test_norwegian_challenge_finds_the_english_company_through_the_multilingual_encoder():
    ranked = fitted().rank_companies("nb-sonar", top_k=5)
    assert ranked[0].company_id == "uw"
    without = fitted(multilingual=False).explain("nb-sonar", "uw")
    # The English-only encoder sees mostly unrelated words: weaker semantic evidence.
    assert ranked[0].components["semantic"] > without.components["semantic"]


def test_scores_are_reproduced_by_each_matchs_weights():
    m = fitted()
    for match in m.rank_companies("nb-sonar", top_k=5) + m.rank_challenges("nb-food", top_k=2):
        total = sum(match.weights[k] * match.components[k] for k in match.weights)
        assert match.score == pytest.approx(total)
        assert sum(match.weights.values()) == pytest.approx(1.0)


def test_cross_language_matches_say_so():
    m = fitted()
    by_id = {x.company_id: x for x in m.rank_companies("nb-sonar", top_k=5)}
    uw = by_id["uw"]
    factor = pairing_blend()["nb-en"]["lexical"]
    assert uw.weights["lexical"] == pytest.approx(DEFAULT_WEIGHTS["lexical"] * factor)
    assert any("Different languages (nb-en)" in n for n in uw.notes)
    # A Norwegian word is shared when its English gloss is in the other text, and is shown as
    # the challenge wrote it.
    assert set(uw.top_shared_terms) == {"sonar", "undervannsfarkost"}


def test_a_pairing_without_lexical_weight_shows_lexical_as_neutral():
    m = fitted(pairing_blend={"nb-en": {"lexical": 0.0}})
    by_id = {x.company_id: x for x in m.rank_companies("nb-sonar", top_k=5)}
    uw, nb_food = by_id["uw"], by_id["nb-food"]
    assert uw.weights["lexical"] == 0.0 and uw.components["lexical"] == NEUTRAL
    assert any("lexical evidence not used" in n for n in uw.notes)
    assert nb_food.weights["lexical"] > 0.0  # Norwegian with Norwegian: like with like
    assert not any("Different languages" in n for n in nb_food.notes)
    # Shared terms are words of the challenge, as written.
    assert set(uw.top_shared_terms) <= set(CHALLENGE_NB.text.lower().split())


def test_english_challenge_ranks_as_without_a_multilingual_encoder():
    a = [x.company_id for x in fitted().rank_companies("en-sonar", top_k=4)]
    b = [x.company_id for x in fitted(multilingual=False).rank_companies("en-sonar", top_k=4)]
    en = [c for c in a if c != "nb-food"]
    assert en == [c for c in b if c != "nb-food"]


def test_multilingual_passages_are_capped():
    long_text = "\n".join(f"Project {n}: sonar arrays and hydrophones." * 20 for n in range(6))
    docs = [Document("long", long_text), *COMPANIES[:2]]
    m = Matcher(
        encoder=HashingEncoder(cache=MemoryCache()),
        multilingual_encoder=TranslatingEncoder(cache=MemoryCache()),
        multilingual_passages=2,
        areas=AREAS,
    ).fit([CHALLENGE_NB], docs)
    assert len(m.multilingual_["companies"].doc_passages(0)) == 2
    assert len(m.company_vectors_.doc_passages(0)) > 2


def test_norwegian_text_gets_norwegian_area_suggestions():
    areas = [
        Area("underwater", "Underwater technology", "sonar and submarines",
             name_nb="Undervannsteknologi", description_nb="sonar og ubåter og undervannsfarkost"),
        Area("food", "Food services", "field kitchens and rations",
             name_nb="Forpleining", description_nb="feltkjøkken og mat til soldater"),
    ]
    m = Matcher(encoder=HashingEncoder(cache=MemoryCache()), areas=areas)
    top = m.suggest_areas("Vi leverer feltkjøkken og mat til soldater i felt", top_k=2)
    assert top[0][0] == "food"
    top = m.suggest_areas("Vi bygger undervannsfarkost med sonar og ubåter", top_k=2)
    assert top[0][0] == "underwater"

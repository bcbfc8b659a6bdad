
import numpy as np
import pytest

from matching import COMPONENTS, DEFAULT_WEIGHTS, Area, Document, Matcher, learn_weights
from matching.testing import HashingEncoder

AREAS = [
    Area(
        "underwater",
        "Underwater technology",
        "sonar, hydrophones, submarines",
        "priority",
        ("autonomy",),
    ),
    Area(
        "autonomy",
        "Autonomous systems",
        "drones and unmanned vehicles",
        "emerging",
        ("underwater",),
    ),
    Area("materials", "Materials", "armour, composites and coatings", "priority"),
    Area("food", "Food services", "catering, field kitchens and rations", "priority"),
]

CHALLENGES = [
    Document(
        "sonar",
        "Detect submarines with low-frequency sonar and hydrophone arrays in cold water.",
        title="Submarine detection",
        areas=("underwater",),
        trl=(4, 6),
        region="Vestland",
    ),
    Document("armour", "Lighter composite armour plates for vehicles.", title="Armour"),
    Document("kitchen", "Field kitchens that cook rations for soldiers.", title="Food"),
]

COMPANIES = [
    Document(
        "acoustics",
        "We design hydrophone arrays and sonar signal processing for submarine detection.",
        title="Acoustics AS",
        areas=("underwater",),
        trl=5,
        region="vestland",
    ),
    Document(
        "drones",
        "Unmanned underwater drones with sonar payloads.",
        areas=("autonomy",),
        trl=8,
        region="Oslo",
    ),
    Document("catering", "Catering company: rations, field kitchens and food for soldiers."),
    Document("composites", "Composite armour plates and ceramic coatings for vehicles."),
    Document("empty", ""),
]


@pytest.fixture
def matcher():
    return Matcher(encoder=HashingEncoder(), areas=AREAS).fit(CHALLENGES, COMPANIES)


def test_score_is_the_weighted_sum_of_components(matcher):
    for match in matcher.rank_companies("sonar", top_k=5) + matcher.rank_challenges("drones"):
        assert set(match.components) == set(COMPONENTS)
        assert all(0.0 <= v <= 1.0 for v in match.components.values())
        rebuilt = sum(match.weights[k] * match.components[k] for k in COMPONENTS)
        assert match.score == pytest.approx(rebuilt, abs=1e-9)
        assert 0.0 <= match.score <= 1.0
        assert sum(match.weights.values()) == pytest.approx(1.0)


def test_rankings_are_sorted_and_sensible(matcher):
    ranked = matcher.rank_companies("sonar", top_k=5)
    assert [m.rank for m in ranked] == [1, 2, 3, 4, 5]
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)
    assert ranked[0].company_id == "acoustics"
    assert matcher.rank_companies("kitchen", top_k=1)[0].company_id == "catering"
    assert matcher.rank_challenges("composites", top_k=1)[0].challenge_id == "armour"


def test_explanation_of_a_tiny_example(matcher):
    best = matcher.rank_companies("sonar", top_k=1)[0]
    assert best.shared_areas == ("underwater",)
    assert {"sonar", "hydrophone", "submarine"} <= set(best.top_shared_terms)
    # Whole words as the challenge wrote them, not stems ("arrays", not "array").
    assert "arrays" in best.top_shared_terms and "array" not in best.top_shared_terms
    assert "catering" not in best.top_shared_terms
    bp = best.best_passages
    assert bp["challenge_index"] == 0 and bp["company_index"] == 0
    assert "hydrophone" in bp["company"] and "sonar" in bp["challenge"].lower()
    assert best.components["trl"] == 1.0  # TRL 5 within 4-6
    assert best.components["region"] == 1.0  # same region, case-insensitive
    # the drone company shares the area only through the crosswalk, and is outside the TRL
    drones = matcher.explain("sonar", "drones")
    assert drones.shared_areas == ("underwater",)
    assert drones.components["areas"] < best.components["areas"]
    assert drones.components["trl"] < 1.0 and drones.components["region"] == 0.0


def test_company_texts_can_stay_outside_the_index(matcher):
    texts = {d.id: d.text for d in COMPANIES}
    asked: list[list[str]] = []

    def load(ids):
        asked.append(sorted(ids))
        return {i: texts[i] for i in ids}

    lean = Matcher(encoder=HashingEncoder(), areas=AREAS, company_texts=load).fit(
        CHALLENGES, COMPANIES
    )
    assert not hasattr(lean, "companies_")  # no documents kept
    assert asked == []  # fitting needs no texts back
    kept = matcher.rank_companies("sonar", top_k=3)
    lean_ranked = lean.rank_companies("sonar", top_k=3)
    assert lean_ranked == kept  # same scores, areas, notes, terms and passages
    assert asked == [sorted(m.company_id for m in kept)]  # one call, only the shown companies
    for company in COMPANIES:  # areas, TRL and region notes rebuilt from the arrays
        assert lean.explain("armour", company.id) == matcher.explain("armour", company.id)


def test_a_company_text_gone_from_the_store_leaves_its_passage_empty():
    lean = Matcher(encoder=HashingEncoder(), areas=AREAS, company_texts=lambda ids: {}).fit(
        CHALLENGES, COMPANIES
    )
    best = lean.rank_companies("sonar", top_k=1)[0]
    assert best.company_id == "acoustics" and best.best_passages["company"] == ""
    assert "hydrophone" in best.top_shared_terms  # terms come from the index, not the text


def test_explanations_say_which_side_has_inferred_areas(matcher):
    assert matcher.explain("sonar", "acoustics").areas_inferred == ()  # both chose areas
    kitchen = matcher.explain("kitchen", "catering")
    assert kitchen.shared_areas == ("food",)
    assert kitchen.areas_inferred == ("challenge", "company")
    assert matcher.explain("sonar", "catering").areas_inferred == ()  # nothing shared


def test_missing_features_are_neutral_and_said_so(matcher):
    m = matcher.explain("armour", "composites")
    assert m.components["trl"] == 0.5 and m.components["region"] == 0.5
    assert m.components["areas"] == 0.5  # neither side lists areas
    assert any("TRL neutral" in n for n in m.notes)
    assert any("Region neutral" in n for n in m.notes)
    assert any("Areas neutral" in n for n in m.notes)


def test_explain_agrees_with_the_ranking(matcher):
    for match in matcher.rank_companies("sonar", top_k=5):
        again = matcher.explain("sonar", match.company_id)
        assert again.score == pytest.approx(match.score)
        assert again.components == pytest.approx(match.components)
    mask = np.array([False, True, True, True, False])
    ranked = matcher.rank_companies("sonar", mask=mask)
    assert matcher.explain("sonar", ranked[0].company_id, mask=mask).score == pytest.approx(
        ranked[0].score
    )


def test_masked_candidates_are_never_returned(matcher):
    best = matcher.rank_companies("sonar", top_k=1)[0].company_id
    mask = np.array([cid != best for cid in matcher.company_ids_])
    ranked = matcher.rank_companies("sonar", top_k=10, mask=mask)
    returned = {m.company_id for m in ranked}
    assert best not in returned
    assert returned == {cid for cid, ok in zip(matcher.company_ids_, mask, strict=True) if ok}
    none = matcher.rank_companies("sonar", mask=np.zeros(len(COMPANIES), dtype=bool))
    assert none == []
    ch_mask = np.array([cid == "kitchen" for cid in matcher.challenge_ids_])
    only = matcher.rank_challenges("acoustics", mask=ch_mask)
    assert [m.challenge_id for m in only] == ["kitchen"]
    with pytest.raises(ValueError):
        matcher.rank_companies("sonar", mask=np.ones(3, dtype=bool))
    with pytest.raises(ValueError):
        matcher.explain("sonar", best, mask=mask)


def test_masked_candidates_are_not_scored(matcher, monkeypatch):
    import matching.scoring as scoring

    seen = []
    original = scoring.pooled_similarity

    def spy(query, passages, offsets, norms, rows=None, scales=None):
        seen.append(None if rows is None else rows.tolist())
        return original(query, passages, offsets, norms, rows, scales)

    monkeypatch.setattr(scoring, "pooled_similarity", spy)
    mask = np.array([False, True, False, True, False])
    matcher.rank_companies("sonar", mask=mask)
    assert seen == [[1, 3]]


def test_fit_weights_moves_weight_to_the_informative_component(matcher):
    rng = np.random.default_rng(0)
    n = 400
    X = rng.random((n, len(COMPONENTS)))
    y = X[:, COMPONENTS.index("lexical")] + 0.1 * rng.standard_normal(n) > 0.6
    w = learn_weights(X, y)
    assert max(w, key=w.get) == "lexical"
    assert w["lexical"] > DEFAULT_WEIGHTS["lexical"]
    assert all(v >= 0 for v in w.values()) and sum(w.values()) == pytest.approx(1.0)

    # Through the matcher: judgements that follow the TRL fit alone.
    judgements = []
    for ch in CHALLENGES:
        for co in COMPANIES:
            trl = matcher.explain(ch.id, co.id).components["trl"]
            judgements.append((ch.id, co.id, trl == 1.0))
    before = dict(matcher.weights_)
    assert matcher.fit_weights(judgements) is matcher
    assert matcher.weights_["trl"] > before["trl"]
    assert sum(matcher.weights_.values()) == pytest.approx(1.0)


def test_weights_are_normalised_and_validated():
    m = Matcher(weights={"semantic": 2, "lexical": 2}, encoder=HashingEncoder(), areas=AREAS)
    m.fit(CHALLENGES, COMPANIES)
    assert m.weights_ == {"semantic": 0.5, "lexical": 0.5, "areas": 0, "trl": 0, "region": 0}
    with pytest.raises(ValueError):
        Matcher(weights={"colour": 1.0}).fit(CHALLENGES, COMPANIES)


def test_suggest_areas_ranks_the_obvious_area_first(matcher):
    labelled = [
        Document(f"c{i}", "hydrophone sonar submarine", areas=("underwater",)) for i in range(6)
    ]
    labelled += [Document(f"d{i}", "rations kitchen catering", areas=("food",)) for i in range(6)]
    fitted = Matcher(encoder=HashingEncoder(), areas=AREAS).fit(CHALLENGES, labelled)
    assert fitted.area_inferrer_.supervised_.tolist() == [True, False, False, True]
    top = fitted.suggest_areas("a sonar for submarine hunting", top_k=2)
    assert top[0][0] == "underwater"
    assert len(top) == 2 and top[0][1] >= top[1][1]
    unfitted = Matcher(encoder=HashingEncoder(), areas=AREAS)
    assert unfitted.suggest_areas("catering kitchens and rations")[0][0] == "food"


def test_refit_reuses_cached_vectors():
    from matching import MemoryCache

    enc = HashingEncoder(cache=MemoryCache())
    Matcher(encoder=enc, areas=AREAS).fit(CHALLENGES, COMPANIES)
    embedded = enc.embedded
    m = Matcher(encoder=enc, areas=AREAS).fit(CHALLENGES, COMPANIES[:3])
    assert enc.embedded == embedded
    assert m.company_ids_ == ["acoustics", "drones", "catering"]


def test_unfitted_and_duplicate_ids_fail_clearly():
    with pytest.raises(RuntimeError):
        Matcher(encoder=HashingEncoder(), areas=AREAS).rank_companies("sonar")
    with pytest.raises(ValueError):
        Matcher(encoder=HashingEncoder(), areas=AREAS).fit(CHALLENGES, COMPANIES + COMPANIES[:1])


def test_int8_vectors_keep_the_ranking_of_float32_vectors():
    rng = np.random.default_rng(7)
    words = [f"w{n}" for n in range(300)]
    companies = [
        Document(f"c{n}", " ".join(rng.choice(words, 40))) for n in range(60)
    ]
    challenges = [Document(f"q{n}", " ".join(rng.choice(words, 30))) for n in range(5)]
    exact = Matcher(encoder=HashingEncoder(), vector_dtype="float32").fit(challenges, companies)
    small = Matcher(encoder=HashingEncoder(), vector_dtype="int8").fit(challenges, companies)
    assert small.company_vectors_.vectors.dtype == np.int8
    assert small.company_vectors_.vectors.nbytes * 4 == exact.company_vectors_.vectors.nbytes
    for q in challenges:
        a = exact.score_companies(q.id)
        b = small.score_companies(q.id)
        assert np.abs(a - b).max() < 2e-3
        assert [m.company_id for m in small.rank_companies(q.id, top_k=3)] == [
            m.company_id for m in exact.rank_companies(q.id, top_k=3)
        ]
    with pytest.raises(ValueError, match="vector_dtype"):
        Matcher(encoder=HashingEncoder(), vector_dtype="float16").fit(challenges, companies)


def test_every_match_has_a_fit_from_absolute_evidence(matcher):
    for match in matcher.rank_companies("sonar", top_k=5) + matcher.rank_challenges("drones"):
        assert 0.0 <= match.fit <= 1.0
        assert {"text", "terms"} <= set(match.evidence)
        assert all(0.0 <= v <= 1.0 for v in match.evidence.values())
    fits, evidence = matcher.fit_companies("sonar")
    ranked = {m.company_id: m.fit for m in matcher.rank_companies("sonar", top_k=5)}
    for n, company in enumerate(matcher.company_ids_):
        assert fits[n] == pytest.approx(ranked[company])
    assert set(evidence) == {"text", "terms", "areas", "trl", "region"}


def test_no_shared_term_is_no_term_evidence(matcher):
    catering = matcher.explain("sonar", "catering")
    assert catering.top_shared_terms == ()
    assert catering.evidence["terms"] == 0.0
    assert matcher.explain("sonar", "acoustics").evidence["terms"] > 0.0


def test_evidence_resting_on_no_data_is_left_out(matcher):
    # The challenge gives TRL and region, the company neither; neither side lists areas for
    # "kitchen", and no one gives TRL there.
    catering = matcher.explain("sonar", "catering")
    assert "trl" not in catering.evidence and "region" not in catering.evidence
    assert "areas" in catering.evidence  # the challenge chose its areas
    kitchen = matcher.explain("kitchen", "catering")
    assert set(kitchen.evidence) == {"text", "terms"}
    acoustics = matcher.explain("sonar", "acoustics")
    assert acoustics.evidence["trl"] == 1.0 and acoustics.evidence["region"] == 1.0


def test_a_boost_orders_by_fit_plus_boost_in_one_pass(matcher):
    plain = matcher.rank_companies("sonar", top_k=5)
    fit = {m.company_id: m.fit for m in plain}
    boost = np.zeros(len(matcher.company_ids_))
    lifted = min(fit, key=fit.get)  # the weakest company
    boost[matcher.company_ids_.index(lifted)] = 1.0
    boosted = matcher.rank_companies("sonar", top_k=5, boost=boost)
    assert boosted[0].company_id == lifted and boosted[0].boost == 1.0
    assert boosted[0].fit == pytest.approx(fit[lifted])  # the fit itself is unchanged
    keys = [min(1.0, m.fit + m.boost) for m in boosted]
    assert keys == sorted(keys, reverse=True)
    assert all(m.boost == 0.0 for m in boosted[1:])


def test_a_boost_never_brings_in_a_company_below_the_threshold(matcher):
    fits = dict(zip(matcher.company_ids_, matcher.fit_companies("sonar")[0], strict=True))
    threshold = sorted(fits.values())[2]  # the two weakest fall below it
    below = {c for c, f in fits.items() if f < threshold}
    boost = np.zeros(len(matcher.company_ids_))
    for company in below:
        boost[matcher.company_ids_.index(company)] = 1.0
    ranked = matcher.rank_companies("sonar", top_k=5, boost=boost, min_fit=threshold)
    assert {m.company_id for m in ranked} == set(fits) - below
    # Positive control: without the threshold the boost brings them to the top.
    assert {m.company_id for m in matcher.rank_companies("sonar", top_k=2, boost=boost)} == below


def test_a_boost_must_cover_every_company(matcher):
    with pytest.raises(ValueError, match="boost"):
        matcher.rank_companies("sonar", boost=np.zeros(2))


def test_one_pairing_is_ordered_by_ranking_score(matcher):
    for challenge in ("sonar", "armour", "kitchen"):
        ranked = matcher.rank_companies(challenge, top_k=5)
        scores = [m.score for m in ranked]
        assert scores == sorted(scores, reverse=True)
    keys = matcher.ranking_keys("sonar")
    assert [matcher.company_ids_[k] for k in np.argsort(-keys, kind="stable")][:5] == [
        m.company_id for m in matcher.rank_companies("sonar", top_k=5)]


NORWEGIAN_FILLERS = (
    "Vi baker brød og kaker til kantiner og møter i byen.",
    "Vi fører regnskap og lønn for små bedrifter i regionen.",
    "Vi bygger og leier ut hytter på fjellet om vinteren.",
    "Vi trykker bøker, plakater og brosjyrer for skoler.",
    "Vi selger blomster og planter til hager og kontorer.",
    "Vi driver frisørsalong og neglstudio i sentrum av byen.",
)
MORE_SONAR = (
    "Sonar arrays that detect submarines in cold water, with hydrophone signal processing.",
    "Low-frequency sonar for submarine detection in cold water.",
    "Hydrophone arrays for detecting submarines with sonar.",
    "Cold water sonar and hydrophone systems to detect submarines.",
)


def test_a_mixed_language_pool_is_merged_by_band_keeping_each_pairings_order():
    from matching.calibration import band_levels
    from matching.language import detect_language

    # A Norwegian company that shares one word with the challenge stands out among unrelated
    # Norwegian ones: standardised within its pairing it scores above several strong English
    # fits, though its own fit is weak.
    norwegian = [Document("nb-sonar", "Vi baker brød og kaker til kantiner, og vi selger en "
                                      "sonar til fiskere i byen.")]
    norwegian += [Document(f"nb-{n}", text) for n, text in enumerate(NORWEGIAN_FILLERS)]
    assert all(detect_language(d.text) == "nb" for d in norwegian)
    english = COMPANIES + [Document(f"sonar-{n}", t) for n, t in enumerate(MORE_SONAR)]
    m = Matcher(encoder=HashingEncoder(), areas=AREAS).fit(CHALLENGES, english + norwegian)
    ranked = m.rank_companies("sonar", top_k=len(english) + len(norwegian))
    by_id = {x.company_id: x for x in ranked}
    strong = [x for x in ranked if not x.company_id.startswith("nb-") and x.fit >= 0.75]
    assert len(strong) >= 4 and by_id["nb-sonar"].fit < 0.25
    assert any(by_id["nb-sonar"].score > x.score for x in strong)  # the case being tested
    pairing = {x.company_id: ("en-nb" if x.company_id.startswith("nb-") else "en-en")
               for x in ranked}
    # Each pairing keeps its own order (the ranking score) ...
    for key in ("en-en", "en-nb"):
        own = [x.score for x in ranked if pairing[x.company_id] == key]
        assert own == sorted(own, reverse=True)
    # ... and the pairings are merged by band: every strong English fit stands above the
    # weak Norwegian one, whatever their ranking scores.
    assert max(ranked.index(x) for x in strong) < ranked.index(by_id["nb-sonar"])
    capped: dict[str, int] = {}
    for key in ("en-en", "en-nb"):
        level = 3
        for x in ranked:
            if pairing[x.company_id] == key:
                level = min(level, int(band_levels(np.array([x.fit]))[0]))
                capped[x.company_id] = level
    levels = [capped[x.company_id] for x in ranked]
    assert levels == sorted(levels, reverse=True)


def test_area_classifiers_started_warm_reach_the_cold_optimum():
    from sklearn.linear_model import LogisticRegression

    from matching.taxonomy import AreaInferrer

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 16))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    truth = rng.normal(size=(16, 3))
    Y = (X @ truth > 0.2).astype(np.int8)
    areas = np.eye(3, 16)
    before = AreaInferrer().fit(areas, X, Y)
    Y2 = Y.copy()
    Y2[:5] = 1 - Y2[:5]  # a small change of the labelled data, as after one save
    cold = AreaInferrer().fit(areas, X, Y2)
    warm = AreaInferrer().fit(areas, X, Y2, warm_start=before)
    # Both stop within the solver's tolerance of the optimum of the changed data.
    optimum = AreaInferrer(C=10.0).fit(areas, X, Y2)
    for j in range(3):
        tight = LogisticRegression(C=10.0, tol=1e-10, max_iter=10_000, class_weight="balanced")
        optimum.coef_[j] = tight.fit(X, Y2[:, j]).coef_[0]
        optimum.intercept_[j] = tight.intercept_[0]
    for fitted in (cold, warm):
        np.testing.assert_allclose(fitted.predict_proba(X), optimum.predict_proba(X), atol=0.05)
    assert not np.allclose(warm.coef_, before.coef_)  # it did learn the change
    # An inferrer over other areas is no starting point.
    other = AreaInferrer().fit(np.eye(2, 16), X, Y[:, :2])
    np.testing.assert_allclose(
        AreaInferrer().fit(areas, X, Y2, warm_start=other).coef_, cold.coef_)

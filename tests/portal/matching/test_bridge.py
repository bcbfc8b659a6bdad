"""The bridge: embedding cache in the database, lazy per-app engine, masks before ranking."""

import numpy as np
import pytest
from sqlalchemy import func, select

import matching as matching_library
from portal import create_app
from portal.db import db
from portal.models import Embedding, MatcherWeights
from portal.services import matching
from tests.portal.matching.conftest import areas

SONAR = ("Passive sonar arrays and underwater acoustics for anti-submarine warfare. "
         "We build hydrophones and signal processing for submarines.")
CATERING = "Catering and food services for canteens, festivals and field kitchens."
DRONES = "Autonomous drones with computer vision for search and rescue in the Arctic."


@pytest.fixture
def population(make_company, make_challenge):
    sonar = make_company(name="Sonar AS", description=SONAR, county="Vestland", trl=6,
                         areas=areas("underwater-technology"))
    food = make_company(name="Food AS", description=CATERING, county="Oslo", trl=9)
    drones = make_company(name="Drone AS", description=DRONES, county="Troms", trl=4,
                          clearance="facility", clearance_verified=True,
                          areas=areas("autonomous-systems"))
    challenge = make_challenge(title="Detect submarines with sonar",
                               problem="Passive sonar to detect quiet submarines in fjords.",
                               area_slugs=("underwater-technology",))
    return {"sonar": sonar, "food": food, "drones": drones, "challenge": challenge}


def _encoder(app):
    return matching.get_engine(app).encoder


def test_engine_is_lazy_and_per_app(app, population):
    assert "matching" not in app.extensions
    matching.rank_companies(db.session, None, population["challenge"])
    engine = app.extensions["matching"]
    assert engine is matching.get_engine(app)
    assert type(engine.encoder).__name__ == "HashingEncoder"


def test_rank_companies_explains_and_returns_rows(app, population):
    result = matching.rank_companies(db.session, None, population["challenge"], top_k=3)
    assert result.items[0].company.name == "Sonar AS"
    top = result.items[0]
    assert 0.0 <= top.score <= 1.0
    # The shown score is the fit (no boost here); the components are its evidence, and only
    # the evidence both sides gave data for (no company here gives a region or TRL range
    # that the challenge shares).
    assert top.score == pytest.approx(top.fit) and top.boost == 0.0
    assert {"text", "terms", "areas"} <= set(top.components)
    assert set(top.components) <= {"text", "terms", "areas", "trl", "region"}
    assert top.components["terms"] > 0  # "sonar" is shared
    assert top.band in {"strong", "good", "possible", "weak"}
    assert [a.slug for a in top.shared_areas] == ["underwater-technology"]
    assert "sonar" in top.top_terms
    assert "sonar" in top.best_passages["challenge"].lower()
    assert result.model_id.startswith("hashing")
    assert result.weights_version == "default"
    assert result.candidates == 3


def test_second_build_encodes_nothing(app, population):
    encoder = _encoder(app)
    matching.rank_companies(db.session, None, population["challenge"])
    first = encoder.embedded
    assert first > 0
    stored = db.session.scalar(select(func.count()).select_from(Embedding))
    assert stored > 0
    stats = matching.reindex(db.session, progress=False)
    assert encoder.embedded == first
    assert stats["encoded"] == 0 and stats["reused"] > 0


def test_editing_one_profile_encodes_only_its_changed_passage(app, population):
    encoder = _encoder(app)
    matching.rank_companies(db.session, None, population["challenge"])
    before = encoder.embedded
    population["food"].description = CATERING + " Now also vegan menus."
    db.session.commit()
    result = matching.rank_companies(db.session, None, population["challenge"])
    assert encoder.embedded - before == 1  # the one new passage of the edited profile
    assert len(result.items) == 3


def test_new_app_over_same_database_encodes_nothing(app, population):
    matching.reindex(db.session, progress=False)
    other = create_app({**app.config})
    with other.app_context():
        stats = matching.reindex(db.session, progress=False)
        assert stats["encoded"] == 0
        assert matching.get_engine(other).encoder.embedded == 0
        db.session.remove()


def test_cache_put_ignores_rows_that_already_exist(app):
    cache = matching.get_engine(app).cache
    vec = np.arange(4, dtype=np.float32)
    cache.put_many("m", {"a" * 64: vec})
    cache.put_many("m", {"a" * 64: vec + 1, "b" * 64: vec})  # "a" exists: kept, no error
    got = cache.get_many("m", ["a" * 64, "b" * 64, "c" * 64])
    assert set(got) == {"a" * 64, "b" * 64}
    np.testing.assert_array_equal(got["a" * 64], vec)


def test_cache_get_many_chunks_large_key_lists(app):
    cache = matching.get_engine(app).cache
    keys = [f"{n:064x}" for n in range(1200)]
    cache.put_many("m", {k: np.ones(2, dtype=np.float32) for k in keys})
    assert len(cache.get_many("m", keys)) == 1200


def test_vetted_challenge_masks_unvetted_companies_before_ranking(app, population, monkeypatch,
                                                                  make_challenge):
    secret = make_challenge(title="Secret sonar", problem=SONAR, visibility="vetted")
    calls = []
    original = matching_library.Matcher.rank_companies

    def spy(self, challenge_id, top_k=20, mask=None, **kwargs):
        calls.append((list(self.company_ids_), None if mask is None else mask.copy()))
        return original(self, challenge_id, top_k=top_k, mask=mask, **kwargs)

    monkeypatch.setattr(matching_library.Matcher, "rank_companies", spy)
    result = matching.rank_companies(db.session, None, secret)
    assert [i.company.name for i in result.items] == ["Drone AS"]
    assert result.candidates == 1
    ids, mask = calls[0]
    allowed = {int(ids[n]) for n in np.flatnonzero(mask)}
    assert allowed == {population["drones"].id}


def test_filters(app, population):
    challenge = population["challenge"]
    by_county = matching.rank_companies(db.session, None, challenge, county="Oslo")
    assert [i.company.name for i in by_county.items] == ["Food AS"]
    by_trl = matching.rank_companies(db.session, None, challenge, min_trl=6)
    assert {i.company.name for i in by_trl.items} == {"Sonar AS", "Food AS"}
    vetted = matching.rank_companies(db.session, None, challenge, vetted_only=True)
    assert [i.company.name for i in vetted.items] == ["Drone AS"]
    assert vetted.candidates == 1


def test_regional_boost_is_an_addition_to_the_fit(app, population):
    challenge = population["challenge"]
    plain = matching.rank_companies(db.session, None, challenge)
    assert [i.company.name for i in plain.items][-1] == "Drone AS"
    boosted = matching.rank_companies(db.session, None, challenge, boost_county="Troms",
                                      boost=0.5)
    drone = next(i for i in boosted.items if i.company.name == "Drone AS")
    drone_plain = next(i for i in plain.items if i.company.name == "Drone AS")
    assert drone.boost == 0.5
    assert drone.fit == pytest.approx(drone_plain.fit)  # the fit itself is unchanged
    assert drone.score == pytest.approx(min(1.0, drone_plain.fit + 0.5))
    assert drone.components == drone_plain.components  # the boost is not evidence
    # Ordered by fit plus boost: the boosted company moves up, past a company that fits
    # about as poorly but is not in the region.
    keys = [i.score for i in boosted.items]
    assert keys == sorted(keys, reverse=True)
    assert [i.company.name for i in boosted.items] == ["Sonar AS", "Drone AS", "Food AS"]
    sonar = next(i for i in boosted.items if i.company.name == "Sonar AS")
    assert sonar.boost == 0.0 and sonar.score == pytest.approx(sonar.fit)
    assert all(0.0 <= i.score <= 1.0 for i in boosted.items)


def test_rank_challenges_masks_vetted_and_unpublished(app, make_user, make_company,
                                                      make_challenge, monkeypatch):
    company = make_company(name="Acme", description=SONAR)
    sme = make_user(company=company)
    public = make_challenge(title="Open sonar", problem=SONAR)
    secret = make_challenge(title="Secret sonar", problem=SONAR, visibility="vetted")
    make_challenge(title="Draft sonar", problem=SONAR, status="draft")
    make_challenge(title="Closed sonar", problem=SONAR, status="closed")
    masks = []
    original = matching_library.Matcher.rank_challenges

    def spy(self, company_id, top_k=20, mask=None):
        masks.append(dict(zip(self.challenge_ids_, mask.tolist(), strict=True)))
        return original(self, company_id, top_k=top_k, mask=mask)

    monkeypatch.setattr(matching_library.Matcher, "rank_challenges", spy)
    result = matching.rank_challenges(db.session, sme, company)
    assert [i.challenge.title for i in result.items] == ["Open sonar"]
    assert result.candidates == 1
    assert masks[0][str(secret.id)] is False
    assert masks[0][str(public.id)] is True


def test_rank_challenges_respects_the_company_even_for_staff_viewers(app, make_user, make_company,
                                                                     make_challenge):
    organiser = make_user(role="organiser")
    company = make_company(description=SONAR)
    make_challenge(title="Secret sonar", problem=SONAR, visibility="vetted")
    assert matching.rank_challenges(db.session, organiser, company).items == []


def test_drafts_are_ranked_for_their_owners(app, population, make_challenge):
    draft = make_challenge(title="Draft sonar", problem=SONAR, status="draft")
    assert matching.rank_companies(db.session, None, draft).items


def test_suggest_areas_returns_area_rows(app):
    suggestions = matching.suggest_areas(db.session, "sonar underwater acoustics hydrophones")
    assert suggestions
    assert all(hasattr(area, "slug") and 0.0 <= score <= 1.0 for area, score in suggestions)
    assert matching.suggest_areas(db.session, "   ") == []


def test_index_company_encodes_only_new_text(app, population):
    encoder = _encoder(app)
    stats = matching.index_company(db.session, population["sonar"])
    assert stats["encoded"] == 1
    again = matching.index_company(db.session, population["sonar"])
    assert again == {"encoded": 0, "reused": 1}
    before = encoder.embedded
    matching.index_challenge(db.session, population["challenge"])
    assert encoder.embedded == before + 1


def test_weights_version_comes_from_the_active_row(app, population):
    db.session.add(MatcherWeights(version="v2", weights='{"semantic": 1.0}', active=True))
    db.session.commit()
    result = matching.rank_companies(db.session, None, population["challenge"])
    assert result.weights_version == "v2"
    assert result.items[0].weights["semantic"] == pytest.approx(1.0)
    assert matching.current_stamp(db.session)["weights_version"] == "v2"


def test_rebuild_after_area_change(app, population):
    engine = matching.get_engine(app)
    matching.rank_companies(db.session, None, population["challenge"])
    builds = engine.builds
    population["food"].areas = areas("underwater-technology")
    db.session.commit()
    matching.rank_companies(db.session, None, population["challenge"])
    assert engine.builds == builds + 1


def test_a_rebuild_starts_the_area_classifiers_from_the_replaced_index(app, population,
                                                                      make_company):
    engine = matching.get_engine(app)
    matching.rank_companies(db.session, None, population["challenge"])
    replaced = engine._index.matcher
    assert replaced.area_warm_start is None  # the first build starts cold
    make_company(name="Hydro AS", description="Hydrophone arrays for harbours.")
    matching.rank_companies(db.session, None, population["challenge"])
    assert engine._index.matcher is not replaced
    assert engine._index.matcher.area_warm_start is replaced.area_inferrer_


def test_area_coverage_reads_the_indexed_text_and_encodes_nothing(app, population):
    matching.rank_companies(db.session, None, population["challenge"])  # every text encoded
    encoder = _encoder(app)
    before = encoder.embedded
    coverage = matching.area_coverage(db.session, population["food"], ["underwater-technology"])
    assert set(coverage) == {"underwater-technology"}
    assert encoder.embedded == before  # no request reads a profile with the model


def test_a_saved_profile_is_taken_into_the_index_without_a_whole_build(app, population):
    engine = matching.get_engine(app)
    challenge = population["challenge"]
    def food_fit():
        items = matching.rank_companies(db.session, None, challenge).items
        return next(i.score for i in items if i.company.name == "Food AS")

    before = food_fit()
    old_index = engine._index
    builds, updates = engine.builds, engine.updates
    food = population["food"]
    food.description = "Passive sonar arrays to detect quiet submarines in fjords."
    db.session.commit()
    after = food_fit()
    assert (engine.builds, engine.updates) == (builds, updates + 1)
    assert after > before + 0.2  # the saved text counts at once
    # As a whole build would rank them, and the replaced index is left as it was.
    whole = matching.get_engine(app).index(db.session, force=True).matcher
    key = str(challenge.id)
    np.testing.assert_allclose(engine._index.matcher.ranking_keys(key), whole.ranking_keys(key),
                               atol=1e-6)
    assert old_index.matcher.company_vectors_ is not engine._index.matcher.company_vectors_
    assert [m.company_id for m in old_index.matcher.rank_companies(key, top_k=1)] == [
        str(population["sonar"].id)]


def test_a_new_company_or_changed_areas_build_the_whole_index(app, population, make_company):
    engine = matching.get_engine(app)
    matching.rank_companies(db.session, None, population["challenge"])
    builds, updates = engine.builds, engine.updates
    make_company(name="Hydro AS", description="Hydrophone arrays for harbours.")
    matching.rank_companies(db.session, None, population["challenge"])
    population["food"].areas = areas("underwater-technology")
    db.session.commit()
    matching.rank_companies(db.session, None, population["challenge"])
    assert (engine.builds, engine.updates) == (builds + 2, updates)


def test_no_companies_gives_empty_results(app, make_challenge):
    challenge = make_challenge()
    result = matching.rank_companies(db.session, None, challenge)
    assert result.items == [] and result.candidates == 0


def test_index_all_warms_the_cache(app, population):
    stats = matching.index_all(db.session)
    assert stats["encoded"] > 0
    assert set(stats) == {"encoded", "reused", "seconds"}


def test_explanations_read_company_texts_through_the_callers_session(app, population):
    """The matcher's company-text callback reads through the session the service was given,
    not the request's global session."""
    from sqlalchemy.orm import Session

    db.session.commit()  # the other session must see the population
    matching.rank_companies(db.session, None, population["challenge"], top_k=3)  # index built
    statements: list[str] = []

    class RecordingSession(Session):
        def execute(self, statement, *args, **kwargs):
            statements.append(str(statement))
            return super().execute(statement, *args, **kwargs)

    with RecordingSession(bind=db.engine) as session:
        challenge = session.get(type(population["challenge"]), population["challenge"].id)
        result = matching.rank_companies(session, None, challenge, top_k=2)
    assert result.items[0].company.name == "Sonar AS"
    assert "sonar" in result.items[0].best_passages["company"].lower()
    # The index exists already: the only read of descriptions is the explanation's callback.
    assert any("companies.description" in s for s in statements)

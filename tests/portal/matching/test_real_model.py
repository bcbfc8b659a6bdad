"""One end-to-end check with the real sentence-transformers model (slow: loads the model)."""

import pytest

from portal.db import db
from portal.services import matching


@pytest.fixture
def app_config():
    return {"MATCHER_ENCODER": "sentence-transformers", "MATCHER_DEVICE": "cpu"}


@pytest.mark.slow
def test_sonar_challenge_ranks_acoustics_above_catering(app, make_company, make_challenge):
    catering = make_company(
        name="Fjordmat AS", county="Vestland",
        description="We run canteens and deliver catering for conferences, weddings and "
                    "company events: fresh local food, buffets and coffee service.")
    acoustics = make_company(
        name="Hydroakustikk AS", county="Vestland",
        description="Underwater acoustics specialists. We design hydrophone arrays and "
                    "signal processing that detect and classify vessels and marine life "
                    "from their underwater noise.")
    challenge = make_challenge(
        title="Detecting quiet submarines in Norwegian fjords",
        problem="The Navy needs passive sonar that can detect and track modern, very quiet "
                "diesel-electric submarines in narrow fjords with heavy civilian traffic.",
        context="Maritime, coastal waters, cold water layers.")
    result = matching.rank_companies(db.session, None, challenge, top_k=2)
    assert "MiniLM" in result.model_id
    names = [item.company.name for item in result.items]
    assert names == [acoustics.name, catering.name]
    top, other = result.items
    assert top.components["text"] > other.components["text"]
    # The fit tells a good match from a poor one, not only their order.
    print(top.fit, other.fit, top.components, other.components)
    assert top.fit > other.fit + 0.25
    assert other.band == "weak"


@pytest.mark.slow
@pytest.mark.parametrize("app_config", [
    {"MATCHER_ENCODER": "minilm+e5", "MATCHER_DEVICE": "cpu"}])
def test_a_bokmal_challenge_finds_its_company_with_the_default_encoders(app, make_company,
                                                                       make_challenge):
    drones = make_company(
        name="Nordkapp Dronesystemer AS", county="Finnmark",
        description="Vi lager radar- og kamerasystemer som oppdager og sporer små droner rundt "
                    "havner og kystanlegg, også i mørke, snø og sterk vind.")
    make_company(
        name="Fjordmat AS", county="Vestland",
        description="We run canteens and deliver catering for conferences, weddings and "
                    "company events: fresh local food, buffets and coffee service.")
    make_company(
        name="Bakeriet AS", county="Oslo",
        description="Vi baker brød, kaker og boller til kantiner og møter i Oslo.")
    challenge = make_challenge(
        title="Varsling av små droner rundt kystbaser",
        problem="Forsvaret trenger å oppdage og spore små droner som nærmer seg kystbaser, "
                "også om natten og i dårlig vær, og varsle vakthavende i tide.")
    result = matching.rank_companies(db.session, None, challenge, top_k=3)
    assert result.items[0].company.id == drones.id
    assert result.items[0].band == "strong"
    # English catering across languages: e5's calibrated evidence, nothing shared.
    catering = next(i for i in result.items if i.company.name == "Fjordmat AS")
    assert catering.band in ("possible", "weak") and catering.components["text"] == 0.0

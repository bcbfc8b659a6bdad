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

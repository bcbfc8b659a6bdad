"""The web form and the API apply one set of challenge rules (portal/services/schemas).

The same generated input is posted to /challenges/new (as the browser's form fields) and to
POST /api/v1/challenges (as JSON), and both must accept it or both refuse it.
"""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.db import db
from portal.models.enums import COUNTIES, ContractModel, Visibility
from portal.services import tokens
from portal.services.schemas.challenge import (
    EFFECT_MAX_LENGTH,
    PROBLEM_MIN_LENGTH,
    TITLE_MAX_LENGTH,
)

WORDS = st.text(alphabet="abc æøå XYZ\n.-", max_size=60)


def _around(limit: int) -> st.SearchStrategy[str]:
    """Texts just under, at and just over a length limit, some padded with spaces."""
    return st.sampled_from([limit - 1, limit, limit + 1]).flatmap(
        lambda n: st.sampled_from(["x" * n, " " * (n - 1) + "x", "y" + " " * (n - 1)]))


def _text(*limits: int) -> st.SearchStrategy[str]:
    return st.one_of(WORDS, st.sampled_from(["", "   ", "\n"]), *map(_around, limits))


TODAY = date.today()
CHALLENGES = st.fixed_dictionaries({
    "title": _text(TITLE_MAX_LENGTH),
    "problem": _text(PROBLEM_MIN_LENGTH),
    "context": st.one_of(st.none(), WORDS),
    "effect": st.one_of(st.none(), _text(EFFECT_MAX_LENGTH)),
    "trl_min": st.one_of(st.none(), st.integers(0, 10)),
    "trl_max": st.one_of(st.none(), st.integers(0, 10)),
    "deadline": st.one_of(st.none(), st.sampled_from(
        [TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=30)])),
    "contract_model": st.sampled_from([*ContractModel, "bogus"]),
    "county": st.one_of(st.none(), st.sampled_from([COUNTIES[0], COUNTIES[-1], "Atlantis"])),
    "status": st.sampled_from(["draft", "open", "awarded"]),
    "visibility": st.sampled_from([*Visibility, "secret"]),
})


def as_form(challenge: dict) -> dict[str, str]:
    """The fields a browser sends: an empty select or text box is an empty string."""
    return {key: "" if value is None else str(value.isoformat() if isinstance(value, date)
                                              else value)
            for key, value in challenge.items()}


def as_json(challenge: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value
            for key, value in challenge.items()}


@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(challenge=CHALLENGES)
def test_form_and_api_accept_and_refuse_the_same_challenges(app, make_user, login, challenge):
    officer = make_user("military", unit="Brigade North")
    _token, raw = tokens.create_token(db.session, officer, "agree")
    db.session.commit()
    browser = app.test_client()
    login(officer, browser)

    page = browser.post("/challenges/new", data=as_form(challenge))
    assert page.status_code in (200, 302), page.status_code
    form_accepts = page.status_code == 302
    api = app.test_client().post("/api/v1/challenges", json=as_json(challenge),
                                 headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code in (201, 422), api.get_json()
    api_accepts = api.status_code == 201
    assert form_accepts == api_accepts, (challenge, api.get_json())


def test_the_generated_inputs_reach_both_outcomes(app, make_user, login):
    """The strategy is not vacuous: a valid challenge passes both, a short problem neither."""
    officer = make_user("military", unit="Brigade North")
    _token, raw = tokens.create_token(db.session, officer, "agree")
    db.session.commit()
    browser = app.test_client()
    login(officer, browser)
    good = {"title": "Arctic drone detection", "problem": "x" * PROBLEM_MIN_LENGTH,
            "context": None, "effect": "Early warning.", "trl_min": 3, "trl_max": 5,
            "deadline": TODAY, "contract_model": "other", "county": None, "status": "open",
            "visibility": "registered"}
    for challenge, accepted in ((good, True), ({**good, "problem": "x" * 29}, False),
                                ({**good, "effect": None}, False)):
        page = browser.post("/challenges/new", data=as_form(challenge))
        api = app.test_client().post("/api/v1/challenges", json=as_json(challenge),
                                     headers={"Authorization": f"Bearer {raw}"})
        assert (page.status_code == 302, api.status_code == 201) == (accepted, accepted)

"""The interest form and the API apply one set of pitch rules (``schemas.interest``).

The same generated pitch is posted to the challenge page's interest form (as a browser would)
and sent to ``PUT /api/v1/challenges/{id}/interest``: both store an interest or neither does.
Hostile text (NUL, odd Unicode) is refused with 4xx by the API, never 500.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.db import db
from portal.models import Interest
from portal.services import tokens
from portal.services.schemas.interest import PITCH_MAX_LENGTH, PITCH_MIN_LENGTH

WORDS = st.text(alphabet="abc æøå XYZ\n\t.-", max_size=40)
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def _around(limit: int) -> st.SearchStrategy[str]:
    """Texts just under, at and just over a length limit, some padded with spaces."""
    return st.sampled_from([limit - 1, limit, limit + 1]).flatmap(
        lambda n: st.sampled_from(["x" * n, " " * (n - 1) + "x", "y" + "\n" * (n - 1),
                                   "ø" * n]))


PITCHES = st.one_of(WORDS, st.sampled_from(["", "   ", "\n", "\x00" * 25,
                                            "a\x00" + "b" * 30, "\u00a0" * 30]),
                    _around(PITCH_MIN_LENGTH), _around(PITCH_MAX_LENGTH))


def _stored(challenge_id: int, company_id: int) -> bool:
    return db.session.scalar(select(Interest.id).where(
        Interest.challenge_id == challenge_id, Interest.company_id == company_id)) is not None


@SETTINGS
@given(pitch=PITCHES)
def test_form_and_api_accept_and_refuse_the_same_pitches(app, make_user, make_challenge, login,
                                                         pitch):
    challenge = make_challenge()
    browser_user, api_user = make_user(), make_user()
    _token, raw = tokens.create_token(db.session, api_user, "agree")
    db.session.commit()
    browser = app.test_client()
    login(browser_user, browser)

    page = browser.post(f"/challenges/{challenge.id}/interest", data={"pitch": pitch})
    assert page.status_code in (200, 302), page.status_code
    api = app.test_client().put(f"/api/v1/challenges/{challenge.id}/interest",
                                json={"pitch": pitch}, headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code in (201, 400, 422), api.get_json()
    form_stored = _stored(challenge.id, browser_user.company_id)
    api_stored = _stored(challenge.id, api_user.company_id)
    assert api_stored == (api.status_code == 201)
    assert form_stored == api_stored, (pitch, api.get_json())


def test_the_generated_pitches_reach_both_outcomes(app, make_user, make_challenge, login):
    """The strategy is not vacuous: a pitch at the limits passes both, one under neither."""
    for pitch, stored in (("x" * PITCH_MIN_LENGTH, True), ("x" * PITCH_MAX_LENGTH, True),
                          ("x" * (PITCH_MIN_LENGTH - 1), False),
                          (" " * (PITCH_MIN_LENGTH - 1) + "x", False)):
        challenge = make_challenge()
        browser_user, api_user = make_user(), make_user()
        _token, raw = tokens.create_token(db.session, api_user, "agree")
        db.session.commit()
        browser = login(browser_user, app.test_client())
        browser.post(f"/challenges/{challenge.id}/interest", data={"pitch": pitch})
        app.test_client().put(f"/api/v1/challenges/{challenge.id}/interest",
                              json={"pitch": pitch}, headers={"Authorization": f"Bearer {raw}"})
        assert (_stored(challenge.id, browser_user.company_id),
                _stored(challenge.id, api_user.company_id)) == (stored, stored), pitch


# Any text, lone surrogates (which JSON may escape) and NUL included.
HOSTILE = st.one_of(st.text(max_size=60),
                    st.text(st.characters(exclude_categories=()), min_size=1, max_size=40),
                    st.sampled_from(["\ud800" * 25, "x\udfff" * 15, "\x00" * 30]))


@SETTINGS
@given(pitch=HOSTILE, comment=st.one_of(st.none(), HOSTILE))
def test_hostile_text_is_refused_never_a_server_error(app, make_user, make_challenge,
                                                      make_company, pitch, comment):
    owner = make_user(role="military", unit="Brigade North")
    challenge = make_challenge(owner=owner)
    company = make_company()
    sme = make_user()
    headers = {}
    for user in (sme, owner):
        _token, raw = tokens.create_token(db.session, user, "hostile")
        headers[user.id] = {"Authorization": f"Bearer {raw}"}
    db.session.commit()
    client = app.test_client()
    response = client.put(f"/api/v1/challenges/{challenge.id}/interest",
                          json={"pitch": pitch}, headers=headers[sme.id])
    assert response.status_code in (201, 400, 422), response.get_data(as_text=True)
    response = client.put(f"/api/v1/challenges/{challenge.id}/feedback/{company.id}",
                          json={"verdict": "relevant", "comment": comment},
                          headers=headers[owner.id])
    assert response.status_code in (200, 400, 422), response.get_data(as_text=True)

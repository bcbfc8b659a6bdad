"""Match pages: access, explanations, filters, shortlist, feedback, recommendations, areas."""

import re

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry, MatchFeedback, Shortlist
from tests.portal.matching.conftest import areas

SONAR = "Passive sonar arrays and underwater acoustics. Hydrophones for submarines & <ships>."
CATERING = "Catering and food services for canteens."


@pytest.fixture
def setup(make_user, make_company, make_challenge):
    owner = make_user(role="military", unit="Naval Unit")
    sonar = make_company(name="Sonar <b>AS</b>", description=SONAR, county="Vestland", trl=6,
                         areas=areas("underwater-technology"))
    food = make_company(name="Food AS", description=CATERING, county="Oslo", trl=3)
    challenge = make_challenge(unit="Naval Unit", title="Detect submarines",
                               problem="Passive sonar to detect quiet submarines.",
                               area_slugs=("underwater-technology",))
    return {"owner": owner, "sonar": sonar, "food": food, "challenge": challenge}


def _url(challenge, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/challenges/{challenge.id}/matches" + (f"?{query}" if query else "")


def test_owner_sees_explained_matches(client, login, setup):
    login(setup["owner"])
    response = client.get(_url(setup["challenge"]))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Sonar &lt;b&gt;AS&lt;/b&gt;" in html  # escaped company name
    assert "<b>AS</b>" not in html
    assert "Food AS" in html
    assert "<mark>sonar</mark>" in html.lower()
    assert "&amp;" in html and "&lt;ships&gt;" in html  # passage text escaped, then marked
    assert "Underwater technology" in html
    # Staff see the model and weights in the details line.
    assert "weights default" in html
    assert "hashing" in html  # the model id
    assert html.index("Sonar &lt;b&gt;") < html.index("Food AS")


def test_inferred_shared_areas_are_marked(client, login, setup, make_company):
    acoustics = make_company(name="Acoustics AS", description=SONAR + " Sonar for submarines.")
    login(setup["owner"])
    html = client.get(_url(setup["challenge"])).get_data(as_text=True)

    def card(company):
        """The page's match card of ``company`` (up to the next card, or the page's end)."""
        start = html.index(f'id="company-{company.id}"')
        end = html.find('id="company-', start + 1)
        return html[start:] if end < 0 else html[start:end]

    inferred, chosen = card(acoustics), card(setup["sonar"])
    assert "the company's areas inferred from its text" in inferred
    assert 'class="tag shared inferred"' in inferred
    assert "Shared technology areas" in chosen and "inferred from" not in chosen


def test_access_rules(client, login, make_user, setup, make_challenge):
    challenge = setup["challenge"]
    login(make_user(role="military", unit="Other Unit"))
    assert client.get(_url(challenge)).status_code == 403
    denied = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "access_denied"))
    assert denied is not None and denied.target_id == challenge.id
    login(make_user(role="organiser"))
    assert client.get(_url(challenge)).status_code == 200
    login(make_user(role="admin"))
    assert client.get(_url(challenge)).status_code == 200
    login(make_user(role="sme"))
    assert client.get(_url(challenge)).status_code == 403
    secret = make_challenge(unit="Naval Unit", visibility="vetted", title="Secret thing")
    response = client.get(_url(secret))
    assert response.status_code == 404
    assert "Secret thing" not in response.get_data(as_text=True)
    assert client.get("/challenges/99999/matches").status_code == 404


def test_other_units_draft_is_404(client, login, make_user, make_challenge):
    draft = make_challenge(unit="Naval Unit", status="draft")
    login(make_user(role="military", unit="Other Unit"))
    assert client.get(_url(draft)).status_code == 404


def test_anonymous_is_sent_to_login(client, setup):
    response = client.get(_url(setup["challenge"]))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_pending_military_user_waits(client, login, make_user, setup):
    login(make_user(role="military", unit="Naval Unit", status="pending"))
    response = client.get(_url(setup["challenge"]))
    assert response.status_code == 302
    assert "/pending" in response.headers["Location"]


def test_filters_narrow_the_list(client, login, setup):
    login(setup["owner"])
    html = client.get(_url(setup["challenge"], county="Oslo")).get_data(as_text=True)
    assert "Food AS" in html and "Sonar &lt;b&gt;" not in html
    html = client.get(_url(setup["challenge"], min_trl=5)).get_data(as_text=True)
    assert "Food AS" not in html and "Sonar &lt;b&gt;" in html
    html = client.get(_url(setup["challenge"], vetted_only="y")).get_data(as_text=True)
    assert "No companies match" in html
    # An invalid filter value is ignored, not an error.
    assert client.get(_url(setup["challenge"], min_trl="eleven")).status_code == 200


def test_shortlist_toggles(client, login, setup):
    login(setup["owner"])
    challenge, sonar = setup["challenge"], setup["sonar"]
    url = f"/challenges/{challenge.id}/matches/{sonar.id}/shortlist"
    response = client.post(url, data={"county": "Vestland"})
    assert response.status_code == 302
    assert "county=Vestland" in response.headers["Location"]
    assert db.session.scalar(select(Shortlist).filter_by(challenge_id=challenge.id)) is not None
    assert "Remove from shortlist" in client.get(_url(challenge)).get_data(as_text=True)
    client.post(url)
    assert db.session.scalar(select(Shortlist).filter_by(challenge_id=challenge.id)) is None


def test_feedback_is_one_row_per_user_and_pair(client, login, setup):
    login(setup["owner"])
    challenge, food = setup["challenge"], setup["food"]
    url = f"/challenges/{challenge.id}/matches/{food.id}/feedback"
    assert client.post(url, data={"verdict": "relevant", "comment": "Good"}).status_code == 302
    assert client.post(url, data={"verdict": "not_relevant", "comment": "No"}).status_code == 302
    rows = db.session.scalars(select(MatchFeedback)).all()
    assert len(rows) == 1
    assert rows[0].relevant is False and rows[0].comment == "No"
    assert rows[0].user_id == setup["owner"].id and rows[0].source == "match_page"
    assert "You said: not relevant" in client.get(_url(challenge)).get_data(as_text=True)


def test_feedback_errors_rerender_next_to_the_field(client, login, setup):
    login(setup["owner"])
    challenge, food = setup["challenge"], setup["food"]
    url = f"/challenges/{challenge.id}/matches/{food.id}/feedback"
    response = client.post(url, data={"verdict": "relevant", "comment": "x" * 1001})
    assert response.status_code == 200
    assert "Field cannot be longer than 1000 characters" in response.get_data(as_text=True)
    response = client.post(url, data={"verdict": "maybe"})
    assert "Choose relevant or not relevant." in response.get_data(as_text=True)
    assert db.session.scalar(select(MatchFeedback)) is None


def test_feedback_on_a_masked_company_is_404(client, login, setup, make_challenge):
    secret = make_challenge(unit="Naval Unit", visibility="vetted")
    login(setup["owner"])
    url = f"/challenges/{secret.id}/matches/{setup['food'].id}/feedback"
    assert client.post(url, data={"verdict": "relevant"}).status_code == 404
    assert client.post(f"/challenges/{secret.id}/matches/{setup['food'].id}/shortlist"
                       ).status_code == 404


def test_other_unit_cannot_write_feedback(client, login, make_user, setup):
    login(make_user(role="military", unit="Other Unit"))
    url = f"/challenges/{setup['challenge'].id}/matches/{setup['food'].id}/feedback"
    assert client.post(url, data={"verdict": "relevant"}).status_code == 403
    assert db.session.scalar(select(MatchFeedback)) is None


def test_recommendations_for_an_sme(client, login, make_user, make_company, make_challenge):
    company = make_company(name="Acme", description=SONAR)
    sme = make_user(company=company)
    make_challenge(title="Sonar for fjords", problem="Passive sonar for submarines.")
    make_challenge(title="Top secret sonar", problem="Passive sonar.", visibility="vetted")
    login(sme)
    response = client.get("/recommendations")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Sonar for fjords" in html
    assert "Top secret sonar" not in html
    assert "1 open challenge considered" in html
    assert "#interest" in html


def test_vetted_sme_gets_vetted_challenges(client, login, make_user, make_challenge):
    sme = make_user(vetted=True)
    make_challenge(title="Top secret sonar", problem="Passive sonar.", visibility="vetted")
    login(sme)
    assert "Top secret sonar" in client.get("/recommendations").get_data(as_text=True)


def test_recommendations_are_for_smes_only(client, login, make_user):
    login(make_user(role="military"))
    assert client.get("/recommendations").status_code == 403


def test_area_suggestions_accept_and_reject(client, login, make_user, make_company):
    company = make_company(description="Sonar, hydrophones and underwater acoustics for AUVs.")
    sme = make_user(company=company)
    login(sme)
    response = client.get("/company/areas/suggestions")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="accept" value="underwater-technology"' in html
    response = client.post("/company/areas/suggestions",
                           data={"accept": ["underwater-technology"],
                                 "reject": ["missile-technology"]})
    assert response.status_code == 302
    db.session.refresh(company)
    assert [a.slug for a in company.areas] == ["underwater-technology"]
    audit = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "company_areas_accepted"))
    assert "missile-technology" in audit.details


def test_area_suggestions_refuse_conflicts_and_other_roles(client, login, make_user,
                                                           make_company):
    company = make_company(description="Sonar, hydrophones and underwater acoustics for AUVs.")
    login(make_user(company=company))
    response = client.post("/company/areas/suggestions",
                           data={"accept": ["underwater-technology"],
                                 "reject": ["underwater-technology"]})
    assert response.status_code == 200
    assert "both accepted and rejected" in response.get_data(as_text=True)
    db.session.refresh(company)
    assert company.areas == []
    login(make_user(role="organiser"))
    assert client.get("/company/areas/suggestions").status_code == 403


def test_csrf_is_enforced_on_feedback(app, client, login, setup):
    app.config["WTF_CSRF_ENABLED"] = True
    login(setup["owner"])
    url = f"/challenges/{setup['challenge'].id}/matches/{setup['food'].id}/feedback"
    assert client.post(url, data={"verdict": "relevant"}).status_code == 400
    assert db.session.scalar(select(MatchFeedback)) is None


def test_sme_without_profile_is_sent_to_the_editor(client, login, make_user):
    user = make_user()
    user.company = None
    db.session.commit()
    login(user)
    for url in ("/recommendations", "/company/areas/suggestions"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/company/edit" in response.headers["Location"]


def test_highlight_escapes_before_marking(app):
    from portal.matches.views import highlight_terms

    out = str(highlight_terms("<script>sonar</script> Sonars & batteries amp", ["sonar",
                                                                               "battery", "amp"]))
    assert "<script>" not in out
    assert "&lt;script&gt;<mark>sonar</mark>&lt;/script&gt;" in out
    assert "<mark>Sonars</mark>" in out and "<mark>batteries</mark>" in out
    assert "&amp;" in out and "<mark>amp</mark>" in out  # the entity itself is untouched


def test_each_feedback_comment_box_has_its_own_id_and_label(client, login, setup):
    login(setup["owner"])
    challenge, food = setup["challenge"], setup["food"]
    html = client.get(_url(challenge)).get_data(as_text=True)
    boxes = re.findall(r'<textarea[^>]*\bid="([^"]+)"[^>]*name="comment"', html)
    assert len(boxes) == 2 and len(set(boxes)) == 2
    for box in boxes:
        assert html.count(f'for="{box}"') == 1  # a click on the label lands in its own box
    # the error after a failed post is tied to the company's own box
    url = f"/challenges/{challenge.id}/matches/{food.id}/feedback"
    html = client.post(url, data={"verdict": "relevant", "comment": "x" * 1001}).get_data(
        as_text=True)
    assert f'aria-describedby="comment-{food.id}-error"' in html
    assert f'id="comment-{food.id}-error"' in html

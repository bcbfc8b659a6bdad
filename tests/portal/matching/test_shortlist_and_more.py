"""The shortlist view, the shortlisted / interested filters and "show more" beyond 20."""

import re

import pytest

from portal.db import db
from portal.models import Interest, Shortlist


@pytest.fixture
def many(make_user, make_company, make_challenge):
    """An owner, a sonar challenge and 25 companies of decreasing relevance."""
    owner = make_user(role="military", unit="Naval Unit")
    challenge = make_challenge(unit="Naval Unit", owner_id=owner.id, title="Detect submarines",
                               problem="Passive sonar to detect quiet submarines.")
    companies = [make_company(name=f"Firm {n:02d} AS",
                              description=("Passive sonar for submarines. " if n < 5 else "")
                              + f"General engineering workshop number {n}.")
                 for n in range(25)]
    return {"owner": owner, "challenge": challenge, "companies": companies}


def _cards(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<li class="item match-item" id="company-(\d+)"', html)]


def test_twenty_first_then_show_more(client, login, many):
    login(many["owner"])
    url = f"/challenges/{many['challenge'].id}/matches"
    html = client.get(url).get_data(as_text=True)
    assert len(_cards(html)) == 20
    assert "25 candidates ranked" in html
    assert "show=40" in html and "Show more (5 of 5 more)" in html
    more = client.get(url + "?show=40").get_data(as_text=True)
    assert len(_cards(more)) == 25
    assert _cards(more)[:20] == _cards(html)
    assert "show=60" not in more
    # Nonsense values fall back to a valid page size.
    assert len(_cards(client.get(url + "?show=abc").get_data(as_text=True))) == 20


def test_shortlisted_and_interested_filters(client, login, many, make_user):
    challenge, companies = many["challenge"], many["companies"]
    low = companies[22]  # beyond the first 20 by relevance
    db.session.add_all([Shortlist(challenge_id=challenge.id, company_id=companies[1].id),
                        Shortlist(challenge_id=challenge.id, company_id=low.id)])
    sme = make_user(role="sme", company=companies[3])
    db.session.add(Interest(challenge_id=challenge.id, company_id=companies[3].id,
                            user_id=sme.id, pitch="We build passive sonar arrays."))
    db.session.commit()
    login(many["owner"])
    url = f"/challenges/{challenge.id}/matches"
    shortlisted = _cards(client.get(url + "?shortlisted=y").get_data(as_text=True))
    assert sorted(shortlisted) == sorted([companies[1].id, low.id])
    interested = _cards(client.get(url + "?interested=y").get_data(as_text=True))
    assert interested == [companies[3].id]
    both = client.get(url + "?interested=y&shortlisted=y").get_data(as_text=True)
    assert _cards(both) == []


def test_shortlist_view_shows_score_pitch_and_start_conversation(client, login, many,
                                                                  make_user):
    challenge, companies = many["challenge"], many["companies"]
    sme = make_user(role="sme", company=companies[0])
    db.session.add(Shortlist(challenge_id=challenge.id, company_id=companies[0].id))
    db.session.add(Shortlist(challenge_id=challenge.id, company_id=companies[10].id))
    db.session.add(Interest(challenge_id=challenge.id, company_id=companies[0].id,
                            user_id=sme.id, pitch="Twenty years of passive sonar arrays."))
    db.session.commit()
    login(many["owner"])
    matches = client.get(f"/challenges/{challenge.id}/matches").get_data(as_text=True)
    html = client.get(f"/challenges/{challenge.id}/shortlist").get_data(as_text=True)
    assert "Firm 00 AS" in html and "Firm 10 AS" in html and "Firm 05 AS" not in html
    assert "Twenty years of passive sonar arrays." in html
    assert "No expression of interest from this company." in html
    assert (f"/challenges/{challenge.id}/conversations/new?company={companies[0].id}"
            in html)
    # The score is the one shown on the matches page for the same company.
    def score(page, company):
        card = page[page.index(f'id="company-{company.id}"'):]
        return re.search(r'class="score-value">(\d+)<', card).group(1)

    assert score(html, companies[0]) == score(matches, companies[0])
    assert html.index("Firm 00 AS") < html.index("Firm 10 AS")


def test_shortlist_view_is_for_match_viewers_only(client, login, many, make_user):
    login(make_user(role="military", unit="Other Unit"))
    assert client.get(f"/challenges/{many['challenge'].id}/shortlist").status_code == 403
    login(make_user(role="sme"))
    assert client.get(f"/challenges/{many['challenge'].id}/shortlist").status_code == 403

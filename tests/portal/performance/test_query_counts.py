"""N+1 guard: the SQL statements of the main pages do not grow with the data.

Each page is requested once to warm the per-process index, then counted on a second request,
with 30 companies and 20 challenges and again with 60 and 40 (hashing encoder).
"""

import pytest

from tests.portal.performance.conftest import count_statements

SMALL, LARGE = (30, 20), (60, 40)
# Generous fixed ceilings: today's counts are well below; an N+1 pattern over 20 matches or
# 10 team candidates would pass them at once.
MAX_STATEMENTS = {
    "challenge list": 10,
    "challenge page": 12,
    "challenge matches": 16,
    "recommendations": 10,
    "events list": 8,
    "organiser dashboard": 16,
    "event matches": 10,
    "event export": 16,
    "api challenge list": 10,
    "api challenge matches": 14,
}


def _pages(data):
    return {
        "challenge list": (data.sme, "/challenges/"),
        "challenge page": (data.sme, f"/challenges/{data.public_challenge_id}"),
        "challenge matches": (data.military, f"/challenges/{data.owned_challenge_id}/matches"),
        "recommendations": (data.sme, "/recommendations"),
        "events list": (data.organiser, "/events/"),
        "organiser dashboard": (data.organiser, "/events/dashboard"),
        "event matches": (data.organiser, f"/events/{data.event_id}/matches"),
        "event export": (data.organiser, f"/events/{data.event_id}/export/matches.csv"),
        "api challenge list": (None, "/api/v1/challenges"),
        "api challenge matches": (None, f"/api/v1/challenges/{data.owned_challenge_id}/matches"),
    }


def _measure(client, login, data) -> dict[str, int]:
    counts = {}
    for name, (user, url) in _pages(data).items():
        headers = {}
        if user is None:
            headers = {"Authorization": f"Bearer {data.api_token}"}
        else:
            login(user)
        assert client.get(url, headers=headers).status_code == 200, name  # warm the index
        with count_statements() as counter:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, name
        counts[name] = counter.count
    return counts


@pytest.fixture
def measured(client, login, seed_dataset):
    small = _measure(client, login, seed_dataset(*SMALL))
    # The same seed extends the data: the first 30 companies and 20 challenges stay the same.
    large = _measure(client, login, seed_dataset(*LARGE))
    return small, large


def test_statement_counts_do_not_grow_with_the_data(measured):
    small, large = measured
    grew = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert not grew, f"statements grew with the data (small, large): {grew}"


def test_statement_counts_stay_under_fixed_bounds(measured):
    _, large = measured
    over = {name: n for name, n in large.items() if n > MAX_STATEMENTS[name]}
    assert not over, f"more statements than allowed: {over}"


def test_matches_page_checks_index_freshness_once_per_request(client, login, seed_dataset):
    data = seed_dataset(*SMALL)
    login(data.military)
    url = f"/challenges/{data.owned_challenge_id}/matches"
    client.get(url)
    with count_statements() as counter:
        assert client.get(url).status_code == 200
    freshness = [s for s in counter.statements if "max(companies.updated_at)" in s.lower()]
    assert len(freshness) == 1
    embedding_lookups = [s for s in counter.statements if "from embeddings" in s.lower()]
    assert embedding_lookups == []  # team coverage reuses the index's area scores

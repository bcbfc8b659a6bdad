"""Filters and pagination of the challenge list."""

import re
from datetime import date, timedelta

import pytest


@pytest.fixture
def app_config():
    return {"PAGE_SIZE": 3}


def _titles(client, **query) -> set[str]:
    page = client.get("/challenges/", query_string=query).get_data(as_text=True)
    return set(re.findall(r'<h2><a href="/challenges/\d+">([^<]+)</a></h2>', page))


@pytest.fixture
def catalogue(make_challenge):
    today = date.today()
    make_challenge(title="Sonar barrier", area_slugs=["underwater-technology"], county="Vestland",
                   trl_min=5, trl_max=7, deadline=today + timedelta(days=10),
                   problem="Detect SUBMARINES in fjords.")
    make_challenge(title="Drone warning", area_slugs=["autonomy-ai", "c2-decision-support"],
                   county="Troms", trl_min=3, trl_max=5, deadline=today + timedelta(days=40),
                   context="Forward positions at 50% humidity")
    make_challenge(title="Cold batteries", area_slugs=["lifecycle-support"], county=None,
                   trl_min=None, trl_max=None, deadline=today + timedelta(days=90),
                   effect="Sensors run a month in the Arctic")
    make_challenge(title="Old closed call", status="closed", county="Troms")


def test_filter_by_area_county_and_trl(client, catalogue):
    assert _titles(client, area="underwater-technology") == {"Sonar barrier"}
    assert _titles(client, area="c2-decision-support") == {"Drone warning"}
    assert _titles(client, county="Troms") == {"Drone warning"}
    assert _titles(client, trl="5") == {"Sonar barrier", "Drone warning", "Cold batteries"}
    assert _titles(client, trl="7") == {"Sonar barrier", "Cold batteries"}
    assert _titles(client, trl="2") == {"Cold batteries"}


def test_filter_by_deadline_and_status(client, catalogue):
    today = date.today()
    assert _titles(client, deadline_before=(today + timedelta(days=30)).isoformat()) == {
        "Sonar barrier"}
    assert _titles(client, deadline_after=(today + timedelta(days=30)).isoformat()) == {
        "Drone warning", "Cold batteries"}
    assert _titles(client, status="closed") == {"Old closed call"}
    page = client.get("/challenges/?status=all").get_data(as_text=True)
    assert "<strong>4</strong> challenges found" in page


def test_free_text_is_case_insensitive_over_all_texts(client, catalogue):
    assert _titles(client, q="submarines") == {"Sonar barrier"}
    assert _titles(client, q="A MONTH in the arctic") == {"Cold batteries"}
    assert _titles(client, q="forward POSITIONS") == {"Drone warning"}
    assert _titles(client, q="warning") == {"Drone warning"}
    assert _titles(client, q="nothing like this") == set()


def test_like_wildcards_in_the_query_are_literal(client, catalogue):
    assert _titles(client, q="50%") == {"Drone warning"}
    assert _titles(client, q="%") == {"Drone warning"}
    assert _titles(client, q="_") == set()


def test_invalid_filters_are_ignored_not_errors(client, catalogue):
    response = client.get("/challenges/", query_string={"trl": "eleven", "deadline_after": "x",
                                                       "area": "no-such-area", "page": "-3"})
    assert response.status_code == 200
    assert "3</strong> challenges found" in response.get_data(as_text=True)


def test_pagination_keeps_filters_and_total(client, make_challenge):
    for n in range(7):
        make_challenge(title=f"Paged challenge {n}", county="Oslo")
    make_challenge(title="Elsewhere", county="Agder")
    first = client.get("/challenges/?county=Oslo").get_data(as_text=True)
    assert "<strong>7</strong> challenges found" in first and "page 1 of 3" in first
    assert "county=Oslo" in re.search(r'<a href="([^"]+)" rel="next"', first).group(1)
    third = _titles(client, county="Oslo", page="3")
    assert len(third) == 1 and "Elsewhere" not in third
    seen = set().union(*(_titles(client, county="Oslo", page=str(p)) for p in (1, 2, 3)))
    assert len(seen) == 7

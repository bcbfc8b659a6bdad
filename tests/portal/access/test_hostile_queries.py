"""Hole 4: hostile input never answers 500 (security checklist 30).

Explicit regressions for each input the black-box test found, then a property test that sends
arbitrary query strings to every GET route of ``app.url_map`` (with real ids), as an
administrator (who reaches the most code) and as an SME, and asserts no 5xx.
"""

from urllib.parse import urlencode

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.access.conftest import World, bearer

HUGE = "99999999999999999999"
PARAMS = ("page", "company", "owner", "q", "status", "area", "county", "threshold", "format",
          "top_k", "per_page", "next", "role", "verified", "clearance", "action", "outcome",
          "date_from", "date_to", "min_trl", "actor", "visibility")
NASTY = ("²", "٣", "\ud800", "0", "-1", "1e309", "nan", "inf", HUGE, "9" * 5000, "%00", "\x00",
         "'; DROP TABLE users; --", "<script>", "../../etc/passwd", "1.5", " ", "true")


def _first_urls(app, world: World) -> list[str]:
    values = {"challenge_id": next(iter(world.challenges.values())).id,
              "event_id": world.event.id,
              "company_id": next(iter(world.companies.values())).id,
              "conversation_id": world.extra["conversation"].id,
              "fmt": "csv"}
    urls = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if rule.endpoint == "static" or "GET" not in rule.methods:
                continue
            urls.append(url_for(rule.endpoint, **{name: values[name] for name in rule.arguments}))
    return urls


@pytest.mark.parametrize("url", ["/challenges/", "/admin/users", "/admin/companies",
                                 "/admin/audit"])
def test_huge_page_numbers_are_404_not_500(as_role, url):
    client = as_role("admin")
    response = client.get(f"{url}?page={HUGE}")
    assert response.status_code == 404
    assert client.get(f"{url}?page=2").status_code == 200


@pytest.mark.parametrize("suffix", ["agenda", "calendar.ics"])
@pytest.mark.parametrize("digit", ["²", "٣", HUGE])
def test_unicode_and_huge_company_ids_are_404_not_500(as_role, world, suffix, digit):
    client = as_role("organiser_owner")
    response = client.get(f"/events/{world.event.id}/{suffix}", query_string={"company": digit})
    assert response.status_code == 404


def test_deeply_nested_json_is_400_not_500(app, world):
    body = "[" * 1000 + "]" * 1000
    response = app.test_client().put(
        "/api/v1/me/company", data='{"name": ' + body + "}",
        headers={**bearer(world, "sme_vetted"), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == 400


def test_lone_surrogate_is_400_without_internals(app, world):
    response = app.test_client().put(
        "/api/v1/me/company", data='{"name": "Acme \\ud800 AS"}',
        headers={**bearer(world, "sme_vetted"), "Content-Type": "application/json"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "codec" not in text and "surrogate" not in text and "utf" not in text.lower()


query_strings = st.lists(
    st.tuples(st.sampled_from(PARAMS) | st.text(max_size=8),
              st.sampled_from(NASTY) | st.text(max_size=30) | st.integers().map(str)),
    max_size=4,
).map(lambda pairs: urlencode(pairs, encoding="utf-8", errors="surrogatepass"))


def test_no_get_route_answers_500_to_any_query_string(app, world, as_role):
    urls = _first_urls(app, world)
    clients = {"admin": as_role("admin"), "sme_unvetted": as_role("sme_unvetted")}
    tokens = {role: bearer(world, role) for role in clients}

    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(url=st.sampled_from(urls), query=query_strings, role=st.sampled_from(sorted(clients)))
    def check(url, query, role):
        headers = tokens[role] if url.startswith("/api/") else {}
        response = clients[role].get(f"{url}?{query}", headers=headers)
        assert response.status_code < 500, (url, query, role, response.status_code)

    check()
    # Every route also with the nasty values the black-box test used, in every parameter.
    for url in urls:
        headers = tokens["admin"] if url.startswith("/api/") else {}
        for values in (("²", HUGE, "nan"), (HUGE, "\ud800", "²"), ("\ud800", "²", HUGE)):
            query = urlencode({name: values[i % 3] for i, name in enumerate(PARAMS)},
                              encoding="utf-8", errors="surrogatepass")
            response = clients["admin"].get(f"{url}?{query}", headers=headers)
            assert response.status_code < 500, (url, query, response.status_code)

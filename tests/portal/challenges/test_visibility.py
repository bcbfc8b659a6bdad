"""Who sees which challenge, on the list, the detail page, the count and the search."""

import re

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry

UNIT_A, UNIT_B = "Unit Alpha", "Unit Bravo"
TITLES = {
    "public": "Canary kestrel public",
    "registered": "Canary osprey registered",
    "vetted": "Canary harrier vetted",
    "draft": "Canary merlin draft",
}
# viewer -> the challenges it may see
EXPECTED = {
    "anonymous": {"public"},
    "sme_unvetted": {"public", "registered"},
    "sme_vetted": {"public", "registered", "vetted"},
    "military_owner": {"public", "registered", "vetted", "draft"},
    "military_other": {"public", "registered", "vetted"},
    "organiser": {"public", "registered", "vetted"},
    "admin": {"public", "registered", "vetted", "draft"},
    "pending_military": set(),
}


@pytest.fixture
def world(make_challenge):
    ids = {}
    for key, title in TITLES.items():
        status = "draft" if key == "draft" else "open"
        visibility = "public" if key == "draft" else key
        ids[key] = make_challenge(title=title, unit=UNIT_A, status=status,
                                  visibility=visibility).id
    return ids


@pytest.fixture
def viewer(request, make_user, login):
    kind = request.param
    users = {
        "anonymous": lambda: None,
        "sme_unvetted": lambda: make_user("sme"),
        "sme_vetted": lambda: make_user("sme", vetted=True),
        "military_owner": lambda: make_user("military", unit=UNIT_A),
        "military_other": lambda: make_user("military", unit=UNIT_B),
        "organiser": lambda: make_user("organiser"),
        "admin": lambda: make_user("admin"),
        "pending_military": lambda: make_user("military", unit=UNIT_A, status="pending"),
    }
    user = users[kind]()
    if user is not None:
        login(user)
    return kind


def _count(page: str) -> int:
    return int(re.search(r"<strong>(\d+)</strong> challenge", page).group(1))


@pytest.mark.parametrize("viewer", list(EXPECTED), indirect=True)
def test_list_count_and_search_show_only_visible_challenges(client, world, viewer):
    for query in ({"status": "all"}, {"status": "all", "q": "canary"}):
        response = client.get("/challenges/", query_string=query)
        if viewer == "pending_military":
            assert response.status_code == 302 and response.headers["Location"].endswith("/pending")
            continue
        page = response.get_data(as_text=True)
        shown = {key for key, title in TITLES.items() if title in page}
        assert shown == EXPECTED[viewer]
        assert _count(page) == len(EXPECTED[viewer])


@pytest.mark.parametrize("viewer", list(EXPECTED), indirect=True)
def test_default_list_shows_open_challenges_only(client, world, viewer):
    response = client.get("/challenges/")
    if viewer == "pending_military":
        assert response.status_code == 302
        return
    page = response.get_data(as_text=True)
    assert TITLES["draft"] not in page
    assert _count(page) == len(EXPECTED[viewer] - {"draft"})


@pytest.mark.parametrize("viewer", list(EXPECTED), indirect=True)
def test_detail_is_404_when_not_visible(client, world, viewer):
    for key, challenge_id in world.items():
        response = client.get(f"/challenges/{challenge_id}")
        body = response.get_data(as_text=True)
        if viewer == "pending_military":
            assert response.status_code == 302
        elif key in EXPECTED[viewer]:
            assert response.status_code == 200, key
            assert TITLES[key] in body
        else:
            assert response.status_code == 404, key
        if key not in EXPECTED[viewer]:
            assert TITLES[key] not in body


@pytest.mark.parametrize("viewer", ["anonymous", "sme_unvetted", "organiser", "admin"],
                         indirect=True)
def test_front_page_counts_and_lists_only_visible_open_challenges(client, world, viewer):
    page = client.get("/").get_data(as_text=True)
    open_visible = EXPECTED[viewer] - {"draft"}
    assert re.search(rf"<strong>{len(open_visible)}</strong> open challenge", page)
    assert {key for key, title in TITLES.items() if title in page} == open_visible


def test_closed_and_awarded_challenges_stay_visible_but_drafts_do_not(client, make_challenge):
    closed = make_challenge(title="Closed call", status="closed")
    draft = make_challenge(title="Secret draft", status="draft")
    page = client.get("/challenges/?status=closed").get_data(as_text=True)
    assert "Closed call" in page and "Secret draft" not in page
    assert client.get(f"/challenges/{closed.id}").status_code == 200
    assert client.get(f"/challenges/{draft.id}").status_code == 404
    assert "Secret draft" not in client.get("/challenges/?status=draft").get_data(as_text=True)


def test_viewing_a_vetted_challenge_is_audited(client, login, make_user, world):
    user = make_user("sme", vetted=True)
    login(user)
    assert client.get(f"/challenges/{world['vetted']}").status_code == 200
    assert client.get(f"/challenges/{world['public']}").status_code == 200
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "view_restricted_challenge")).all()
    assert [(e.actor_id, e.target_type, e.target_id) for e in entries] == [
        (user.id, "challenge", world["vetted"])]


def test_refused_view_of_a_vetted_challenge_writes_no_view_row(client, login, make_user, world):
    login(make_user("sme"))
    assert client.get(f"/challenges/{world['vetted']}").status_code == 404
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "view_restricted_challenge")) is None


def test_revoked_vetting_takes_effect_on_the_next_request(client, login, make_user, world):
    user = make_user("sme", vetted=True)
    login(user)
    assert client.get(f"/challenges/{world['vetted']}").status_code == 200
    user.company.clearance_verified = False
    db.session.commit()
    assert client.get(f"/challenges/{world['vetted']}").status_code == 404


def test_matching_companies_link_for_owners_organisers_and_admins(client, login, make_user,
                                                                  world):
    path = f"/challenges/{world['public']}/matches"
    for user, shown in ((make_user("military", unit=UNIT_A), True),
                        (make_user("organiser"), True), (make_user("admin"), True),
                        (make_user("military", unit=UNIT_B), False), (make_user("sme"), False)):
        login(user)
        page = client.get(f"/challenges/{world['public']}").get_data(as_text=True)
        assert (path in page) == shown, user.role

"""Canary sweep (security checklist 1, 2 and 8).

A vetted-only challenge gets a random title and random words in its problem and context; it is
attached to an event, paired with a vetted company, scheduled and shown interest in. Logged in
as an unvetted SME, every GET rule of ``app.url_map`` is requested with every real id (and the
API with a bearer token and the session cookie, and every export format): the canary's title
and words appear in no body (XLSX decoded, ICS unfolded, raw bytes and headers too). The same
for anonymous visitors, with a second canary of visibility "registered". Counts (front page,
search, recommendations) must not move when the canary is deleted. A vetted SME and the
organiser run the same code as a positive control: they do see the canary.
"""

from __future__ import annotations

import re
import uuid
from itertools import product

import pytest
from flask import url_for
from sqlalchemy import delete

from portal.db import db
from portal.models import (
    Challenge,
    Conversation,
    ConversationRead,
    EventChallenge,
    EventPair,
    Interest,
    Meeting,
    Message,
)
from portal.services.challenges import front_page_stats
from tests.portal.access.conftest import (
    OWNER_UNIT,
    World,
    _challenge,
    _meeting,
    bearer,
    body_texts,
)

SIMILAR_TEXT = ("Underwater acoustic sensors and sonar processing for autonomous surface "
                "vessels in Arctic conditions.")


class Canary:
    """A challenge whose title and text are random markers."""

    def __init__(self, world: World, visibility: str, status: str = "open"):
        marker = uuid.uuid4().hex
        self.title = f"CANARY-{marker}"
        self.problem_word = f"canaryproblem{uuid.uuid4().hex[:16]}"
        self.context_word = f"canarycontext{uuid.uuid4().hex[:16]}"
        self.challenge = _challenge(
            world.users["military_owner"], OWNER_UNIT, self.title, visibility=visibility,
            status=status,
            problem=f"{SIMILAR_TEXT} {self.problem_word} must stay secret.",
            context=f"Arctic maritime {self.context_word}.")
        db.session.commit()

    @property
    def markers(self) -> tuple[str, ...]:
        return (self.title, self.problem_word, self.context_word)

    def found_in(self, response) -> list[str]:
        haystacks = [*body_texts(response), str(response.headers)]
        return [m for m in self.markers
                if any(m in text or m.lower() in text.lower() for text in haystacks)]


@pytest.fixture
def canaries(world: World):
    vetted = Canary(world, "vetted")
    registered = Canary(world, "registered")
    draft = Canary(world, "public", status="draft")
    event = world.event
    db.session.add(EventChallenge(event_id=event.id, challenge_id=vetted.challenge.id))
    db.session.add(EventChallenge(event_id=event.id, challenge_id=registered.challenge.id))
    pair = EventPair(event_id=event.id, challenge_id=vetted.challenge.id,
                     company_id=world.companies["vetted"].id, state="accepted",
                     origin="matchmaking", score=0.9, components="{}")
    invited = EventPair(event_id=event.id, challenge_id=registered.challenge.id,
                        company_id=world.companies["vetted"].id, state="invited",
                        origin="matchmaking", score=0.8, components="{}")
    db.session.add_all([pair, invited])
    db.session.flush()
    _meeting(event, pair, 2, 2)
    db.session.add(Interest(challenge_id=vetted.challenge.id,
                            company_id=world.companies["vetted"].id,
                            user_id=world.users["sme_vetted"].id, pitch="Secret pitch."))
    # Conversations about the canaries: with the vetted company, and with the unvetted company
    # as if it had lost its vetting after the thread began (its users must see neither the
    # title nor the messages any more).
    owner = world.users["military_owner"]
    for canary, company in ((vetted, "vetted"), (vetted, "unvetted"), (registered, "vetted"),
                            (draft, "unvetted")):
        conversation = Conversation(challenge_id=canary.challenge.id,
                                    company_id=world.companies[company].id,
                                    started_by_id=owner.id)
        db.session.add(conversation)
        db.session.flush()
        db.session.add(Message(conversation_id=conversation.id, author_id=owner.id,
                               side="staff", body=f"About {canary.title}: "
                                                  f"{canary.problem_word} and more."))
    db.session.commit()
    return {"vetted": vetted, "registered": registered, "draft": draft}


def _variable_values(world: World) -> dict[str, list]:
    return {
        "challenge_id": [c.id for c in db.session.query(Challenge).all()] + [999999],
        "event_id": [world.event.id, world.draft_event.id, world.other_event.id, 999999],
        "company_id": [c.id for c in world.companies.values()],
        "conversation_id": [c.id for c in db.session.query(Conversation).all()] + [999999],
        "fmt": ["csv", "xlsx", "ics", "pdf"],
    }


def _query_variants(endpoint: str, world: World, canaries: dict[str, Canary]) -> list[str]:
    """Extra query strings worth trying on some GET routes."""
    # Search with the title minus its last characters: a LIKE search still finds the canary,
    # while the echo of the query in the search box never contains the whole title.
    titles = [c.title[:-4] for c in canaries.values()]
    companies = [c.id for c in world.companies.values()]
    if endpoint == "challenges.index":
        return ([f"?q={t}" for t in titles] + ["?q=CANARY", "?q=canary", "?status=all",
                                               "?status=draft", "?page=2"])
    if endpoint == "api.list_challenges":
        return ([f"?q={t}" for t in titles] + ["?q=CANARY", "?status=all", "?status=draft",
                                               "?status=open&per_page=100"])
    if endpoint in ("events.calendar", "events.agenda", "api.event_schedule_ics"):
        return ([f"?company={c}" for c in companies]
                + ["?owner=me", f"?owner={OWNER_UNIT}", "?company=abc"])
    if endpoint == "conversations.start":
        return [f"?company={c}" for c in companies]
    if endpoint == "api.event_matches":
        return ["?format=xlsx", "?format=csv"]
    if endpoint in ("api.challenge_matches", "api.my_recommendations"):
        return ["?top_k=100"]
    if endpoint == "admin.audit_log":
        return ["?action=restricted_view"]
    return []


def sweep(app, client, world: World, canaries: dict[str, Canary], *, headers=None):
    """Request every GET rule with every id (and query variants); yield (url, response)."""
    values = _variable_values(world)
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if rule.endpoint == "static" or "GET" not in rule.methods:
                continue
            unknown = set(rule.arguments) - set(values)
            assert not unknown, f"the sweep has no ids for {rule.endpoint}: {unknown}"
            names = sorted(rule.arguments)
            for combo in product(*(values[name] for name in names)):
                base = url_for(rule.endpoint, **dict(zip(names, combo, strict=True)))
                for query in ["", *_query_variants(rule.endpoint, world, canaries)]:
                    url = base + query
                    yield url, client.get(url, headers=headers or {})


def _leaks(app, client, world, canaries, keys, *, headers=None) -> tuple[list[str], int]:
    leaks, requests = [], 0
    for url, response in sweep(app, client, world, canaries, headers=headers):
        requests += 1
        assert response.status_code < 500, f"{url}: {response.status_code}"
        for key in keys:
            found = canaries[key].found_in(response)
            if found:
                leaks.append(f"{url} [{response.status_code}] shows the {key} canary: {found}")
    return leaks, requests


def test_unvetted_sme_never_sees_the_vetted_canary(app, world, canaries, as_role):
    client = as_role("sme_unvetted")
    leaks, requests = _leaks(app, client, world, canaries, ["vetted", "draft"])
    # The same sweep with the bearer token and no cookie (the API answers both ways).
    api_leaks, api_requests = _leaks(app, as_role("anonymous"), world, canaries,
                                     ["vetted", "draft"],
                                     headers=bearer(world, "sme_unvetted"))
    assert requests > 200 and api_requests > 200
    assert not leaks + api_leaks, "\n".join(leaks + api_leaks)


def test_anonymous_never_sees_registered_or_vetted_canaries(app, world, canaries, as_role):
    leaks, requests = _leaks(app, as_role("anonymous"), world, canaries,
                             ["vetted", "registered", "draft"])
    assert requests > 200
    assert not leaks, "\n".join(leaks)


def test_pending_user_never_sees_any_canary(app, world, canaries, as_role):
    leaks, _ = _leaks(app, as_role("pending_military"), world, canaries,
                      ["vetted", "registered", "draft"])
    bearer_leaks, _ = _leaks(app, as_role("anonymous"), world, canaries,
                             ["vetted", "registered", "draft"],
                             headers=bearer(world, "pending_military"))
    assert not leaks + bearer_leaks, "\n".join(leaks + bearer_leaks)


def test_positive_control_vetted_sme_and_organiser_do_see_the_canary(app, world, canaries,
                                                                     as_role):
    """The sweep can find a canary: where it is allowed, it shows up."""
    vetted = canaries["vetted"]
    cid = vetted.challenge.id
    client = as_role("sme_vetted")
    for url in (f"/challenges/{cid}", f"/challenges/?q={vetted.title}",
                f"/api/v1/challenges/{cid}", "/recommendations",
                "/api/v1/me/recommendations?top_k=100",
                f"/events/{world.event.id}", f"/events/{world.event.id}/calendar.ics"):
        response = client.get(url, headers=bearer(world, "sme_vetted") if "/api/" in url else {})
        assert response.status_code == 200, url
        assert vetted.title in vetted.found_in(response), url
    organiser = as_role("organiser_owner")
    for url in (f"/events/{world.event.id}/export/matches.csv",
                f"/events/{world.event.id}/export/matches.xlsx",
                f"/events/{world.event.id}/export/schedule.xlsx",
                f"/events/{world.event.id}/calendar.ics"):
        response = organiser.get(url)
        assert response.status_code == 200, url
        assert vetted.title in vetted.found_in(response), url
    # The staff side keeps the thread with the company that lost its vetting.
    lost = db.session.query(Conversation).filter_by(
        challenge_id=cid, company_id=world.companies["unvetted"].id).one()
    response = as_role("military_owner").get(f"/messages/{lost.id}")
    assert vetted.title in vetted.found_in(response)
    assert vetted.problem_word in vetted.found_in(response)
    anonymous = as_role("anonymous")
    unvetted = as_role("sme_unvetted")
    registered = canaries["registered"]
    response = unvetted.get(f"/challenges/{registered.challenge.id}")
    assert registered.title in registered.found_in(response)
    assert anonymous.get(f"/challenges/{registered.challenge.id}").status_code == 404


def _front_page_count(response) -> int:
    match = re.search(r"<strong>(\d+)</strong> open challenge", response.get_data(as_text=True))
    assert match, "front page count not found"
    return int(match.group(1))


def _result_count(response) -> int:
    match = re.search(r"<strong>(\d+)</strong> challenges? found",
                      response.get_data(as_text=True))
    assert match, "result count not found"
    return int(match.group(1))


def _delete_challenge(challenge: Challenge) -> None:
    # The portal never deletes conversations; this test does, to prove counts ignore the row.
    conversation_ids = [c.id for c in
                        db.session.query(Conversation).filter_by(challenge_id=challenge.id)]
    db.session.execute(delete(Message).where(Message.conversation_id.in_(conversation_ids)))
    db.session.execute(delete(ConversationRead).where(
        ConversationRead.conversation_id.in_(conversation_ids)))
    db.session.execute(delete(Conversation).where(Conversation.id.in_(conversation_ids)))
    pair_ids = [p.id for p in db.session.query(EventPair).filter_by(challenge_id=challenge.id)]
    db.session.execute(delete(Meeting).where(Meeting.pair_id.in_(pair_ids)))
    db.session.execute(delete(EventPair).where(EventPair.challenge_id == challenge.id))
    db.session.execute(delete(EventChallenge).where(EventChallenge.challenge_id ==
                                                    challenge.id))
    db.session.delete(challenge)
    db.session.commit()


@pytest.mark.parametrize("role,hidden", [("sme_unvetted", ("vetted", "draft")),
                                         ("anonymous", ("vetted", "registered", "draft"))])
def test_counts_do_not_move_when_hidden_canaries_are_deleted(app, world, canaries, as_role,
                                                             role, hidden):
    """Front page, search and recommendation counts never include what the viewer may not see."""
    client = as_role(role)
    headers = bearer(world, role)

    def counts() -> dict:
        out = {
            "front": _front_page_count(client.get("/")),
            "search_all": _result_count(client.get("/challenges/")),
            "api_total": client.get("/api/v1/challenges?status=all",
                                    headers=headers).get_json()["total"],
        }
        for key in hidden:
            title = canaries[key].title
            out[f"search_{key}"] = _result_count(client.get(f"/challenges/?q={title}"))
            out[f"api_search_{key}"] = client.get(f"/api/v1/challenges?q={title}&status=all",
                                                  headers=headers).get_json()["total"]
        # End the bearer calls' transaction as the app-context teardown would in production
        # (the tests share one app context; see test_api_token_lock.py).
        db.session.rollback()
        if role == "sme_unvetted":
            out["recommendation_candidates"] = client.get(
                "/api/v1/me/recommendations?top_k=100").get_json()["candidates"]
            out["service_stats"] = front_page_stats(db.session, world.user(role))
        return out

    before = counts()
    for key in hidden:
        assert before[f"search_{key}"] == 0
        assert before[f"api_search_{key}"] == 0
    for key in hidden:
        _delete_challenge(canaries[key].challenge)
    assert counts() == before


def _visible_attached(client, world) -> int:
    page = client.get(f"/events/{world.event.id}").get_data(as_text=True)
    return sum(1 for link in world.event.event_challenges if f"/challenges/{link.challenge_id}\""
               in page)


def test_event_challenge_counts_exclude_hidden_challenges(app, world, canaries, as_role):
    client = as_role("sme_unvetted")
    listed = client.get("/api/v1/events", headers=bearer(world, "sme_unvetted")).get_json()
    api_count = next(item["challenges"] for item in listed["items"]
                     if item["id"] == world.event.id)
    page_count = int(re.search(
        rf"/events/{world.event.id}\".*?(\d+) challenges?",
        client.get("/events/").get_data(as_text=True), re.S).group(1))
    # The event has the public, registered, detachable and registered-canary challenges the
    # unvetted SME may see, and two vetted-only ones it may not.
    visible = 4
    assert len(world.event.event_challenges) == 6
    assert (api_count, page_count) == (visible, visible)

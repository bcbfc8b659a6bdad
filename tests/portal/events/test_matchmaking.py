"""Matchmaking through the real matching bridge (hashing encoder in tests)."""

import json
import logging

from sqlalchemy import func, select

from matching.matcher import challenge_text
from matching.text import text_hash
from portal.db import db
from portal.models import AuditEntry, Embedding, EventPair
from portal.services.matching import get_engine
from portal.services.matching.documents import challenge_document

SONAR = ("Underwater acoustic sensing: sonar arrays, hydrophones and signal processing for "
         "submarine detection in cold Arctic fjords.")


def companies(make_company, n, **fields):
    return [make_company(name=f"Sonar firm {i}", description=SONAR, **fields) for i in range(n)]


def pairs():
    return db.session.scalars(select(EventPair).order_by(EventPair.id)).all()


def test_matchmaking_proposes_top_n_with_regional_boost(client, login, organiser, make_event,
                                                         make_challenge, make_company):
    local = companies(make_company, 2, county="Trøndelag")
    companies(make_company, 3, county="Oslo")
    challenge = make_challenge(title="Sonar for fjords", problem=SONAR)
    event = make_event(organiser, challenges=[challenge], regional_boost=0.3)
    login(organiser)
    assert client.post(f"/events/{event.id}/matchmaking", data={"top_n": "3"}).status_code == 302
    rows = pairs()
    assert len(rows) == 3 and {p.state for p in rows} == {"proposed"}
    top = sorted(rows, key=lambda p: -p.score)[:2]
    assert {p.company_id for p in top} == {c.id for c in local}
    explanation = json.loads(top[0].components)
    assert explanation["components"]["event_region"] == 1.0
    assert "semantic" in explanation["components"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event_matchmaking"))
    assert json.loads(entry.details)["created"] == 3
    page = client.get(f"/events/{event.id}/matches").get_data(as_text=True)
    assert "Sonar firm" in page and "Event region" in page
    # the form offers the size of the last run again, not the default
    assert 'name="top_n"' in page and 'value="3"' in page.split('name="top_n"')[1][:200]


def test_rerun_keeps_decided_pairs_and_drops_stale_proposals(client, login, organiser,
                                                             make_event, make_challenge,
                                                             make_company):
    companies(make_company, 4)
    challenge = make_challenge(title="Sonar for fjords", problem=SONAR)
    event = make_event(organiser, challenges=[challenge])
    login(organiser)
    client.post(f"/events/{event.id}/matchmaking", data={"top_n": "4"})
    first, *_, fourth = sorted(pairs(), key=lambda p: -p.score)
    client.post(f"/events/{event.id}/pairs/{fourth.id}/state", data={"action": "lock"})
    client.post(f"/events/{event.id}/pairs/{first.id}/state", data={"action": "remove"})
    client.post(f"/events/{event.id}/matchmaking", data={"top_n": "1"})
    states = {p.id: p.state for p in pairs()}
    assert states == {first.id: "removed", fourth.id: "locked"}  # stale proposals deleted
    client.post(f"/events/{event.id}/matchmaking", data={"top_n": "4"})
    states = {p.id: p.state for p in pairs()}
    assert states[first.id] == "removed" and states[fourth.id] == "locked"
    assert len(states) == 4


def test_vetted_challenge_never_proposes_unvetted_companies(client, login, organiser,
                                                            make_event, make_challenge,
                                                            make_company):
    unvetted = companies(make_company, 3)
    vetted = make_company(name="Cleared sonar AS", description=SONAR, clearance="facility",
                          clearance_verified=True)
    challenge = make_challenge(title="Restricted sonar", problem=SONAR, visibility="vetted")
    event = make_event(organiser, challenges=[challenge])
    login(organiser)
    client.post(f"/events/{event.id}/matchmaking", data={"top_n": "8"})
    proposed = {p.company_id for p in pairs()}
    assert proposed == {vetted.id}
    assert not proposed & {c.id for c in unvetted}


def test_invalid_top_n_is_rejected(client, login, organiser, make_event, make_challenge):
    event = make_event(organiser, challenges=[make_challenge()])
    login(organiser)
    response = client.post(f"/events/{event.id}/matchmaking", data={"top_n": "0"})
    assert response.status_code == 400
    assert b"Number must be between 1 and 50" in response.data
    assert pairs() == []


def test_dashboard_lists_gaps_only_for_visible_challenges(client, login, organiser,
                                                          make_challenge, make_company,
                                                          make_user):
    make_company(description="We bake bread and sell cakes in Oslo.")
    make_challenge(title="Hypersonic glide vehicle tracking", problem="Track hypersonic "
                   "glide vehicles with space-based infrared sensors and fusion.")
    make_challenge(title="Hidden draft gap", status="draft", unit="Secret unit")
    login(organiser)
    body = client.get("/events/dashboard?threshold=0.99").get_data(as_text=True)
    assert "Hypersonic glide vehicle tracking" in body
    assert "Hidden draft gap" not in body


def test_matchmaking_with_a_cold_cache_stores_every_embedding_without_a_lock_wait(
        client, login, organiser, make_event, make_challenge, make_company, caplog):
    # The form path: the run writes the event (its last "companies per challenge") before it
    # ranks, so the request holds the database's write lock while the matcher encodes the new
    # passages. The embedding cache must not wait for that lock on a connection of its own.
    companies(make_company, 3)
    challenge = make_challenge(title="Sonar for fjords", problem=SONAR)
    event = make_event(organiser, challenges=[challenge])
    assert db.session.scalar(select(func.count()).select_from(Embedding)) == 0
    login(organiser)
    with caplog.at_level(logging.WARNING):
        assert client.post(f"/events/{event.id}/matchmaking",
                           data={"top_n": "3"}).status_code == 302
    assert not [r for r in caplog.records if "embeddings" in r.getMessage()]
    assert len(pairs()) == 3
    encoder = get_engine().encoder
    wanted = {text_hash(p) for p in encoder.passages(SONAR)}
    challenge_passages = encoder.passages(challenge_text(challenge_document(challenge)))
    wanted |= {text_hash(p) for p in challenge_passages}
    db.session.remove()  # read what was committed, not what this session remembers
    assert wanted <= set(db.session.scalars(select(Embedding.text_hash)))

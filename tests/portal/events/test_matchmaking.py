"""Matchmaking through the real matching bridge (hashing encoder in tests)."""

import json
import logging

import pytest
from sqlalchemy import func, select

from matching.matcher import challenge_text
from matching.text import text_hash
from portal.db import db
from portal.models import AuditEntry, Embedding, EventPair
from portal.services.matching import get_engine
from portal.services.matching.documents import challenge_document

SONAR = ("Underwater acoustic sensing: sonar arrays, hydrophones and signal processing for "
         "submarine detection in cold Arctic fjords.")


# Most tests here rank identical companies, whose fit is the middle of the scale: they run
# matchmaking with no minimum fit ("min_fit": "0") to test its other rules.
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
    assert client.post(f"/events/{event.id}/matchmaking",
                       data={"top_n": "3", "min_fit": "0"}).status_code == 302
    rows = pairs()
    assert len(rows) == 3 and {p.state for p in rows} == {"proposed"}
    top = sorted(rows, key=lambda p: -p.score)[:2]
    assert {p.company_id for p in top} == {c.id for c in local}
    explanation = json.loads(top[0].components)
    # The boost is an addition to the fit, not evidence: stored beside it.
    assert explanation["boost"] == 0.3
    assert top[0].score == pytest.approx(min(1.0, explanation["fit"] + 0.3), abs=1e-3)
    assert "text" in explanation["components"]
    assert "event_region" not in explanation["components"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event_matchmaking"))
    assert json.loads(entry.details)["created"] == 3
    page = client.get(f"/events/{event.id}/matches").get_data(as_text=True)
    assert "Sonar firm" in page and "regional boost" in page
    # the form offers the size of the last run again, not the default
    assert 'name="top_n"' in page and 'value="3"' in page.split('name="top_n"')[1][:200]


def test_rerun_keeps_decided_pairs_and_drops_stale_proposals(client, login, organiser,
                                                             make_event, make_challenge,
                                                             make_company):
    companies(make_company, 4)
    challenge = make_challenge(title="Sonar for fjords", problem=SONAR)
    event = make_event(organiser, challenges=[challenge])
    login(organiser)
    client.post(f"/events/{event.id}/matchmaking", data={"top_n": "4", "min_fit": "0"})
    first, *_, fourth = sorted(pairs(), key=lambda p: -p.score)
    client.post(f"/events/{event.id}/pairs/{fourth.id}/state", data={"action": "lock"})
    client.post(f"/events/{event.id}/pairs/{first.id}/state", data={"action": "remove"})
    client.post(f"/events/{event.id}/matchmaking", data={"top_n": "1", "min_fit": "0"})
    states = {p.id: p.state for p in pairs()}
    assert states == {first.id: "removed", fourth.id: "locked"}  # stale proposals deleted
    client.post(f"/events/{event.id}/matchmaking", data={"top_n": "4", "min_fit": "0"})
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
    client.post(f"/events/{event.id}/matchmaking", data={"top_n": "8", "min_fit": "0"})
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
    body = client.get("/events/dashboard?threshold=99").get_data(as_text=True)
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
                           data={"top_n": "3", "min_fit": "0"}).status_code == 302
    assert not [r for r in caplog.records if "embeddings" in r.getMessage()]
    assert len(pairs()) == 3
    encoder = get_engine().encoder
    wanted = {text_hash(p) for p in encoder.passages(SONAR)}
    challenge_passages = encoder.passages(challenge_text(challenge_document(challenge)))
    wanted |= {text_hash(p) for p in challenge_passages}
    db.session.remove()  # read what was committed, not what this session remembers
    assert wanted <= set(db.session.scalars(select(Embedding.text_hash)))


BIOMEDICAL = ("Biomedical research firm: wound-care dressings, blood-sample diagnostics and "
              "clinical trials for hospitals.")
COATINGS = ("Ice-resistant coatings for ship hulls and antennas: hydrophobic paints that keep "
            "ice from building up in Arctic seas.")


def test_the_regional_boost_orders_fitting_pairs_and_never_creates_one(
        client, login, organiser, make_event, make_challenge, make_company):
    local_misfit = make_company(name="Trønder Biomedical AS", description=BIOMEDICAL,
                                county="Trøndelag")
    coatings = make_company(name="Coatings AS", description=COATINGS, county="Oslo")
    for n in range(4):
        make_company(name=f"Bakery {n} AS", description="Bread, cakes and catering.",
                     county="Oslo")
    challenge = make_challenge(title="Icing on hulls", problem=COATINGS)
    event = make_event(organiser, challenges=[challenge], regional_boost=0.5, county="Trøndelag")
    login(organiser)
    assert client.post(f"/events/{event.id}/matchmaking",
                       data={"top_n": "3", "min_fit": "55"}).status_code == 302
    proposed = pairs()
    # The boost would lift the local misfit above every other company: it is not proposed.
    assert [p.company_id for p in proposed] == [coatings.id]
    explanation = json.loads(proposed[0].components)
    assert explanation["fit"] >= 0.55 and explanation["boost"] == 0.0
    assert local_misfit.id not in {p.company_id for p in proposed}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event_matchmaking"))
    assert json.loads(entry.details)["min_fit"] == 0.55


def test_a_boosted_pair_shows_its_fit_and_the_boost_as_an_addition(
        client, login, organiser, make_event, make_challenge, make_company):
    local = make_company(name="Trønder Coatings AS", description=COATINGS, county="Trøndelag")
    for n in range(4):
        make_company(name=f"Bakery {n} AS", description="Bread, cakes and catering.")
    challenge = make_challenge(title="Icing on hulls", problem=COATINGS)
    event = make_event(organiser, challenges=[challenge], regional_boost=0.1, county="Trøndelag")
    login(organiser)
    client.post(f"/events/{event.id}/matchmaking", data={"top_n": "3", "min_fit": "55"})
    [pair] = pairs()
    assert pair.company_id == local.id
    explanation = json.loads(pair.components)
    assert explanation["boost"] == 0.1
    assert abs(pair.score - min(1.0, explanation["fit"] + 0.1)) < 1e-3
    page = client.get(f"/events/{event.id}/matches").get_data(as_text=True)
    assert "+ regional boost 10" in page


def test_invitations_are_confirmed_with_their_counts_before_they_are_sent(
        client, login, organiser, make_event, make_challenge, make_company, make_pair):
    challenge = make_challenge(title="Icing on hulls", problem=COATINGS)
    event = make_event(organiser, challenges=[challenge], status="open")
    first, second = (make_company(name=f"Coatings {n} AS", description=COATINGS)
                     for n in range(2))
    for company in (first, second):
        make_pair(event, challenge, company, state="proposed")
    login(organiser)
    page = client.get(f"/events/{event.id}/invitations").get_data(as_text=True)
    assert "2 pairs" in page and "2 companies" in page and "Send 2 invitations" in page
    assert {p.state for p in pairs()} == {"proposed"}  # looking sends nothing
    assert client.post(f"/events/{event.id}/invitations").status_code == 302
    assert {p.state for p in pairs()} == {"invited"}


def test_the_gap_threshold_is_on_the_pages_scale(client, login, organiser, make_challenge):
    make_challenge(title="Hypersonic glide vehicle tracking", problem="Track hypersonic "
                   "glide vehicles with space-based infrared sensors and fusion.")
    login(organiser)
    body = client.get("/events/dashboard?threshold=80").get_data(as_text=True)
    assert 'name="threshold" min="0" max="100" step="5" value="80"' in body
    assert "scores 80 or more" in body
    # Not a number, or beyond the scale: the default and the top of the scale.
    assert 'value="50"' in client.get("/events/dashboard?threshold=x").get_data(as_text=True)
    assert 'value="100"' in client.get("/events/dashboard?threshold=400").get_data(
        as_text=True)

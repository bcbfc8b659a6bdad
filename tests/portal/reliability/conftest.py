"""Helpers for the reliability tests: a populated database and table snapshots."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import Connection, MetaData, select

from portal.db import db
from portal.models import (
    ApiToken,
    Area,
    AuditEntry,
    Challenge,
    Embedding,
    Event,
    EventChallenge,
    EventPair,
    EventRegistration,
    Interest,
    MatcherWeights,
    MatchFeedback,
    Meeting,
    Notification,
    OutboxMessage,
    Shortlist,
)


def snapshot(connection: Connection) -> dict[str, list[tuple]]:
    """Every table's rows (alembic_version included), ordered by primary key."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    rows = {}
    for name, table in sorted(metadata.tables.items()):
        order = list(table.primary_key.columns) or list(table.columns)
        rows[name] = [tuple(row) for row in connection.execute(select(table).order_by(*order))]
    return rows


@pytest.fixture
def populated(app, make_user, make_company):
    """A database with a row in every table, bytes, dates, times and the companies<->users
    foreign-key cycle (a company vetted by an admin whose row comes later)."""
    admin = make_user("admin", email="admin@example.test")
    vetted = make_company(name="Vetted Sensors AS", org_number="923609016", clearance="facility",
                          clearance_verified=True, verified_by_id=admin.id,
                          verified_at=datetime(2026, 3, 4, 5, 6, 7, 891011),
                          contact_email="post@vetted.test", size_band="10-49", trl=6)
    sme = make_user("sme", email="sme@example.test", company=vetted,
                    last_login_at=datetime(2026, 1, 2, 3, 4, 5))
    officer = make_user("military", email="officer@example.test", unit="Army Lab")
    organiser = make_user("organiser", email="org@example.test", status="pending")
    areas = db.session.scalars(select(Area).order_by(Area.id).limit(2)).all()
    vetted.areas = list(areas)
    challenge = Challenge(title="Drone detection — «æøå»", problem="Small drones.\nLine two.",
                          unit="Army Lab", owner=officer, status="open", visibility="vetted",
                          trl_min=3, trl_max=7, deadline=date(2027, 2, 28), county="Oslo",
                          contract_model="rnd_contract", areas=list(areas))
    db.session.add(challenge)
    db.session.flush()
    interest = Interest(challenge_id=challenge.id, company_id=vetted.id, user_id=sme.id,
                        pitch="We detect drones with passive radar.", status="shortlisted")
    event = Event(organiser_id=organiser.id, name="Cluster day Oslo", county="Oslo",
                  venue="Kjeller", date=date(2027, 3, 1), start_time=time(9, 0),
                  end_time=time(15, 30), regional_boost=0.125, status="open")
    db.session.add_all([interest, event])
    db.session.flush()
    pair = EventPair(event_id=event.id, challenge_id=challenge.id, company_id=vetted.id,
                     score=0.734375, components='{"semantic": 0.5}', state="accepted")
    db.session.add_all([
        pair,
        EventChallenge(event_id=event.id, challenge_id=challenge.id,
                       available_from=time(10, 0), available_until=time(12, 0)),
        EventRegistration(event_id=event.id, company_id=vetted.id),
        Embedding(model_id="hashing", text_hash="ab" * 32, vector=bytes(range(256)) * 2),
        Notification(user_id=sme.id, message="Shortlisted", link="/challenges/1",
                     read_at=datetime(2026, 4, 1, 12, 0)),
        OutboxMessage(event_id=event.id, recipient="sme@example.test", subject="Invitation",
                      body="Welcome"),
        MatchFeedback(challenge_id=challenge.id, company_id=vetted.id, user_id=officer.id,
                      relevant=True, comment="Good fit"),
        Shortlist(challenge_id=challenge.id, company_id=vetted.id, user_id=officer.id),
        MatcherWeights(version="v1", weights='{"semantic": 0.7}', active=True,
                       created_by_id=admin.id),
        ApiToken(user_id=officer.id, name="nightly", token_hash="cd" * 32, prefix="pt_abc"),
        AuditEntry(actor_id=admin.id, actor_email=admin.email, ip="192.0.2.1",
                   action="company_vet", target_type="company", target_id=vetted.id),
    ])
    db.session.flush()
    db.session.add(Meeting(event_id=event.id, pair_id=pair.id, slot=1, table_number=2,
                           starts_at=datetime(2027, 3, 1, 10, 0),
                           ends_at=datetime(2027, 3, 1, 10, 20), confirmed=True))
    db.session.commit()
    ids = {"admin": admin.id, "company": vetted.id}
    db.session.remove()
    return ids

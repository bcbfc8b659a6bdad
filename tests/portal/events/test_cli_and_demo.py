"""The export CLI command, the demo event, and CSRF on event forms."""

import icalendar
import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.demo.event import seed_demo_event
from portal.models import AuditEntry, Challenge, Event, EventPair, Meeting, User
from portal.models.enums import Role


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ics"])
def test_export_matches_command(runner, tmp_path, organiser, make_event, make_challenge,
                                make_pair, make_user, fmt):
    challenge = make_challenge()
    event = make_event(organiser, challenges=[challenge])
    make_pair(event, challenge, make_user(Role.SME).company)
    target = tmp_path / f"out.{fmt}"
    result = runner.invoke(args=["export-matches", str(event.id), "--format", fmt,
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    if fmt == "csv":
        assert data.decode("utf-8-sig").startswith("# Export: Match list")
    elif fmt == "xlsx":
        assert data[:2] == b"PK"
    else:
        assert icalendar.Calendar.from_ical(data)["X-PORTAL-ORGANISER"] == organiser.email
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert '"via": "cli"' in entry.details and entry.actor_id == organiser.id


def test_export_command_refuses_unknown_event_and_foreign_actor(runner, tmp_path, organiser,
                                                                 make_event, make_user):
    event = make_event(organiser)
    stranger = make_user(Role.ORGANISER)
    result = runner.invoke(args=["export-matches", "999", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code != 0 and "No event 999" in result.output
    result = runner.invoke(args=["export-matches", str(event.id), "--actor", stranger.email,
                                 "-o", str(tmp_path / "x.csv")])
    assert result.exit_code != 0 and "may not export" in result.output


def test_demo_event_is_idempotent(app, make_user, make_company):
    assert seed_demo_event(db.session) is None
    organiser = make_user(Role.ORGANISER, email="organiser@demo.test")
    owner = make_user(Role.MILITARY, unit="Air Wing")
    topics = ["Passive sonar and hydrophone arrays for submarine detection in fjords.",
              "Batteries that keep small drones flying in Arctic cold.",
              "Ice-resistant coatings for ship hulls and antennas.",
              "Intrusion detection for military computer networks.",
              "Field kitchens and hot rations for soldiers on exercise."]
    for n, topic in enumerate(topics):
        db.session.add(Challenge(title=f"Demo challenge {n}", problem=topic * 2,
                                 unit=owner.unit, owner_id=owner.id, status="open",
                                 visibility="registered"))
    for n, topic in enumerate(topics):
        make_company(name=f"Demo AS {n}", county="Trøndelag" if n % 2 else "Oslo",
                     description=f"We deliver this: {topic}")
    make_company(name="Bakery AS", description="Bread, cakes and catering for offices.")
    db.session.commit()
    event = seed_demo_event(db.session)
    db.session.commit()
    assert event.organiser_id == organiser.id and event.county == "Trøndelag"
    assert len(event.event_challenges) == 4 and event.status == "open"
    pairs = db.session.scalars(select(EventPair)).all()
    assert pairs
    # Every seeded pair is a real fit: challenge n meets the company that does topic n.
    for pair in pairs:
        assert pair.challenge.title[-1] == pair.company.name.split()[-1], (pair.challenge.title,
                                                                           pair.company.name)
    assert db.session.scalar(select(func.count(Meeting.id))) > 0
    assert seed_demo_event(db.session).id == event.id
    db.session.commit()
    assert db.session.scalar(select(func.count(Event.id))) == 1
    assert db.session.get(User, organiser.id) is not None


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_posts_without_csrf_token_are_refused(client, login, organiser, make_event):
    event = make_event(organiser, status="draft")
    login(organiser)
    response = client.post(f"/events/{event.id}/status", data={"status": "open"})
    assert response.status_code == 400
    assert db.session.get(Event, event.id).status == "draft"
    response = client.post("/events/new", data={"name": "x"})
    assert response.status_code == 400

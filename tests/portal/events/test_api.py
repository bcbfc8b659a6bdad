"""API: /api/v1/events, match exports and calendars."""

import json

import icalendar
from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry
from portal.models.enums import Role


def test_events_list_shape_and_visibility(client, login, organiser, make_user, make_event):
    make_event(organiser, name="Open day")
    make_event(organiser, name="Draft day", status="draft")
    assert client.get("/api/v1/events").status_code == 401
    login(make_user(Role.SME))
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [i["name"] for i in items] == ["Open day"]
    assert {"id", "name", "county", "date", "venue", "status"} <= set(items[0])
    login(organiser)
    assert len(client.get("/api/v1/events").get_json()["items"]) == 2
    login(make_user(Role.MILITARY, status="pending"))
    assert client.get("/api/v1/events").status_code == 403


def test_matches_export_access_and_formats(client, login, organiser, make_user, make_event,
                                           make_challenge, make_pair):
    challenge = make_challenge()
    event = make_event(organiser, challenges=[challenge])
    make_pair(event, challenge, make_user(Role.SME).company, state="proposed")
    login(organiser)
    response = client.get(f"/api/v1/events/{event.id}/matches?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.decode("utf-8-sig").startswith("# Export")
    response = client.get(f"/api/v1/events/{event.id}/matches?format=xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert client.get(f"/api/v1/events/{event.id}/matches?format=pdf").status_code == 422
    details = [json.loads(e.details) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "export"))]
    assert [(d["format"], d["rows"], d["via"]) for d in details] == [
        ("csv", 1, "api"), ("xlsx", 1, "api")]

    login(make_user(Role.ORGANISER))
    response = client.get(f"/api/v1/events/{event.id}/matches")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == 403
    login(make_user(Role.SME))
    assert client.get(f"/api/v1/events/{event.id}/matches").status_code == 403
    login(make_user(Role.MILITARY))
    assert client.get(f"/api/v1/events/{event.id}/matches").status_code == 403
    login(make_user(Role.ADMIN))
    assert client.get(f"/api/v1/events/{event.id}/matches").status_code == 200
    assert client.get("/api/v1/events/999/matches").status_code == 404


def test_draft_event_of_another_organiser_is_404(client, login, organiser, make_user,
                                                 make_event):
    event = make_event(make_user(Role.ORGANISER), status="draft")
    login(organiser)
    assert client.get(f"/api/v1/events/{event.id}/matches").status_code == 404
    assert client.get(f"/api/v1/events/{event.id}/schedule.ics").status_code == 404


def test_schedule_ics(client, login, organiser, make_user, make_event, make_challenge,
                      make_pair):
    challenge = make_challenge()
    event = make_event(organiser, challenges=[challenge])
    sme, other = make_user(Role.SME), make_user(Role.SME)
    make_pair(event, challenge, sme.company)
    make_pair(event, challenge, other.company, score=0.2)
    login(organiser)
    client.post(f"/events/{event.id}/schedule")
    response = client.get(f"/api/v1/events/{event.id}/schedule.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert len(calendar.walk("VEVENT")) == 2
    assert "X-WR-CALDESC" in calendar
    login(sme)
    calendar = icalendar.Calendar.from_ical(
        client.get(f"/api/v1/events/{event.id}/schedule.ics").data)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [
        f"Meeting: {sme.company.name} / {challenge.title}"]
    assert client.get(f"/api/v1/events/{event.id}/schedule.ics?company={other.company_id}"
                      ).status_code == 403


def test_openapi_documents_event_paths(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/events", "/api/v1/events/{event_id}/matches",
            "/api/v1/events/{event_id}/schedule.ics"} <= set(paths)


def test_bearer_token_organiser_exports(app, organiser, make_user, make_event):
    from portal.services.tokens import create_token

    event = make_event(organiser)
    _, raw = create_token(db.session, organiser, "ci")
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/events", headers=headers).get_json()["items"][0]["id"] == event.id
    response = client.get(f"/api/v1/events/{event.id}/matches?format=csv", headers=headers)
    assert response.status_code == 200
    bad = client.get("/api/v1/events", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401

"""API routes: events, their match lists and calendars.

Authentication (bearer token or session cookie) comes from :mod:`portal.api.auth`.
"""


from typing import Any

from flask import request
from marshmallow import fields

from portal.api import bp
from portal.api.auth import authenticated, load_query, require_user
from portal.api.openapi import AUTH_REQUIRED, operation, returns
from portal.db import db
from portal.downloads import attachment
from portal.services import events as service
from portal.services.schemas.components import (
    CalendarQuery,
    EventListSchema,
    EventPath,
    EventSchema,
    ExportQuery,
)
from portal.services.schemas.event import event_row

_EVENT = EventSchema()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user():
    return require_user()


def _event_json(event, user) -> dict:
    return _EVENT.dump(event_row(event, service.visible_challenge_count(user, event)))


def _send(export: service.ExportFile):
    return attachment(export.data, export.filename, export.mimetype)


@bp.get("/events")
@authenticated
def list_events():
    user = _user()
    return {"items": [_event_json(e, user) for e in service.visible_events(db.session, user)]}


@bp.get("/events/<int:event_id>/matches")
@authenticated
def event_matches(event_id: int):
    event = service.get_event_for(db.session, _user(), event_id, manage=True)
    fmt = load_query(ExportQuery())["format"]
    export = service.build_export(db.session, event, "matches", fmt, _user(), via="api")
    db.session.commit()
    return _send(export)


@bp.get("/events/<int:event_id>/schedule.ics")
@authenticated
def event_schedule_ics(event_id: int):
    event = service.get_event_for(db.session, _user(), event_id)
    scope = service.calendar_scope(db.session, _user(), event, request.args.get("company"),
                                   request.args.get("owner"))
    export = service.build_export(db.session, event, "calendar", "ics", _user(), via="api",
                                  **scope)
    db.session.commit()
    return _send(export)


OPERATIONS: dict[str, dict[str, Any]] = {
    "/api/v1/events": {
        "get": operation(
            "Events the caller may see", ["events"], security=AUTH_REQUIRED,
            description="Admins: all; organisers: their own and open ones; SME and military "
                        "users: open ones and closed ones they took part in.",
            responses={200: returns("Events", EventListSchema)}, errors=(401, 403)),
    },
    "/api/v1/events/{event_id}/matches": {
        "get": operation(
            "The event's match list as CSV or XLSX (the event's organiser or admins)",
            ["events"], security=AUTH_REQUIRED, path=EventPath, query=ExportQuery,
            responses={200: {"description": "The export, stamped with model, weights version, "
                                            "time and organiser",
                             "content": {"text/csv": {"schema": fields.String()},
                                         XLSX: {"schema": fields.String(
                                             metadata={"format": "binary"})}}}},
            errors=(401, 403, 404, 422)),
    },
    "/api/v1/events/{event_id}/schedule.ics": {
        "get": operation(
            "Meetings as iCalendar: the whole event for its organiser; a company's or a "
            "challenge owner's own meetings for participants", ["events"],
            security=AUTH_REQUIRED, path=EventPath, query=CalendarQuery,
            responses={200: returns("iCalendar", fields.String(), "text/calendar")},
            errors=(401, 403, 404, 422)),
    },
}

"""API routes: events, their match lists and calendars.

Authentication (bearer token or session cookie) comes from :mod:`portal.api.auth`.
"""


from flask import request

from portal.api import bp
from portal.api.auth import AUTH_REQUIRED, api_abort, authenticated, error_responses, require_user
from portal.db import db
from portal.downloads import attachment
from portal.services import events as service


def _user():
    return require_user()


def _event_json(event, user) -> dict:
    return {
        "id": event.id,
        "name": event.name,
        "description": event.description,
        "county": event.county,
        "venue": event.venue,
        "date": event.date.isoformat(),
        "start_time": event.start_time.strftime("%H:%M"),
        "end_time": event.end_time.strftime("%H:%M"),
        "meeting_minutes": event.meeting_minutes,
        "tables": event.tables,
        "regional_boost": event.regional_boost,
        "status": event.status,
        "challenges": service.visible_challenge_count(user, event),
    }


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
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        api_abort(422, "format must be csv or xlsx.", field="format")
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


_ERRORS = error_responses(401, 403, 404)
_EVENT_ID = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}

SCHEMAS: dict = {
    "Event": {
        "type": "object",
        "required": ["id", "name", "county", "date", "venue", "status"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "county": {"type": "string"},
            "venue": {"type": "string"},
            "date": {"type": "string", "format": "date"},
            "start_time": {"type": "string", "example": "09:00"},
            "end_time": {"type": "string", "example": "12:00"},
            "meeting_minutes": {"type": "integer"},
            "tables": {"type": "integer"},
            "regional_boost": {"type": "number"},
            "status": {"type": "string", "enum": ["draft", "open", "closed"]},
            "challenges": {"type": "integer", "description": "Attached challenges"},
        },
    },
}

PATHS: dict = {
    "/api/v1/events": {
        "get": {
            "summary": "Events the caller may see",
            "description": "Admins: all; organisers: their own and open ones; SME and military "
                           "users: open ones and closed ones they took part in.",
            "tags": ["events"],
            "security": AUTH_REQUIRED,
            "responses": {
                "200": {"description": "Events", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["items"],
                    "properties": {"items": {"type": "array",
                                             "items": {"$ref": "#/components/schemas/Event"}}},
                }}}},
                **error_responses(401, 403),
            },
        },
    },
    "/api/v1/events/{event_id}/matches": {
        "get": {
            "summary": "The event's match list as CSV or XLSX (the event's organiser or admins)",
            "tags": ["events"],
            "security": AUTH_REQUIRED,
            "parameters": [_EVENT_ID, {"name": "format", "in": "query", "required": False,
                                       "schema": {"type": "string", "enum": ["csv", "xlsx"],
                                                  "default": "csv"}}],
            "responses": {
                "200": {"description": "The export, stamped with model, weights version, time "
                                       "and organiser",
                        "content": {"text/csv": {"schema": {"type": "string"}},
                                    "application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet": {
                                        "schema": {"type": "string", "format": "binary"}}}},
                **error_responses(401, 403, 404, 422),
            },
        },
    },
    "/api/v1/events/{event_id}/schedule.ics": {
        "get": {
            "summary": "Meetings as iCalendar: the whole event for its organiser; a company's "
                       "or a challenge owner's own meetings for participants",
            "tags": ["events"],
            "security": AUTH_REQUIRED,
            "parameters": [_EVENT_ID,
                           {"name": "company", "in": "query", "required": False,
                            "schema": {"type": "integer"}},
                           {"name": "owner", "in": "query", "required": False,
                            "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "iCalendar", "content": {
                    "text/calendar": {"schema": {"type": "string"}}}},
                **_ERRORS,
            },
        },
    },
}

"""A regional event as the API returns it, and the parameters of its exports (output only:
events are created and edited on the organiser's pages)."""

from typing import Any

from marshmallow import fields

from portal.models.enums import EventStatus
from portal.services.schemas.base import Output, choice
from portal.services.schemas.challenge import Query

EXPORT_FORMATS = ("csv", "xlsx")


class EventSchema(Output):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String()
    county = fields.String(required=True)
    venue = fields.String(required=True)
    date = fields.Date(required=True)
    start_time = fields.Time(format="%H:%M", metadata={"example": "09:00"})
    end_time = fields.Time(format="%H:%M", metadata={"example": "12:00"})
    meeting_minutes = fields.Integer()
    tables = fields.Integer()
    regional_boost = fields.Float()
    status = choice(EventStatus, required=True)
    challenges = fields.Integer(metadata={"description": "Attached challenges"})


class EventListSchema(Output):
    items = fields.List(fields.Nested(EventSchema), required=True)


class EventPath(Output):
    event_id = fields.Integer(required=True)


class ExportQuery(Query):
    format = choice(EXPORT_FORMATS, load_default="csv")


class CalendarQuery(Query):
    company = fields.Integer(metadata={"description": "A company's own meetings."})
    owner = fields.String(metadata={"description": "A challenge owner's own meetings."})


def event_row(event: Any, challenges: int) -> dict[str, Any]:
    """The event's fields with the number of its challenges the caller may see."""
    return {**{name: getattr(event, name) for name in EventSchema().fields
               if name != "challenges"}, "challenges": challenges}


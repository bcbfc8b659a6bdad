"""Event exports (matches, schedule, calendars) and who may download which calendar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context
from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from portal.db import MAX_ID
from portal.i18n import current_locale, recipient_locale
from portal.models import (
    Company,
    Event,
    Meeting,
    User,
)
from portal.models.enums import (
    PairState,
    Role,
    label,
)
from portal.services import audit, exports
from portal.services.errors import Forbidden, NotFound
from portal.services.events.access import can_manage_event, user_company
from portal.services.events.matchmaking import explanation, pairs_by_challenge
from portal.services.events.rules import EventError
from portal.services.events.scheduling import event_meetings, owner_label
from portal.services.matching import current_stamp

# Exports --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportFile:
    data: bytes
    filename: str
    mimetype: str
    rows: int


def export_stamp(session: Session, event: Event, actor: User | None, title: str
                 ) -> exports.ExportStamp:
    stamp = current_stamp(session)
    organiser = actor.email if actor is not None else (
        event.organiser.email if event.organiser else "unknown")
    return exports.ExportStamp(model=str(stamp.get("model", "")),
                               weights_version=str(stamp.get("weights_version", "")),
                               generated_at=datetime.now(UTC), organiser=organiser,
                               title=title)


def match_rows(session: Session, event: Event) -> list[exports.MatchRow]:
    """One row per pair of the event (removed pairs excluded), per challenge, best first."""
    rows = []
    for challenge, pairs in pairs_by_challenge(session, event):
        for pair in pairs:
            if pair.state == PairState.REMOVED:
                continue
            data = explanation(pair)
            company = pair.company
            rows.append(exports.MatchRow(
                event=event.name, challenge=challenge.title, company=company.name,
                org_number=company.org_number or "", county=company.county or "",
                score=float(pair.score), components=data["components"], trl=company.trl,
                shared_areas=list(data["shared_areas"]), state=label(pair.state),
                origin=pair.origin, contact_name=company.contact_name or "",
                contact_email=company.contact_email or ""))
    return rows


def meeting_rows(event: Event, meetings: Sequence[Meeting]) -> list[exports.MeetingRow]:
    return [exports.MeetingRow(
        id=m.id, slot=m.slot, table=m.table_number,
        starts_at=m.starts_at.replace(tzinfo=UTC), ends_at=m.ends_at.replace(tzinfo=UTC),
        event=event.name, challenge=m.pair.challenge.title, company=m.pair.company.name,
        owner=owner_label(m.pair.challenge), venue=event.venue, confirmed=m.confirmed,
    ) for m in meetings]


def _slug(text: str) -> str:
    # Letters of any script stay (Norwegian names keep æ, ø, å; the download header carries
    # an ASCII fallback).
    cleaned = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in cleaned.split("-") if part)[:40] or "event"


def build_export(session: Session, event: Event, kind: str, fmt: str, actor: User | None, *,
                 company_id: int | None = None, unit: str | None = None,
                 via: str = "web") -> ExportFile:
    """Build one export of ``event`` and write the ``export`` audit row.

    The caller has checked access. Kinds and formats: ``matches`` (csv, xlsx), ``schedule``
    (xlsx) and ``calendar`` (ics; the whole event, or one company's or one unit's meetings).

    Args:
        session: Database session.
        event: The event.
        kind: ``matches``, ``schedule`` or ``calendar``.
        fmt: ``csv``, ``xlsx`` or ``ics``.
        actor: Who exports (stamped and audited; ``None`` from the CLI without --actor).
        company_id: Calendar of this company's meetings only.
        unit: Calendar of this unit's (challenge owner's) meetings only.
        via: ``web``, ``api`` or ``cli`` (recorded in the audit details).

    Raises:
        EventError: An unknown kind/format combination.
    """
    # Headers and labels follow the exporting user's language (the API's is English).
    locale = current_locale() if has_request_context() else recipient_locale(actor)
    with force_locale(locale):
        result = _build_export(session, event, kind, fmt, actor, company_id, unit)
    audit.record(session, "export", actor=actor, target=event, details={
        "kind": kind, "format": fmt, "rows": result.rows, "via": via,
        **({"company_id": company_id} if company_id is not None else {}),
        **({"unit": unit} if unit is not None else {})})
    return result


def _build_export(session: Session, event: Event, kind: str, fmt: str, actor: User | None,
                  company_id: int | None, unit: str | None) -> ExportFile:
    base = f"event-{event.id}-{_slug(event.name)}"
    if kind == "matches" and fmt in ("csv", "xlsx"):
        rows = match_rows(session, event)
        stamp = export_stamp(session, event, actor,
                             gettext("Match list: %(event)s", event=event.name))
        if fmt == "csv":
            data, mimetype = exports.matches_csv(rows, stamp, gettext), exports.CSV_MIMETYPE
        else:
            data, mimetype = exports.matches_xlsx(rows, stamp, gettext), exports.XLSX_MIMETYPE
        result = ExportFile(data, f"{base}-matches.{fmt}", mimetype, len(rows))
    elif kind == "schedule" and fmt == "xlsx":
        meetings = meeting_rows(event, event_meetings(session, event))
        stamp = export_stamp(session, event, actor,
                             gettext("Meeting schedule: %(event)s", event=event.name))
        result = ExportFile(exports.schedule_xlsx(meetings, stamp, tables=event.tables,
                                                  translate=gettext),
                            f"{base}-schedule.xlsx", exports.XLSX_MIMETYPE, len(meetings))
    elif kind == "calendar" and fmt == "ics":
        meetings = meeting_rows(event, event_meetings(session, event, company_id=company_id,
                                                      unit=unit, viewer=actor))
        who = ""
        if company_id is not None:
            company = session.get(Company, company_id)
            who = f" - {company.name}" if company else ""
        elif unit is not None:
            who = f" - {unit}"
        stamp = export_stamp(session, event, actor, f"Meetings: {event.name}{who}")
        suffix = f"-company-{company_id}" if company_id is not None else (
            "-owner" if unit is not None else "")
        result = ExportFile(exports.meetings_ics(meetings, stamp, name=f"{event.name}{who}"),
                            f"{base}{suffix}.ics", exports.ICS_MIMETYPE, len(meetings))
    else:
        raise EventError(f"No {fmt} export of {kind}.")
    return result


def calendar_scope(session: Session, user: User, event: Event, company_arg: str | None,
                   owner_arg: str | None) -> dict[str, Any]:
    """Which calendar ``user`` may download: keyword arguments for :func:`build_export`.

    Organisers of the event (and admins) get any participant's calendar or the whole event;
    a company user only their company's; a challenge owner only their unit's. Anything else
    is 403 (404 for an unknown company).
    """
    manage = can_manage_event(user, event)
    if company_arg:
        if not (company_arg.isascii() and company_arg.isdigit()) or int(company_arg) > MAX_ID:
            raise NotFound()
        company_id = int(company_arg)
        own = user_company(user)
        if not manage and (own is None or own.id != company_id):
            raise Forbidden()
        if session.get(Company, company_id) is None:
            raise NotFound()
        return {"company_id": company_id}
    if owner_arg:
        if user.role == Role.MILITARY and user.unit and owner_arg in ("me", user.unit):
            return {"unit": user.unit}
        if manage:
            return {"unit": owner_arg}
        raise Forbidden()
    if manage:
        return {}
    own = user_company(user)
    if own is not None:
        return {"company_id": own.id}
    if user.role == Role.MILITARY and user.unit and user.is_approved:
        return {"unit": user.unit}
    raise Forbidden()

"""Pure export writers: plain rows in, bytes out (no ORM, no Flask, no I/O).

The page, the API and the CLI all call these through
:func:`portal.services.events.build_export`, which loads the rows, checks nothing itself (the
callers check access) and writes the audit row.

Spreadsheet safety (formula injection): every cell whose text begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets exactly one leading ``'``; every XLSX text cell is written
as a string. Numbers (score, score components, TRL, slot, table) are written as numbers, never
parsed from text, so they cannot carry a formula either.

All other text round-trips exactly through CSV. XLSX (XML 1.0) cannot store carriage returns
or other C0 control characters: there CR/CRLF become LF and the other control characters are
removed.

Scores use the pages' scale: whole points from 0 to 100 (:func:`score_points`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import icalendar
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

LOCAL_TZ = ZoneInfo("Europe/Oslo")
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 forbids these; openpyxl would raise IllegalCharacterError.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_ILLEGAL = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"
ICS_MIMETYPE = "text/calendar"

SCORE_SCALE = "0-100"
Translate = Callable[[str], str]


def N_(text: str) -> str:
    """Mark ``text`` for the message catalogs; writers translate it through ``translate``."""
    return text


def _as_is(text: str) -> str:
    return text


MATCH_HEAD = [N_("Event"), N_("Challenge"), N_("Company"), N_("Organisation number"),
              N_("County"), N_("TRL"), N_("Score (%(scale)s)")]
MATCH_TAIL = [N_("Shared areas"), N_("State"), N_("Origin"), N_("Contact person"),
              N_("Contact email")]


@dataclass(frozen=True)
class ExportStamp:
    """Who produced an export, from which model, and when (UTC)."""

    model: str
    weights_version: str
    generated_at: datetime
    organiser: str
    title: str = ""

    def lines(self, translate: Translate = _as_is) -> list[tuple[str, str]]:
        generated = self.generated_at.astimezone(UTC) if self.generated_at.tzinfo else (
            self.generated_at.replace(tzinfo=UTC))
        return [
            (translate(N_("Export")), self.title),
            (translate(N_("Matcher model")), self.model),
            (translate(N_("Weights version")), self.weights_version),
            (translate(N_("Generated (UTC)")), generated.strftime("%Y-%m-%d %H:%M:%S UTC")),
            (translate(N_("Organiser")), self.organiser),
        ]


@dataclass(frozen=True)
class MatchRow:
    """One challenge-company pair of an event's match list."""

    event: str
    challenge: str
    company: str
    org_number: str
    county: str
    score: float
    components: Mapping[str, float] = field(default_factory=dict)
    trl: int | None = None
    shared_areas: Sequence[str] = ()
    state: str = ""
    origin: str = ""
    contact_name: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class MeetingRow:
    """One scheduled meeting. ``starts_at``/``ends_at`` are UTC (aware, or naive UTC)."""

    id: int
    slot: int
    table: int
    starts_at: datetime
    ends_at: datetime
    event: str
    challenge: str
    company: str
    owner: str
    venue: str = ""
    confirmed: bool = False


# Characters that end a cell in some spreadsheet program's reading of a CSV line.
_SEPARATORS = (",", ";", "\t", '"')


def safe_cell(value: object) -> str:
    """Text of a spreadsheet cell, with one ``'`` prepended when it could start a formula."""
    text = "" if value is None else str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def _xlsx_text(value: object) -> str:
    text = safe_cell(value).replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def score_points(value: float) -> int:
    """A score in [0, 1] as the whole points from 0 to 100 that pages and exports show."""
    return round(max(0.0, min(float(value), 1.0)) * 100)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _local(moment: datetime, tz: tzinfo) -> datetime:
    return _utc(moment).astimezone(tz)


# Match lists ---------------------------------------------------------------------------------

def component_names(rows: Iterable[MatchRow]) -> list[str]:
    """Component columns in order of first appearance."""
    names: dict[str, None] = {}
    for row in rows:
        for name in row.components:
            names.setdefault(name, None)
    return list(names)


def match_table(rows: Sequence[MatchRow], translate: Translate = _as_is
                ) -> tuple[list[str], list[list[object]]]:
    """Header and body of the match list: raw (unguarded) text, and numbers as ``int``
    (``None`` for a missing TRL or component)."""
    components = component_names(rows)
    scale = {"scale": SCORE_SCALE}
    component = translate(N_("Component: %(name)s (%(scale)s)"))
    header = [*(translate(name) % scale for name in MATCH_HEAD),
              *(component % {"name": c, **scale} for c in components),
              *map(translate, MATCH_TAIL)]
    body: list[list[object]] = []
    for row in rows:
        body.append([
            row.event, row.challenge, row.company, row.org_number or "", row.county or "",
            row.trl, score_points(row.score),
            *(score_points(row.components[c]) if c in row.components else None
              for c in components),
            "; ".join(row.shared_areas), row.state, row.origin, row.contact_name or "",
            row.contact_email or "",
        ])
    return header, body


def matches_csv(rows: Sequence[MatchRow], stamp: ExportStamp,
                translate: Translate = _as_is) -> bytes:
    """The match list as CSV (UTF-8 with BOM for spreadsheet programs), stamped in leading
    ``# ...`` comment lines. ``translate`` puts headers and labels into the reader's language."""
    buffer = io.StringIO(newline="")
    # The stamp lines carry user text (the event's name): each is one quoted-when-needed cell,
    # so neither a comma nor the semicolon that Norwegian spreadsheets split on starts a cell.
    comment = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for key, value in stamp.lines(translate):
        line = safe_cell(f"# {key}: {_one_line(value)}")
        if any(char in line for char in _SEPARATORS):
            comment.writerow([line])
        else:
            buffer.write(line + "\r\n")
    writer = csv.writer(buffer, lineterminator="\r\n")
    header, body = match_table(rows, translate)
    writer.writerow([safe_cell(c) for c in header])
    for cells in body:
        writer.writerow([safe_cell(c) if not _is_number(c) else str(c) for c in cells])
    return buffer.getvalue().encode("utf-8-sig")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _write_rows(sheet: Any, rows: Iterable[Sequence[object]], *, header: bool = True) -> None:
    widths: dict[int, int] = {}
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if _is_number(value) and not (header and r == 1):
                cell = sheet.cell(row=r, column=c)
                cell.value = value
                cell.data_type = "n"
                widths[c] = max(widths.get(c, 8), len(str(value)) + 2)
                continue
            text = _xlsx_text(value)
            if not text:
                continue  # an empty cell reads back as empty text
            cell = sheet.cell(row=r, column=c)
            cell.value = text
            cell.data_type = "s"
            if header and r == 1:
                cell.font = Font(bold=True)
            widths[c] = min(60, max(widths.get(c, 8), len(text) + 2))
    for c, width in widths.items():
        sheet.column_dimensions[get_column_letter(c)].width = width
    if header:
        sheet.freeze_panes = "A2"


def _about_sheet(book: Workbook, stamp: ExportStamp, translate: Translate = _as_is) -> None:
    about = book.create_sheet(translate(N_("About")))
    _write_rows(about, [(translate(N_("Field")), translate(N_("Value"))),
                        *stamp.lines(translate)])


SHEET_TITLE_MAX = 31


def _shorten(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" -,.") + "…"


def _sheet_title(name: str, taken: set[str]) -> str:
    """A unique (case-insensitively, as Excel compares) sheet title of at most 31 characters
    that Excel accepts: forbidden characters become spaces, long names are cut at a word
    boundary, and a repeated name gets " (2)", " (3)"..."""
    base = " ".join(_SHEET_ILLEGAL.sub(" ", name).split()).strip("'") or "Sheet"
    title, n = _shorten(base, SHEET_TITLE_MAX), 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = _shorten(base, SHEET_TITLE_MAX - len(suffix)) + suffix, n + 1
    taken.add(title.casefold())
    return title


def _to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def matches_xlsx(rows: Sequence[MatchRow], stamp: ExportStamp,
                 translate: Translate = _as_is) -> bytes:
    """The match list as XLSX: a "Matches" sheet (text as strings, scores and TRL as numbers)
    and an "About" sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = translate(N_("Matches"))
    header, body = match_table(rows, translate)
    _write_rows(sheet, [header, *body])
    _about_sheet(book, stamp, translate)
    return _to_bytes(book)


# Schedules -----------------------------------------------------------------------------------

SCHEDULE_HEADER = [N_("Slot"), N_("Time"), N_("Table"), N_("Challenge"), N_("Challenge owner"),
                   N_("Company"), N_("Confirmed")]


def _meeting_cells(meeting: MeetingRow, tz: tzinfo, translate: Translate = _as_is
                   ) -> list[object]:
    start, end = _local(meeting.starts_at, tz), _local(meeting.ends_at, tz)
    return [
        meeting.slot + 1, f"{start:%H:%M}-{end:%H:%M}", meeting.table,
        meeting.challenge, meeting.owner, meeting.company,
        translate(N_("yes")) if meeting.confirmed else translate(N_("no")),
    ]


def schedule_xlsx(
    meetings: Sequence[MeetingRow], stamp: ExportStamp, *, tables: int, tz: tzinfo = LOCAL_TZ,
    translate: Translate = _as_is,
) -> bytes:
    """The meeting schedule as XLSX: "All meetings", one sheet per table, one per participant
    (company and challenge owner), and "About"."""
    book = Workbook()
    taken: set[str] = set()
    ordered = sorted(meetings, key=lambda m: (m.slot, m.table))
    header: list[object] = [translate(name) for name in SCHEDULE_HEADER]

    def cells(group: Iterable[MeetingRow]) -> list[list[object]]:
        return [header, *(_meeting_cells(m, tz, translate) for m in group)]

    sheet = book.active
    sheet.title = _sheet_title(translate(N_("All meetings")), taken)
    _write_rows(sheet, cells(ordered))
    table_title = translate(N_("Table %(number)d"))
    for table in range(1, tables + 1):
        mine = [m for m in ordered if m.table == table]
        sheet = book.create_sheet(_sheet_title(table_title % {"number": table}, taken))
        _write_rows(sheet, cells(mine))
    companies: dict[str, list[MeetingRow]] = {}
    owners: dict[str, list[MeetingRow]] = {}
    for m in ordered:
        companies.setdefault(m.company, []).append(m)
        owners.setdefault(m.owner, []).append(m)
    for prefix, groups in (("", companies), (translate(N_("Owner")) + " ", owners)):
        for name, mine in groups.items():
            sheet = book.create_sheet(_sheet_title(f"{prefix}{name}", taken))
            _write_rows(sheet, cells(mine))
    _about_sheet(book, stamp, translate)
    return _to_bytes(book)


# Calendars -----------------------------------------------------------------------------------

def meetings_ics(
    meetings: Sequence[MeetingRow], stamp: ExportStamp, *, name: str, tz: tzinfo = LOCAL_TZ
) -> bytes:
    """An iCalendar file with one VEVENT per meeting (times in UTC), stamped in X-WR-CALDESC
    and X-PORTAL-* properties."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//SME Challenge Portal//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _one_line(name))
    calendar.add("x-wr-caldesc", "; ".join(f"{k}: {_one_line(v)}" for k, v in stamp.lines()))
    calendar.add("x-portal-model", stamp.model)
    calendar.add("x-portal-weights-version", stamp.weights_version)
    calendar.add("x-portal-generated", _utc(stamp.generated_at).strftime("%Y%m%dT%H%M%SZ"))
    calendar.add("x-portal-organiser", _one_line(stamp.organiser))
    for meeting in sorted(meetings, key=lambda m: (m.slot, m.table)):
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting.id}@sme-challenge-portal")
        event.add("dtstamp", _utc(stamp.generated_at))
        event.add("dtstart", _utc(meeting.starts_at))
        event.add("dtend", _utc(meeting.ends_at))
        event.add("summary", _one_line(f"Meeting: {meeting.company} / {meeting.challenge}"))
        location = f"{meeting.venue}, table {meeting.table}" if meeting.venue else (
            f"Table {meeting.table}")
        event.add("location", _one_line(location))
        event.add("description", (
            f"{meeting.event}\nChallenge: {meeting.challenge}\nChallenge owner: {meeting.owner}\n"
            f"Company: {meeting.company}\nSlot {meeting.slot + 1}, table {meeting.table}"
        ))
        event.add("status", "CONFIRMED" if meeting.confirmed else "TENTATIVE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


# Download names ------------------------------------------------------------------------------

# Norwegian letters spelled out for the ASCII fallback name (the usual transliteration).
_ASCII_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "å": "aa",
                                "Å": "Aa"})


def ascii_filename(filename: str) -> str:
    """The file name with Norwegian letters transliterated and any other non-ASCII character,
    quote, backslash or control character replaced by ``_``."""
    text = filename.translate(_ASCII_LETTERS)
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in text)


def content_disposition(filename: str) -> str:
    """``Content-Disposition`` for a download (RFC 6266): the name in UTF-8 (``filename*``,
    RFC 5987) so Norwegian letters survive, with an ASCII ``filename`` fallback."""
    fallback = ascii_filename(filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return (f'attachment; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(filename, safe='')}")

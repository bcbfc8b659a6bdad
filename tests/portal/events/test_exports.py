"""Pure export writers: content, stamps, and formula-injection safety (property tests)."""

import csv
import io
from datetime import UTC, datetime

import icalendar
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.services import exports
from portal.services.exports import ExportStamp, MatchRow, MeetingRow

STAMP = ExportStamp(model="hash-encoder-v1", weights_version="w7",
                    generated_at=datetime(2030, 5, 1, 8, 30, tzinfo=UTC),
                    organiser="organiser@example.test", title="Match list: Day")
EVIL = '=HYPERLINK("http://evil.test","x")'


def row(**fields):
    values = {"event": "Day", "challenge": "Sonar", "company": "Acme AS",
              "org_number": "123456785", "county": "Oslo", "score": 0.8123,
              "components": {"semantic": 0.7, "event_region": 1.0},
              "shared_areas": ["Underwater technology"], "state": "Invited",
              "origin": "matchmaking", "contact_name": "Kari", "contact_email": "kari@acme.test"}
    values.update(fields)
    return MatchRow(**values)


def meeting(mid=1, company="Acme AS", slot=0, table=1):
    return MeetingRow(id=mid, slot=slot, table=table,
                      starts_at=datetime(2030, 5, 2, 7, 0 + 20 * slot, tzinfo=UTC),
                      ends_at=datetime(2030, 5, 2, 7, 20 + 20 * slot, tzinfo=UTC),
                      event="Day", challenge="Sonar", company=company, owner="Navy unit",
                      venue="Brekstad", confirmed=True)


def read_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    comments = [line for line in lines[:5]]
    body = "\r\n".join(lines[5:])
    return comments, list(csv.reader(io.StringIO(body, newline="")))


def read_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


# The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"),
# written out here rather than read from the code under test.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def expected(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def test_csv_has_stamp_header_components_and_contacts():
    comments, rows = read_csv(exports.matches_csv([row()], STAMP))
    assert comments == [
        "# Export: Match list: Day", "# Matcher model: hash-encoder-v1",
        "# Weights version: w7", "# Generated (UTC): 2030-05-01 08:30:00 UTC",
        "# Organiser: organiser@example.test"]
    header, body = rows[0], rows[1:]
    assert header[:7] == ["Event", "Challenge", "Company", "Organisation number", "County",
                          "TRL", "Score (0-100)"]
    assert "Component: semantic (0-100)" in header
    assert "Component: event_region (0-100)" in header
    record = dict(zip(header, body[0], strict=True))
    assert record["Score (0-100)"] == "81"
    assert record["Component: event_region (0-100)"] == "100"
    assert record["TRL"] == ""
    assert record["Contact email"] == "kari@acme.test"
    assert record["Shared areas"] == "Underwater technology"
    assert len(body) == 1


def test_evil_company_is_text_in_csv_xlsx_and_ics():
    _, rows = read_csv(exports.matches_csv([row(company=EVIL)], STAMP))
    assert rows[1][2] == "'" + EVIL
    book = read_xlsx(exports.matches_xlsx([row(company=EVIL)], STAMP))
    cell = book["Matches"]["C2"]
    assert cell.value == "'" + EVIL and cell.data_type == "s"
    # No cell anywhere in the workbook is a formula.
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            assert all(c.data_type != "f" for c in cells)
    calendar = icalendar.Calendar.from_ical(
        exports.meetings_ics([meeting(company=EVIL)], STAMP, name="Day"))
    (event,) = calendar.walk("VEVENT")
    assert EVIL in str(event["SUMMARY"])


def test_schedule_xlsx_has_sheet_per_table_participant_and_about():
    meetings = [meeting(1, "Acme AS", 0, 1), meeting(2, "Beta: [AS]", 0, 2),
                meeting(3, "Acme AS", 1, 2)]
    book = read_xlsx(exports.schedule_xlsx(meetings, STAMP, tables=3))
    names = book.sheetnames
    assert names[:4] == ["All meetings", "Table 1", "Table 2", "Table 3"]
    assert "Acme AS" in names and "Beta AS" in names
    assert "Owner Navy unit" in names and names[-1] == "About"
    assert book["Table 2"].max_row == 3  # header + 2 meetings
    assert book["Acme AS"].max_row == 3
    about = {r[0].value: r[1].value for r in book["About"].iter_rows(min_row=2)}
    assert about["Matcher model"] == "hash-encoder-v1"
    assert about["Weights version"] == "w7"
    assert about["Organiser"] == "organiser@example.test"
    assert about["Generated (UTC)"].startswith("2030-05-01 08:30")
    # Local time (Europe/Oslo, summer time) in the Time column.
    assert book["Table 1"]["B2"].value == "09:00-09:20"


def test_sheet_titles_are_unique_and_valid():
    long = "X" * 40
    meetings = [meeting(1, long, 0, 1), meeting(2, long + "Y", 1, 1)]
    book = read_xlsx(exports.schedule_xlsx(meetings, STAMP, tables=1))
    titles = [t for t in book.sheetnames if t.startswith("X")]
    assert len(titles) == 2 and len(set(titles)) == 2
    assert all(len(t) <= 31 for t in book.sheetnames)


def test_ics_one_vevent_per_meeting_with_stamp():
    data = exports.meetings_ics([meeting(1), meeting(2, "Beta", 1, 2)], STAMP, name="Day")
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    assert "hash-encoder-v1" in str(calendar["X-WR-CALDESC"])
    assert str(calendar["X-PORTAL-WEIGHTS-VERSION"]) == "w7"
    assert str(calendar["X-PORTAL-ORGANISER"]) == "organiser@example.test"
    first = events[0]
    assert first.decoded("DTSTART") == datetime(2030, 5, 2, 7, 0, tzinfo=UTC)
    assert str(first["UID"]) == "meeting-1@sme-challenge-portal"
    assert "table 1" in str(first["LOCATION"])


def test_ics_text_cannot_inject_components():
    name = "Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:forged"
    calendar = icalendar.Calendar.from_ical(
        exports.meetings_ics([meeting(company=name)], STAMP, name=name))
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert "forged" in str(events[0]["SUMMARY"])


safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
# XML 1.0 cannot carry CR or other C0 controls: XLSX normalises them (documented).
xml_text = st.text(alphabet=st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="".join(chr(c) for c in range(32) if chr(c) not in "\t\n")),
    max_size=40)


@settings(max_examples=60, deadline=None)
@given(company=safe_text, challenge=safe_text, contact=safe_text)
def test_csv_round_trips_any_text(company, challenge, contact):
    data = exports.matches_csv([row(company=company, challenge=challenge,
                                    contact_name=contact)], STAMP)
    _, rows = read_csv(data)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Company"] == expected(company)
    assert record["Challenge"] == expected(challenge)
    assert record["Contact person"] == expected(contact)


@settings(max_examples=40, deadline=None)
@given(company=xml_text, area=xml_text)
def test_xlsx_round_trips_text_as_strings(company, area):
    book = read_xlsx(exports.matches_xlsx([row(company=company, shared_areas=[area])], STAMP))
    sheet = book["Matches"]
    header = [c.value for c in sheet[1]]
    values = {h: c for h, c in zip(header, sheet[2], strict=True)}
    for name, original in (("Company", company), ("Shared areas", area)):
        cell = values[name]
        assert (cell.value or "") == expected(original)
        if original:
            assert cell.data_type == "s"


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_each_dangerous_prefix_gains_exactly_one_quote(prefix):
    assert exports.safe_cell(prefix + "1+1") == "'" + prefix + "1+1"
    assert exports.safe_cell("'" + prefix) == "'" + prefix
    assert exports.safe_cell("1-1") == "1-1"


def test_xlsx_numbers_are_numbers_on_the_pages_scale():
    book = read_xlsx(exports.matches_xlsx([row(trl=6), row(company="Beta AS", score=0.5)],
                                          STAMP))
    sheet = book["Matches"]
    header = [c.value for c in sheet[1]]
    first = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert first["Score (0-100)"].data_type == "n" and first["Score (0-100)"].value == 81
    assert first["TRL"].data_type == "n" and first["TRL"].value == 6
    assert first["Component: semantic (0-100)"].value == 70
    second = {h: c for h, c in zip(header, sheet[3], strict=True)}
    assert second["Score (0-100)"].value == 50 and second["TRL"].value is None
    assert first["Company"].data_type == "s"


def test_schedule_slot_and_table_are_numbers():
    book = read_xlsx(exports.schedule_xlsx([meeting(1, "Acme AS", 1, 3)], STAMP, tables=3))
    cells = {h.value: c for h, c in zip(book["All meetings"][1], book["All meetings"][2],
                                        strict=True)}
    assert cells["Slot"].data_type == "n" and cells["Slot"].value == 2
    assert cells["Table"].data_type == "n" and cells["Table"].value == 3
    assert cells["Time"].data_type == "s"


def test_score_points_is_the_pages_scale():
    assert [exports.score_points(v) for v in (0, 0.004, 0.615, 0.6149, 1, 1.2, -0.1)] == [
        0, 0, 62, 61, 100, 100, 0]


def test_long_sheet_names_are_cut_at_a_word_and_stay_unique():
    name = "Norwegian Army Brigade North Logistics Battalion"
    meetings = [meeting(1, "Acme AS", 0, 1)]
    meetings[0] = MeetingRow(**{**meetings[0].__dict__, "owner": name})
    twin = MeetingRow(**{**meetings[0].__dict__, "id": 2, "slot": 1,
                         "owner": name + " Second"})
    book = read_xlsx(exports.schedule_xlsx([meetings[0], twin], STAMP, tables=1))
    owners = [t for t in book.sheetnames if t.startswith("Owner")]
    assert len(owners) == 2
    assert owners[0].endswith("…") and owners[1].endswith("… (2)")
    for title in owners:
        kept = title.removesuffix(" (2)").removesuffix("…")
        full = "Owner " + name
        # Cut at a word boundary: what is kept is a prefix of the name ending at a word's end.
        assert full.startswith(kept) and full[len(kept)] == " "
    assert all(len(t) <= 31 for t in book.sheetnames)
    assert len({t.casefold() for t in book.sheetnames}) == len(book.sheetnames)


def test_download_names_keep_norwegian_letters_with_an_ascii_fallback():
    header = exports.content_disposition("event-3-trøndelag-øst-matches.xlsx")
    assert header == ("attachment; filename=\"event-3-troendelag-oest-matches.xlsx\"; "
                      "filename*=UTF-8''event-3-tr%C3%B8ndelag-%C3%B8st-matches.xlsx")
    assert exports.content_disposition("plain.csv") == 'attachment; filename="plain.csv"'
    assert exports.ascii_filename('Æbl"e\\å.csv') == "Aebl_e_aa.csv"

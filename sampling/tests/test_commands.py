"""The commands for scripted use do what the pages do, through the same services."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, CaseStatus
from inspections.factories import InspectionFactory
from sampling.factories import as_csv, as_xlsx, population_rows
from sampling.models import Draw, Population

pytestmark = pytest.mark.django_db

FIELDWORK = datetime.date(2021, 7, 12)


@pytest.fixture
def inspection(framework):
    return InspectionFactory(reference="NORTH-2021", fieldwork_start=FIELDWORK)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_population_imports_a_file_and_lists_the_cases_left_out(inspection, tmp_path):
    rows = population_rows(FIELDWORK, court=6, out_of_court=4)
    rows[1]["disposal_date"] = "2020-01-01"
    path = tmp_path / "north.xlsx"
    path.write_bytes(as_xlsx(rows))
    out = run("import_population", "north-2021", str(path))
    assert out.splitlines()[0] == "NORTH-2021: 10 cases imported from north.xlsx, 9 eligible, 1 left out."
    assert out.splitlines()[1].startswith("  left out: row 3, C002: court disposal made on 1 January 2020")
    assert Population.objects.get().cases.count() == 10


def test_import_population_lists_every_problem_and_writes_nothing(inspection, tmp_path):
    rows = population_rows(FIELDWORK, court=20, out_of_court=0)
    rows[15]["disposal_date"] = "31/02/2021"
    rows[2]["case_manager"] = "@SUM(A1)"
    path = tmp_path / "north.csv"
    path.write_bytes(as_csv(rows))
    with pytest.raises(CommandError) as caught:
        run("import_population", "NORTH-2021", str(path))
    lines = str(caught.value).splitlines()
    assert lines[0] == "north.csv was not imported: 2 problems."
    assert lines[1].startswith("Row 4: case manager \u201c@SUM(A1)\u201d begins with \u201c@\u201d")
    assert (
        lines[2] == "Row 17: disposal date 31/02/2021 is not a date (write dates as YYYY-MM-DD or DD/MM/YYYY)"
    )
    assert not Population.objects.exists()


@pytest.mark.parametrize(
    ("reference", "file", "message"),
    [
        ("NOPE-1", "north.csv", "There is no inspection NOPE-1."),
        ("NORTH-2021", "missing.csv", "Cannot read"),
    ],
)
def test_import_population_says_what_it_cannot_find(inspection, tmp_path, reference, file, message):
    (tmp_path / "north.csv").write_bytes(as_csv(population_rows(FIELDWORK, 2, 2)))
    with pytest.raises(CommandError, match=message):
        run("import_population", reference, str(tmp_path / file))


def test_import_population_refuses_a_file_over_5_mb(inspection, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b" " * (5 * 1024 * 1024 + 1))
    with pytest.raises(CommandError, match=r"big\.csv is 5 MB; the largest file accepted is 5 MB\."):
        run("import_population", "NORTH-2021", str(path))


@pytest.fixture
def imported(inspection, tmp_path):
    path = tmp_path / "north.csv"
    path.write_bytes(as_csv(population_rows(FIELDWORK, court=40, out_of_court=25)))
    run("import_population", "NORTH-2021", str(path))
    return inspection


def test_draw_sample_json_has_exactly_the_promised_shape(imported):
    printed = json.loads(run("draw_sample", "NORTH-2021", "--seed", "2021", "--json"))
    assert list(printed) == ["seed", "court", "out_of_court", "reserve"]
    assert printed["seed"] == 2021
    for category, population, size in (("court", 40, 33), ("out_of_court", 25, 22)):
        assert list(printed[category]) == ["population", "size", "cases"]
        assert printed[category]["population"] == population
        assert printed[category]["size"] == size == len(printed[category]["cases"])
    in_sample = set(Case.objects.filter(inspection=imported).values_list("reference", flat=True))
    assert in_sample == set(printed["court"]["cases"] + printed["out_of_court"]["cases"])
    assert not in_sample & set(printed["reserve"])


def test_draw_sample_with_the_same_seed_prints_the_same_sample(imported):
    first = run("draw_sample", "NORTH-2021", "--seed", "7", "--json")
    assert run("draw_sample", "NORTH-2021", "--seed", "7", "--json") == first
    assert run("draw_sample", "NORTH-2021", "--seed", "8", "--json") != first


def test_draw_sample_without_a_seed_chooses_and_stores_one(imported):
    out = run("draw_sample", "NORTH-2021")
    draw = Draw.objects.get()
    assert out.splitlines()[0] == f"NORTH-2021: sample drawn with seed {draw.seed}."
    assert out.splitlines()[1].startswith("Court: 33 of 40 eligible cases (size 33): ")
    assert draw.seed_chosen_by == "app"


def test_draw_sample_is_refused_once_a_case_is_started(imported):
    run("draw_sample", "NORTH-2021", "--seed", "1")
    Case.objects.filter(inspection=imported).update(status=CaseStatus.RETURNED)
    with pytest.raises(CommandError, match="The sample cannot be drawn again: inspectors have started cases"):
        run("draw_sample", "NORTH-2021", "--seed", "2")
    assert Draw.objects.count() == 1


def test_draw_sample_needs_a_population_and_a_sensible_seed(inspection):
    with pytest.raises(CommandError, match=r"Import the eligible population before drawing the sample\."):
        run("draw_sample", "NORTH-2021")
    with pytest.raises(CommandError, match="There is no inspection"):
        run("draw_sample", "SOUTH-2021")


def test_draw_sample_refuses_a_negative_seed(imported):
    with pytest.raises(CommandError, match="The seed must be a whole number from 0"):
        run("draw_sample", "NORTH-2021", "--seed", "-3")
    assert not Draw.objects.exists()

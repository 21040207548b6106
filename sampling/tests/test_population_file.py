"""Reading and checking the population file (no database): every problem in words, the whole file refused."""

import datetime

import pytest

from sampling.factories import as_csv, as_xlsx, population_rows
from sampling.population_file import (
    COLUMN_NAMES,
    MAX_BYTES,
    PopulationFileError,
    read_population_file,
)

FIELDWORK = datetime.date(2021, 7, 12)


def rows(n=3):
    return population_rows(FIELDWORK, court=n, out_of_court=0)


def problems(name, content) -> list[str]:
    with pytest.raises(PopulationFileError) as caught:
        read_population_file(name, content)
    return [str(problem) for problem in caught.value.problems]


def test_a_good_csv_file_is_read_with_its_rows_numbered_as_a_spreadsheet_numbers_them():
    result = read_population_file("cases.csv", as_csv(rows(3)))
    assert [row.row for row in result] == [2, 3, 4]
    assert result[0].case_reference == "C001"
    assert isinstance(result[0].disposal_date, datetime.date)


def test_a_good_xlsx_file_gives_the_same_cases_as_the_csv():
    data = rows(4)
    assert read_population_file("cases.xlsx", as_xlsx(data)) == read_population_file(
        "cases.csv", as_csv(data)
    )


def test_headings_are_read_in_any_order_case_and_spacing_and_codes_as_words():
    data = rows(1)
    data[0].update(disposal_type="Referral order", gender="Male", rosh="Very high", category="Court")
    columns = [name.replace("_", " ").title() for name in reversed(COLUMN_NAMES)]
    content = as_csv([{c: data[0][n] for c, n in zip(columns, reversed(COLUMN_NAMES), strict=True)}], columns)
    [row] = read_population_file("cases.csv", content)
    assert (row.disposal_type, row.gender, row.rosh, row.category) == (
        "referral_order",
        "male",
        "very_high",
        "court",
    )


def test_both_date_formats_are_accepted_and_a_bom_is_ignored():
    data = rows(2)
    data[0]["disposal_date"] = "03/01/2021"
    data[0]["date_of_birth"] = "2005-02-28"
    [first, _] = read_population_file("cases.csv", b"\xef\xbb\xbf" + as_csv(data))
    assert first.disposal_date == datetime.date(2021, 1, 3)


def test_every_bad_row_and_column_is_reported_in_words():
    data = rows(20)
    data[15]["disposal_date"] = "31/02/2021"
    data[3]["gender"] = "m"
    data[3]["rosh"] = "severe"
    data[4]["disposal_type"] = "youth_caution"
    data[5]["category"] = "custody"
    data[6]["child_id"] = ""
    data[7]["date_of_birth"] = "2019-01-01"
    data[8]["case_reference"] = data[9]["case_reference"]
    data[10]["disposal_type"] = "tea_and_biscuits"
    found = problems("cases.csv", as_csv(data))
    assert "Row 17: disposal date 31/02/2021 is not a date (write dates as YYYY-MM-DD or DD/MM/YYYY)" in found
    assert "Row 5: gender \u201cm\u201d is not one of male, female, other" in found
    assert (
        "Row 5: risk of serious harm (rosh) \u201csevere\u201d is not one of low, medium, high, very_high"
        in found
    )
    assert (
        "Row 6: disposal type youth_caution is an out-of-court disposal, but the category is court" in found
    )
    assert "Row 7: category \u201ccustody\u201d is not one of court, out_of_court" in found
    assert "Row 8: child id is missing" in found
    assert any(p.startswith("Row 9: date of birth 2019-01-01 makes the child younger than 10") for p in found)
    assert "Row 11: case reference C010 is also used on row 10" in found
    assert any(
        p.startswith("Row 12: disposal type \u201ctea_and_biscuits\u201d is not one we know") for p in found
    )
    assert len(found) == 9


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (COLUMN_NAMES[:-1], "These columns are missing: case_manager."),
        (
            (*COLUMN_NAMES, "child_name"),
            "The column \u201cchild_name\u201d is not one we use: remove it (we keep only what the sample needs).",
        ),
        ((*COLUMN_NAMES, "gender"), "The column gender appears more than once."),
    ],
)
def test_wrong_columns_are_named(columns, expected):
    data = [{**row, "child_name": "Alex"} for row in rows(2)]
    found = problems("cases.csv", as_csv(data, columns))
    assert expected in found
    assert found[-1].startswith("The first row must hold the column headings")


def test_a_semicolon_separated_file_is_told_to_use_commas():
    content = as_csv(rows(1)).replace(b",", b";")
    assert any("separated by commas" in problem for problem in problems("cases.csv", content))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (",".join(COLUMN_NAMES).encode() + b"\r\n\r\n", "The file has the column headings but no cases."),
    ],
)
def test_an_empty_file_is_refused(content, expected):
    assert problems("cases.csv", content) == [expected]


def test_a_file_over_5_mb_is_refused_before_it_is_read():
    content = as_csv(rows(1)) + b" " * MAX_BYTES
    [problem] = problems("cases.csv", content)
    assert problem.startswith("The file is 5 MB; the largest file accepted is 5 MB.")


def test_a_file_in_another_encoding_is_refused_with_the_row():
    data = rows(5)
    data[3]["ethnicity"] = "Irish Traveller – Gypsy"  # an en dash, which Windows-1252 encodes as 0x96
    content = as_csv(data).decode().encode("cp1252")
    [problem] = problems("cases.csv", content)
    assert problem.startswith("The file is not in UTF-8 encoding: row 5 has a character that cannot be read")
    assert "CSV UTF-8" in problem


def test_a_utf16_file_is_recognised():
    content = as_csv(rows(1)).decode().encode("utf-16")
    [problem] = problems("cases.csv", content)
    assert "UTF-16" in problem


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_cells_that_spreadsheets_would_run_as_formulas_are_refused(start):
    data = rows(3)
    data[1]["case_manager"] = f'{start}HYPERLINK("http://example.com","x")'
    [problem] = problems("cases.csv", as_csv(data))
    assert problem.startswith(f"Row 3: case manager \u201c{start}HYPERLINK")
    assert "cells beginning with =, +, - or @ are refused" in problem


def test_formulas_in_an_xlsx_workbook_are_refused():
    data = rows(2)
    data[0]["ethnicity"] = "=1+1"
    [problem] = problems("cases.xlsx", as_xlsx(data))
    assert problem.startswith("Row 2: ethnicity \u201c=1+1\u201d begins with \u201c=\u201d")


def test_dates_typed_as_dates_in_excel_are_read():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMN_NAMES))
    row = rows(1)[0]
    row["date_of_birth"] = datetime.datetime(2005, 3, 1)
    row["disposal_date"] = datetime.date(2021, 1, 4)
    row["child_id"] = 1234
    sheet.append([row[name] for name in COLUMN_NAMES])
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    [read] = read_population_file("cases.xlsx", buffer.getvalue())
    assert (read.date_of_birth, read.disposal_date, read.child_id) == (
        datetime.date(2005, 3, 1),
        datetime.date(2021, 1, 4),
        "1234",
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("cases.xlsx", b"PK\x03\x04 not really a workbook", "could not be read as an Excel workbook"),
        (
            "cases.xls",
            b"\xd0\xcf\x11\xe0 old excel",
            "must be a CSV file or an Excel workbook saved as .xlsx",
        ),
        ("cases.csv", b"case_reference\x00,child_id\r\n", "binary data"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused(name, content, expected):
    [problem] = problems(name, content)
    assert expected in problem


def test_extra_cells_beyond_the_headings_are_reported():
    content = as_csv(rows(2)).replace(b"Case Manager", b"Case Manager,surplus", 1)
    [problem] = problems("cases.csv", content)
    assert problem == "Row 2: there are 12 cells but only 11 columns"

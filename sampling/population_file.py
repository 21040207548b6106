"""Reading the eligible population file a service sends: CSV or Excel (.xlsx), checked row by row.

Plain Python with no Django. Every problem in the file is collected and reported together, in words, with
the row number a spreadsheet shows (the headings are row 1); a file with any problem is rejected whole.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .rules import CATEGORIES, CATEGORY_WORDS, DISPOSAL_TYPES, GENDERS, LEVELS

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
"""No service has an eligible population near this; a file with more rows is a mistake (or a zip bomb)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Cells beginning with these are run as formulas by spreadsheets (CSV injection): they are refused."""


@dataclass(frozen=True)
class Column:
    name: str
    words: str
    required: bool
    max_length: int
    description: str
    values: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "case_reference",
        "case reference",
        True,
        40,
        "The service's own reference for the case. Each case once.",
        "Up to 40 characters, for example YJ-2021-0412.",
    ),
    Column(
        "child_id",
        "child id",
        True,
        60,
        "The service's identifier for the child, used to find a child listed more than once.",
        "Up to 60 characters. Never the child's name.",
    ),
    Column(
        "date_of_birth",
        "date of birth",
        True,
        0,
        "The child's date of birth.",
        "A date, YYYY-MM-DD or DD/MM/YYYY. The child's age is counted in whole years on the disposal date "
        "(a child whose birthday is that day has turned that age). A child younger than 10 on the disposal date, "
        "the age of criminal responsibility, is refused as a mistake (often the two dates swapped). There is no "
        "upper limit: youth justice services work with children aged 10 to 17, and a child who has turned 18 "
        "since the offence may still be on the service's list.",
    ),
    Column("gender", "gender", True, 0, "The child's gender.", ", ".join(GENDERS)),
    Column(
        "ethnicity",
        "ethnicity",
        False,
        60,
        "The child's ethnicity as the service records it. May be left blank.",
        "Up to 60 characters.",
    ),
    Column("category", "category", True, 0, "Court or out-of-court disposal.", ", ".join(CATEGORIES)),
    Column(
        "disposal_type",
        "disposal type",
        True,
        0,
        "The kind of disposal; it must belong to the category.",
        "court: "
        + ", ".join(DISPOSAL_TYPES["court"])
        + "; out_of_court: "
        + ", ".join(DISPOSAL_TYPES["out_of_court"]),
    ),
    Column(
        "disposal_date",
        "disposal date",
        True,
        0,
        "The day the disposal was made: it decides whether the case is eligible.",
        "A date, YYYY-MM-DD or DD/MM/YYYY.",
    ),
    Column(
        "rosh",
        "risk of serious harm (rosh)",
        True,
        0,
        "The service's classification of the risk of serious harm the child poses to others.",
        ", ".join(LEVELS),
    ),
    Column(
        "safety_wellbeing",
        "safety and wellbeing",
        True,
        0,
        "The service's classification of the child's safety and wellbeing.",
        ", ".join(LEVELS),
    ),
    Column(
        "case_manager",
        "case manager",
        False,
        120,
        "The case manager's name, used to limit the cases taken from one case manager. May be left blank.",
        "Up to 120 characters.",
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
_WORDS = {column.name: column.words for column in COLUMNS}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file. row is the spreadsheet row (headings are row 1), or None."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}" if self.row else self.message


class PopulationFileError(Exception):
    """The file cannot be imported; problems lists every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class PopulationRow:
    """One case of the population file, checked and converted."""

    row: int
    case_reference: str
    child_id: str
    date_of_birth: datetime.date
    gender: str
    ethnicity: str
    category: str
    disposal_type: str
    disposal_date: datetime.date
    rosh: str
    safety_wellbeing: str
    case_manager: str


def describe_size(size: int) -> str:
    """A number of bytes as people say it: 5.2 MB, 310 KB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def read_population_file(name: str, content: bytes) -> list[PopulationRow]:
    """The cases of a CSV or .xlsx file, or PopulationFileError with every problem found."""
    if len(content) > MAX_BYTES:
        raise PopulationFileError(
            [
                Problem(
                    f"The file is {describe_size(len(content))}; the largest file accepted is "
                    f"{describe_size(MAX_BYTES)}. An eligible population list is much smaller: check that "
                    "it holds only the columns asked for."
                )
            ]
        )
    if not content.strip():
        raise PopulationFileError([Problem("The file is empty.")])
    extension = name.lower().rpartition(".")[2] if "." in name else ""
    if content.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(content)
    elif extension in ("csv", "txt", ""):
        rows = _csv_rows(content)
    else:
        raise PopulationFileError(
            [Problem("The file must be a CSV file or an Excel workbook saved as .xlsx.")]
        )
    return _check_rows(rows)


# Reading the two formats ------------------------------------------------------------------------------


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[object]]]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PopulationFileError(
            [
                Problem(
                    "The file is in UTF-16 encoding (Excel's \u201cUnicode text\u201d). Save it as "
                    "\u201cCSV UTF-8 (comma delimited)\u201d, or upload the .xlsx workbook itself."
                )
            ]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise PopulationFileError(
            [
                Problem(
                    f"The file is not in UTF-8 encoding: row {line} has a character that cannot be read "
                    f"(byte 0x{content[exc.start]:02X}). Save it as \u201cCSV UTF-8 (comma delimited)\u201d, "
                    "or upload the .xlsx workbook itself.",
                )
            ]
        ) from None
    if "\x00" in text:
        raise PopulationFileError([Problem("The file is not a CSV text file: it holds binary data.")])
    # Rows are numbered as a spreadsheet numbers them: one a record, even where a quoted cell holds a
    # line break.
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            yield number, list(values)
    except csv.Error as exc:
        raise PopulationFileError(
            [Problem(f"The file could not be read as CSV after row {number}: {exc}.")]
        ) from None


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise PopulationFileError(
            [Problem("The file could not be read as an Excel workbook. Save it as .xlsx or as CSV.")]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


# Checking the rows ------------------------------------------------------------------------------------


def _heading(value: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(value or "").strip().lower())


def _is_blank(values: list[object]) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


def _check_columns(headings: list[object]) -> tuple[dict[str, int], list[Problem]]:
    problems = []
    positions: dict[str, int] = {}
    names = [_heading(value) for value in headings]
    while names and names[-1] == "":
        names.pop()
    for index, name in enumerate(names):
        if name == "":
            problems.append(Problem(f"Column {index + 1} has no heading."))
        elif name in positions:
            problems.append(Problem(f"The column {name} appears more than once."))
        elif name not in COLUMN_NAMES:
            hint = ""
            if len(names) == 1 and (";" in name or "\t" in name):
                hint = " The columns must be separated by commas."
            problems.append(
                Problem(
                    f"The column \u201c{str(headings[index]).strip()[:40]}\u201d is not one we use: remove it "
                    f"(we keep only what the sample needs).{hint}"
                )
            )
        else:
            positions[name] = index
    missing = [name for name in COLUMN_NAMES if name not in positions]
    if missing:
        problems.append(Problem(f"These columns are missing: {', '.join(missing)}."))
    return positions, problems


def _check_rows(rows: Iterator[tuple[int, list[object]]]) -> list[PopulationRow]:
    header = None
    for number, values in rows:
        if not _is_blank(values):
            header = (number, values)
            break
    if header is None:
        raise PopulationFileError([Problem("The file is empty.")])
    positions, problems = _check_columns(header[1])
    if problems:
        raise PopulationFileError(
            [*problems, Problem(f"The first row must hold the column headings: {', '.join(COLUMN_NAMES)}.")]
        )

    result: list[PopulationRow] = []
    first_row_of: dict[str, int] = {}
    count = 0
    for number, values in rows:
        if _is_blank(values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise PopulationFileError(
                [
                    Problem(
                        f"The file has more than {MAX_ROWS:,} cases; an eligible population is far smaller."
                    )
                ]
            )
        extra = [value for value in values[len(header[1]) :] if value not in (None, "")]
        if extra:
            problems.append(
                Problem(f"there are {len(values)} cells but only {len(header[1])} columns", number)
            )
            continue
        row, row_problems = _check_row(number, values, positions)
        if row is not None:
            earlier = first_row_of.setdefault(row.case_reference.casefold(), number)
            if earlier != number:
                row_problems.append(
                    Problem(f"case reference {row.case_reference} is also used on row {earlier}", number)
                )
        problems.extend(row_problems)
        if row is not None and not row_problems:
            result.append(row)
    if problems:
        raise PopulationFileError(problems)
    if not result:
        raise PopulationFileError([Problem("The file has the column headings but no cases.")])
    return result


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _code(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell_text(value)
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        return None
    return None


def _years_between(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _check_row(
    number: int, values: list[object], positions: dict[str, int]
) -> tuple[PopulationRow | None, list[Problem]]:
    problems: list[Problem] = []
    raw = {name: values[index] if index < len(values) else None for name, index in positions.items()}
    text = {name: _cell_text(value) for name, value in raw.items()}

    def problem(column: str, message: str) -> None:
        problems.append(Problem(message, number, column))

    for column in COLUMNS:
        value = text[column.name]
        if value.startswith(FORMULA_STARTS) or str(raw[column.name] or "").startswith(FORMULA_STARTS):
            problem(
                column.name,
                f"{column.words} \u201c{_shown(value)}\u201d begins with \u201c{value[:1] or '='}\u201d: cells "
                "beginning with =, +, - or @ are refused, because spreadsheets run them as formulas. "
                "Remove the character and upload the file again",
            )
            text[column.name] = ""
        elif column.required and value == "":
            problem(column.name, f"{column.words} is missing")
        elif column.max_length and len(value) > column.max_length:
            problem(column.name, f"{column.words} is longer than {column.max_length} characters")

    dates: dict[str, datetime.date | None] = {}
    for name in ("date_of_birth", "disposal_date"):
        dates[name] = None
        if text[name]:
            dates[name] = _date(raw[name])
            if dates[name] is None:
                problem(
                    name,
                    f"{_WORDS[name]} {_shown(text[name])} is not a date (write dates as YYYY-MM-DD or "
                    "DD/MM/YYYY)",
                )
    born, disposed = dates["date_of_birth"], dates["disposal_date"]
    if born and disposed and _years_between(born, disposed) < 10:
        problem(
            "date_of_birth",
            f"date of birth {text['date_of_birth']} makes the child younger than 10 on the disposal date "
            f"{text['disposal_date']}; check that the two dates are not swapped",
        )

    codes = {
        name: _code(text[name])
        for name in ("gender", "category", "disposal_type", "rosh", "safety_wellbeing")
    }
    if codes["gender"] and codes["gender"] not in GENDERS:
        problem("gender", f"gender \u201c{_shown(text['gender'])}\u201d is not one of {', '.join(GENDERS)}")
    for name in ("rosh", "safety_wellbeing"):
        if codes[name] and codes[name] not in LEVELS:
            problem(
                name, f"{_WORDS[name]} \u201c{_shown(text[name])}\u201d is not one of {', '.join(LEVELS)}"
            )
    category = codes["category"]
    if category and category not in CATEGORIES:
        problem(
            "category",
            f"category \u201c{_shown(text['category'])}\u201d is not one of {', '.join(CATEGORIES)}",
        )
    disposal = codes["disposal_type"]
    if disposal:
        owner = next((cat for cat, types in DISPOSAL_TYPES.items() if disposal in types), None)
        if owner is None:
            problem(
                "disposal_type",
                f"disposal type \u201c{_shown(text['disposal_type'])}\u201d is not one we know: see the column "
                "reference for the court and out-of-court disposal types",
            )
        elif category in CATEGORIES and owner != category:
            problem(
                "disposal_type",
                f"disposal type {disposal} is a{'n' if owner == 'out_of_court' else ''} "
                f"{CATEGORY_WORDS[owner]} disposal, but the category is {category}",
            )

    if problems:
        return None, problems
    return (
        PopulationRow(
            row=number,
            case_reference=text["case_reference"],
            child_id=text["child_id"],
            date_of_birth=born,
            gender=codes["gender"],
            ethnicity=text["ethnicity"],
            category=category,
            disposal_type=disposal,
            disposal_date=disposed,
            rosh=codes["rosh"],
            safety_wellbeing=codes["safety_wellbeing"],
            case_manager=" ".join(text["case_manager"].split()),
        ),
        [],
    )

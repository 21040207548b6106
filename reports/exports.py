"""The inspection's published figures as data (CSV and XLSX), in the framework's structure: the overall
score and rating, each standard's rating, each key question's and each prompt's yes / applicable counts and
percentage. Built from the same figures as the PDF; no case-level data."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence

from accounts.spreadsheets import csv_row, xlsx_append
from ratings import rules

from .context import with_term
from .figures import RatingsFigures

COLUMNS = (
    "level",
    "domain",
    "standard",
    "key_question",
    "prompt",
    "text",
    "rating",
    "score",
    "yes",
    "applicable",
    "percent_yes",
    "lowest",
    "discretion_applied",
)


def export_data(*, inspection: dict, framework: Sequence[dict], ratings: RatingsFigures) -> dict:
    """The rows of the export, as plain data (stored with the render as what it was built from)."""
    term = inspection["term"]
    rows: list[dict] = [
        {
            "level": "overall",
            "text": inspection["service"],
            "rating": _label(ratings.overall_rating),
            "score": ratings.score,
            "applicable": ratings.max_score,
        }
    ]
    for domain in framework:
        rows.append({"level": "domain", "domain": domain["id"], "text": domain["title"]})
        for s in domain["standards"]:
            figures = ratings.standards.get(s["id"])
            rating = figures.rating if figures else None
            rows.append(
                {
                    "level": "standard",
                    "domain": domain["id"],
                    "standard": s["id"],
                    "text": s["title"],
                    "rating": _label(rating),
                    "score": rules.RATING_SCORES[rating] if rating else None,
                }
            )
            kq_figures = {kq.id: kq for kq in figures.key_questions} if figures else {}
            for kq in s["key_questions"]:
                f = kq_figures.get(kq["id"])
                rows.append(
                    {
                        "level": "key_question",
                        "domain": domain["id"],
                        "standard": s["id"],
                        "key_question": kq["id"],
                        "text": with_term(kq["text"], term),
                        "yes": f.yes if f else None,
                        "applicable": f.applicable if f else None,
                        "percent_yes": f.percent if f else None,
                        "lowest": f.lowest if f else None,
                        "discretion_applied": f.discretion if f else None,
                    }
                )
                for p in kq["prompts"]:
                    pf = ratings.prompts.get(p["id"])
                    rows.append(
                        {
                            "level": "prompt",
                            "domain": domain["id"],
                            "standard": s["id"],
                            "key_question": kq["id"],
                            "prompt": p["id"],
                            "text": with_term(p["text"], term),
                            "yes": pf.yes if pf else None,
                            "applicable": pf.applicable if pf else None,
                            "percent_yes": pf.percent if pf else None,
                        }
                    )
    return {
        "inspection": inspection["reference"],
        "service": inspection["service"],
        "status": "final" if ratings.signed_off else "provisional",
        "columns": list(COLUMNS),
        "rows": [{column: row.get(column) for column in COLUMNS} for row in rows],
    }


def _label(rating: str | None) -> str | None:
    return rules.RATING_LABELS[rating] if rating else None


def to_csv(data: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_row(data["columns"]))
    for row in data["rows"]:
        writer.writerow(csv_row(row[c] for c in data["columns"]))
    # A byte-order mark, so that spreadsheet programs read the text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Figures"
    xlsx_append(sheet, data["columns"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data["rows"]:
        xlsx_append(sheet, (row[c] for c in data["columns"]))
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["F"].width = 90
    about = book.create_sheet("About")
    xlsx_append(about, ["Inspection", data["inspection"]])
    xlsx_append(about, ["Service", data["service"]])
    xlsx_append(about, ["Figures", data["status"]])
    # A fixed creation time: the same figures always give the same file.
    book.properties.created = book.properties.modified = datetime.datetime(2000, 1, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

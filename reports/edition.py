"""The accessible HTML edition of the report: one self-contained page made from the same snapshot as the PDF.

GOV.UK publishes accessible HTML beside its PDFs; this is the report's. It has the same text and figures as
the PDF (the same templates fill it), with what a web page needs instead of what paper needs: contents as
links, a skip link, footnotes as numbered notes linked both ways, a stylesheet of its own (inline, so the
file stands alone) that reads on a phone, and no page numbers.
"""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .pdf import CONTENTS_MARKER, contents_entries

STYLESHEET = "reports/edition.css"
_FOOTNOTE = re.compile(r'<span class="footnote">(?P<note>.*?)</span>', re.DOTALL)
NOTES_MARKER = "<!-- notes -->"
# What the stored page may do in a browser: show itself and its own inline styles, nothing else.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'; sandbox"
)


def _stylesheet() -> str:
    with open(finders.find(STYLESHEET), encoding="utf-8") as file:
        return file.read()


def endnotes(html: str) -> tuple[str, list[dict]]:
    """Footnotes as numbered notes: a linked number where each was, and the notes for the end."""
    notes: list[dict] = []

    def call(match: re.Match) -> str:
        number = len(notes) + 1
        notes.append({"number": number, "html": match.group("note")})
        return (
            f'<sup class="note-call"><a href="#note-{number}" id="note-call-{number}" '
            f'aria-label="Note {number}">{number}</a></sup>'
        )

    return _FOOTNOTE.sub(call, html), notes


def report_edition(snapshot: dict) -> str:
    """The HTML edition of a snapshot, as one document."""
    html = render_to_string(
        "reports/print/report.html",
        {"r": snapshot, "edition": True, "for_pdf": True, "inline_style": _stylesheet()},
    )
    contents = render_to_string("reports/print/contents.html", {"entries": contents_entries(html)})
    html = html.replace(CONTENTS_MARKER, contents, 1)
    html, notes = endnotes(html)
    return html.replace(NOTES_MARKER, render_to_string("reports/print/_notes.html", {"notes": notes}), 1)


def edition_bytes(snapshot: dict) -> bytes:
    return report_edition(snapshot).encode("utf-8")

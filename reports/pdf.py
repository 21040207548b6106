"""The report as HTML (preview) and PDF (WeasyPrint), from a snapshot made by `context.build_snapshot`.

WeasyPrint fetches nothing from the network and no file named by input: its URL fetcher serves only the
report's own static files (the print stylesheet), found through Django's static file finders.
"""

from __future__ import annotations

import logging
import posixpath
import re
from html import escape, unescape
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static

LOGGER = logging.getLogger(__name__)

# WeasyPrint resolves the report's relative URLs against this made-up origin; the fetcher serves it.
BASE_URL = "https://report.invalid/"
STATIC_PREFIX = f"{BASE_URL}static/"
SERVED_FOLDER = "reports/"  # only the report's own static files
STYLESHEET = "reports/print.css"
CONTENTS_MARKER = "<!-- contents -->"
_HEADING = re.compile(
    r'<h(?P<level>[12])\b[^>]*?\bid="(?P<id>[^"]+)"[^>]*?\bdata-contents\b[^>]*>(?P<text>.*?)</h(?P=level)>',
    re.DOTALL,
)


class ReportFetchRefused(ValueError):
    """WeasyPrint asked for something other than the report's own static files."""


def fetch_static(url: str, headers=None):
    """WeasyPrint's URL fetcher: the report's static files, and nothing else."""
    from weasyprint.urls import URLFetcherResponse

    if not url.startswith(STATIC_PREFIX):
        raise ReportFetchRefused(f"The report may only use its own static files, not {url[:120]}")
    path = posixpath.normpath(unquote(url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0]))
    if path.startswith(("/", "..")) or not path.startswith(SERVED_FOLDER):
        raise ReportFetchRefused(f"The report may only use its own static files, not {url[:120]}")
    found = finders.find(path)
    if not found:
        raise ReportFetchRefused(f"No static file {path}")
    with open(found, "rb") as file:
        body = file.read()
    mime = "text/css" if path.endswith(".css") else "application/octet-stream"
    return URLFetcherResponse(url, body, {"Content-Type": mime})


_ANY_HEADING = re.compile(r"<h(?P<level>[1-6])(?P<attrs>\b[^>]*)>(?P<text>.*?)</h(?P=level)>", re.DOTALL)
_FOOTNOTE_SPAN = re.compile(r'<span class="footnote">.*?</span>', re.DOTALL)


def heading_text(html: str) -> str:
    """A heading's words for a bookmark or the contents: no footnote's text or number, a line break as a
    space, spaces collapsed."""
    text = _FOOTNOTE_SPAN.sub("", html)
    text = re.sub(r"<br\s*/?>", " ", text)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", text))).strip()


def with_bookmark_labels(html: str) -> str:
    """Every heading carries its clean words as `data-bookmark`, which the stylesheet makes the PDF
    bookmark's label (WeasyPrint would otherwise run a footnote's number or a line break into it)."""

    def label(match: re.Match) -> str:
        attrs = match.group("attrs")
        if "data-bookmark" in attrs:
            return match.group(0)
        words = escape(heading_text(match.group("text")), quote=True)
        level = match.group("level")
        return f'<h{level}{attrs} data-bookmark="{words}">{match.group("text")}</h{level}>'

    return _ANY_HEADING.sub(label, html)


def contents_entries(html: str) -> list[dict]:
    """The contents, read from the headings the body actually renders (so they can never differ)."""
    entries = []
    for match in _HEADING.finditer(html):
        text = heading_text(match.group("text"))
        entries.append({"id": match.group("id"), "text": text, "level": int(match.group("level"))})
    return entries


def report_html(snapshot: dict, *, for_pdf: bool, back_url: str = "") -> str:
    """The whole report as one HTML document; the contents are built from its own headings. The preview
    (`back_url`) has a link back to the report's page in the app."""
    stylesheet = f"{STATIC_PREFIX}{STYLESHEET}" if for_pdf else static(STYLESHEET)
    html = render_to_string(
        "reports/print/report.html",
        {"r": snapshot, "stylesheet": stylesheet, "for_pdf": for_pdf, "back_url": back_url},
    )
    contents = render_to_string("reports/print/contents.html", {"entries": contents_entries(html)})
    return with_bookmark_labels(html.replace(CONTENTS_MARKER, contents, 1))


def html_to_pdf(html: str, *, identifier: bytes | bool = True) -> bytes:
    """WeasyPrint alone: tagged PDF/UA-1, with the title, language and dates from the HTML.

    WeasyPrint 70 writes creation and modification dates only from the HTML's dcterms.created and
    dcterms.modified, and no random identifiers for PDF/UA-1, so the same HTML always gives the same bytes.
    The file identifier's first part is `identifier` (True: a hash of the content); its second part is
    always the hash of the content.
    """
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetch_static).write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_identifier=identifier,
    )


def report_pdf_identifier(snapshot: dict) -> bytes | bool:
    """A published report's PDF carries its publication's own permanent identifier; a draft a content hash."""
    published = snapshot.get("published")
    return published["identifier"].encode() if published else True


def report_pdf(snapshot: dict) -> bytes:
    """The PDF of a snapshot. A published report's has its publication's identifier and dates (from the
    template), so every PDF made of one publication is the same file."""
    return html_to_pdf(report_html(snapshot, for_pdf=True), identifier=report_pdf_identifier(snapshot))

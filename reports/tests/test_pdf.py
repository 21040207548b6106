"""The Cheshire demo report as a PDF, read back with a PDF text extractor."""

import io
import re
import subprocess
from html import unescape

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from inspections.models import KeyQuestion, Prompt
from reports.pdf import ReportFetchRefused, fetch_static, report_pdf
from reports.selectors import ratings_figures, report_snapshot

from .helpers import PUBLISHED_OFFENCE_TYPES, cheshire_demo, published


def normalised(text: str) -> str:
    """Text without line breaks: a line broken after a hyphen joins without a space."""
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", text.replace("’", "'"))).strip()


_BUILT: dict = {}


@pytest.fixture
def cheshire(framework, tmp_path):
    """The Cheshire demo inspection (its case data, ratings signed off, and the demo report's text), made
    into a PDF by `render_report` and read back page by page; built once for the tests of this module."""
    if _BUILT:
        return _BUILT
    inspection = cheshire_demo()
    output, html = tmp_path / "cheshire.pdf", tmp_path / "cheshire.html"
    out = io.StringIO()
    call_command(
        "render_report", inspection.reference, "--output", str(output), "--html", str(html), stdout=out
    )
    pdf = output.read_bytes()
    _BUILT.update(
        snapshot=report_snapshot(inspection),
        html=html.read_text(encoding="utf-8"),
        pdf=pdf,
        pages=[page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages],
        identifiers=sorted(
            {v for c in inspection.cases.values("reference", "child_id") for v in c.values() if v}
        ),
        prompts=ratings_figures(inspection)[0].prompts,
        command_output=out.getvalue(),
    )
    return _BUILT


def page_with(pages, heading: str, start: int = 0) -> int:
    """The number (from 1) of the first page from `start` with this heading as a line of its own."""
    for index in range(start, len(pages)):
        lines = [normalised(line) for line in pages[index].splitlines()]
        if heading in lines:
            return index + 1
    raise AssertionError(f"no page has the heading {heading!r}")


def test_ratings_table(cheshire):
    page = normalised(cheshire["pages"][page_with(cheshire["pages"], "Ratings", 3) - 1])
    assert "Cheshire Youth Justice Service Score 26/36" in page
    assert "Overall rating Good" in page
    for standard in published()["standards"]:
        label = {"requires_improvement": "Requires improvement"}.get(
            standard["rating"], standard["rating"].capitalize()
        )
        assert f"{standard['id']} {standard['title']} {label}" in page


def test_each_key_question_table_prints_the_published_percentages(cheshire, framework):
    pages = cheshire["pages"]
    contents = page_with(pages, "Contents")
    for standard in published()["standards"]:
        if not standard.get("key_questions"):
            continue
        start = page_with(pages, f"{standard['id']}. {standard['title']}", contents)
        # Standards flow on, so a table may start at the foot of the page and end on the next.
        text = normalised(" ".join(pages[start - 1 : start + 1]))
        for kq in standard["key_questions"]:
            # One wording per key question, the framework's, verbatim (the published tables drift from it).
            wording = normalised(KeyQuestion.objects.get(code=kq["id"]).text)
            assert re.search(re.escape(wording) + r"\s*\d*\s+" + f"{kq['percent_yes']}%", text), (
                standard["id"],
                kq["id"],
            )


def test_recommendations_in_order_with_their_addressees(cheshire):
    pages = cheshire["pages"]
    text = normalised(pages[page_with(pages, "Recommendations", 3) - 1])
    assert "we have made six recommendations" in text
    positions = []
    for recommendation in published()["recommendations"]:
        head = normalised(recommendation["text"]).rstrip(".")[:60]
        positions.append(text.index(f"{recommendation['number']}. {head}"))
    assert positions == sorted(positions)
    addressees = [
        text.index(f"{name} should:")
        for name in (
            "The Cheshire Youth Justice Service",
            "Cheshire Constabulary",
            "The chair of the management board",
        )
    ]
    assert (
        addressees[0]
        < positions[0]
        < positions[2]
        < addressees[1]
        < positions[3]
        < positions[4]
        < addressees[2]
        < positions[5]
    )


def test_annexe_one_states_the_sample_sizes_and_counts(cheshire):
    pages = cheshire["pages"]
    start = page_with(pages, "Annexe 1: Methodology", 3)
    text = normalised(" ".join(pages[start - 1 : start + 2]))
    for sentence in (
        "we conducted 56 interviews with case managers",
        "In total, we conducted 52 meetings",
        "We examined 34 court disposals.",
        "We examined 23 out-of-court disposals.",
        "a sample of 34 court disposals and 23 out-of-court disposals",
        "Each of the 12 standards will be scored on a 0-3 scale",
        "produces the overall rating on a 0-36 scale",
    ):
        assert sentence in text


# The demo data reproduce every published prompt percentage but one: no k of n up to the sub-sample of 12
# rounds to 85% (ratings/demo_data/README.md).
DEMO_PROMPT_DIFFERENCES = {"3.3.3.a": (85, 86)}


def test_annexe_two_prints_every_prompt_row(cheshire, framework):
    pages = cheshire["pages"]
    start = page_with(pages, "Annexe 2: Inspection data", 3)
    text = normalised(" ".join(pages[start - 1 :]))
    differences = {}
    for prompt in published()["annex2_prompts"]:
        wording = normalised(Prompt.objects.get(code=prompt["id"]).text)
        printed = cheshire["prompts"][prompt["id"]].percent
        assert re.search(re.escape(wording) + r"\s+" + f"{printed}%", text), prompt["id"]
        if printed != prompt["percent_yes"]:
            differences[prompt["id"]] = (prompt["percent_yes"], printed)
    assert differences == DEMO_PROMPT_DIFFERENCES
    assert "3.2.1 Does" not in text  # the published report mislabels 3.4.2 as 3.2.1


def test_contents_page_numbers_are_the_pages_of_the_headings(cheshire):
    pages = cheshire["pages"]
    contents = page_with(pages, "Contents")
    entries = re.findall(r"^(.+?)[\s.]*?\.{3,}\s*(\d+)\s*$", pages[contents - 1], flags=re.MULTILINE)
    titles = [normalised(t) for t, _n in entries]
    assert titles[:6] == [
        "Foreword",
        "Ratings",
        "Executive summary",
        "Recommendations",
        "Background",
        "Contextual facts",
    ]
    assert titles[-2:] == ["Annexe 1: Methodology", "Annexe 2: Inspection data"]
    assert "3. Out-of-court disposals" in titles and len(titles) == 6 + 3 + 12 + 2
    previous = contents
    for title, number in ((normalised(t), int(n)) for t, n in entries):
        found = page_with(pages, title, previous - 1)  # standards flow on: two may share a page
        assert found == number, (title, found, number)
        assert normalised(pages[found - 1]).endswith(str(number))  # the page's own footer number
        previous = found


def test_no_case_reference_or_child_identifier_appears(cheshire):
    text = " ".join(cheshire["pages"])
    for identifier in cheshire["identifiers"]:
        assert identifier not in text
        assert identifier not in cheshire["html"]


def test_signed_off_report_is_tagged_with_title_and_language_and_has_no_watermark(cheshire):
    reader = PdfReader(io.BytesIO(cheshire["pdf"]))
    assert reader.metadata.title == "An inspection of youth offending services in Cheshire"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert not any("DRAFT" in page for page in cheshire["pages"])


def test_render_report_makes_the_same_pdf_as_the_worker_would_and_a_draft_is_watermarked(cheshire):
    assert cheshire["command_output"].startswith("Wrote ")
    assert "WeasyPrint" in cheshire["command_output"]
    assert report_pdf(cheshire["snapshot"]) == cheshire["pdf"]  # the same data always give the same bytes
    draft = report_pdf({**cheshire["snapshot"], "is_draft": True})
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(draft)).pages]
    assert all("DRAFT" in page for page in pages)


def test_pages_convert_to_png_for_a_look(cheshire, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-", str(tmp_path / "page")], input=cheshire["pdf"], check=True
    )
    assert len(list(tmp_path.glob("page-*.png"))) == len(cheshire["pages"])


def test_the_fetcher_serves_only_the_reports_own_static_files():
    assert fetch_static("https://report.invalid/static/reports/print.css").read().startswith(b"/*")
    for url in (
        "https://example.org/evil.css",
        "file:///etc/passwd",
        "https://report.invalid/static/reports/../../config/settings/base.py",
        "https://report.invalid/static/build/app.css",
        "https://report.invalid/static/reports/nothing.css",
    ):
        with pytest.raises(ReportFetchRefused):
            fetch_static(url)


def test_the_offence_types_table_prints_the_published_rows_from_the_case_data(cheshire):
    pages = cheshire["pages"]
    index = page_with(pages, "Contextual facts", 3) - 1
    text = normalised(" ".join(pages[index : index + 3]))
    heading = "For children in the inspected cases subject to court disposals"
    assert heading in text
    table = text.split(heading, 1)[1]
    rows = " ".join(f"{label} {percent}" for label, percent in PUBLISHED_OFFENCE_TYPES)
    assert re.search(r"^\d+ Offence types ?\d+ % " + re.escape(rows), table.strip()), table[:400]
    assert "Not recorded" not in table
    # The two footnotes, numbered through the report: the rounding note on the heading, the source on the
    # column.
    rounding = re.search(r"(\d+) Figures do not add up to 100 due to rounding\.", text)
    source = re.search(r"(\d+) Data from the cases assessed during this inspection\.", text)
    assert rounding and source and int(source[1]) == int(rounding[1]) + 1


# The published report's contents (cheshire-2021-report.txt, lines 50-72), in order: our entries carry the
# house style's own labels ("Annexe", "Out-of-court"), so they are compared entry by entry.
PUBLISHED_CONTENTS = [
    ("Foreword", 4),
    ("Ratings", 5),
    ("Executive summary", 6),
    ("Recommendations", 10),
    ("Background", 11),
    ("Contextual facts", 13),
    ("1. Organisational delivery", 16),
    ("1.1. Governance and leadership", 17),
    ("1.2. Staff", 20),
    ("1.3. Partnerships and services", 23),
    ("1.4. Information and facilities", 26),
    ("2. Court disposals", 28),
    ("2.1. Assessment", 29),
    ("2.2. Planning", 31),
    ("2.3. Implementation and delivery", 33),
    ("2.4. Reviewing", 35),
    ("3. Out of court disposals", 37),
    ("3.1. Assessment", 38),
    ("3.2. Planning", 39),
    ("3.3. Implementation and delivery", 41),
    ("3.4. Joint working", 42),
    ("Annex 1: Methodology", 44),
    ("Annex 2: Inspection results", 47),
]


def contents_of(pages) -> list[tuple[str, int]]:
    contents = page_with(pages, "Contents")
    entries = re.findall(r"^(.+?)[\s.]*?\.{3,}\s*(\d+)\s*$", pages[contents - 1], flags=re.MULTILINE)
    return [(normalised(t), int(n)) for t, n in entries]


def test_every_contents_entry_is_within_one_page_of_the_published_contents(cheshire):
    ours = contents_of(cheshire["pages"])
    assert len(ours) == len(PUBLISHED_CONTENTS)
    late = {
        title: (page, published_page)
        for (title, page), (_published, published_page) in zip(ours, PUBLISHED_CONTENTS, strict=True)
        if abs(page - published_page) > 1
    }
    assert late == {}


def test_pdf_bookmarks_are_the_headings_without_footnote_numbers_or_lost_spaces(cheshire):
    reader = PdfReader(io.BytesIO(cheshire["pdf"]))

    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    bookmarks = list(titles(reader.outline))
    headings = [title for title, _page in contents_of(cheshire["pages"])]
    for heading in headings:
        assert heading in bookmarks
    for title in bookmarks:
        assert not re.search(r"[a-z]\d+$", title), title  # "Population information8"
        assert not re.search(r"[a-z][A-Z][a-z]", title), title  # "services inCheshire"
        assert title == title.strip() and "  " not in title


def test_framework_wording_and_quotations_are_verbatim_and_generated_text_uses_the_services_term(
    cheshire, framework
):
    text = normalised(" ".join(cheshire["pages"]))
    statement = (
        "The governance and leadership of the YOT supports and promotes the delivery of a high-quality, "
        "personalised and responsive service for all children."
    )
    assert statement in text
    assert "Does the leadership of the YOT support effective service delivery?" in text
    assert "Does the YOT work effectively with the police in implementing the out-of-court disposal?" in text
    assert "The YOT itself should not have its own building" in text  # a quotation, as published
    assert "[YJS]" not in text
    assert "Published scoring rules generate the overall YJS rating." in text  # generated: the own term


def annexe_two_pages(pages) -> list[str]:
    start = page_with(pages, "Annexe 2: Inspection data", page_with(pages, "Contents"))
    return pages[start - 1 :]


def test_a_split_annexe_two_table_repeats_its_header_row(cheshire):
    pages = annexe_two_pages(cheshire["pages"])
    with_rows = [page for page in pages if re.search(r"\d+%\s*$", page, flags=re.MULTILINE)]
    assert len(with_rows) >= 3
    # A page that opens in the middle of a table (its first line is a prompt, not a standard's heading).
    continued = [p for p in with_rows[1:] if not re.match(r"\s*(Domain|\d\.\d\. )", p)]
    assert continued
    for page in continued:
        # The header row comes first on the page, before any prompt's percentage.
        first_row = re.search(r"\d+%", page).start()
        assert "% Yes" in page[:first_row], page[:300]


def plain(html: str) -> str:
    """A block's words as the PDF's text has them: no footnotes, no tags, no entities."""
    html = re.sub(r'<span class="footnote">.*?</span>', "", html)
    return normalised(unescape(re.sub(r"<[^>]+>", "", html)))


def test_a_good_practice_box_is_on_one_page_with_the_paragraph_that_introduces_it(cheshire):
    pages = [normalised(p) for p in cheshire["pages"]]
    boxes = 0
    for standard in cheshire["snapshot"]["chapters"]:
        for s in standard["standards"]:
            for kq in s["key_questions"]:
                for example in kq["examples"]:
                    if example["kind"] != "good_practice":
                        continue
                    boxes += 1
                    words = [plain(b["html"]) for b in example["blocks"]]
                    first, last = words[0][:60], words[-1][-60:]
                    where = [n for n, p in enumerate(pages) if first in p]
                    assert where, first
                    assert last in pages[where[0]], (first, where)
                    if kq["blocks"]:
                        assert plain(kq["blocks"][-1].get("html", ""))[-40:] in pages[where[0]]
    assert boxes >= 2

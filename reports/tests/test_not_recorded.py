"""A report never states what was not recorded (issue 14): an inspection imported from case data alone
prints placeholders and lists what is missing, never a zero or a sentence built on one; recorded zeros
still print as zero."""

import dataclasses
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.factories import UserFactory
from inspections.models import TeamMembership, TeamRole
from ratings.demo import DEMO_FILE
from ratings.services import inspection_import
from reports.context import build_snapshot
from reports.demo import DEMO_CONTENT
from reports.pdf import report_html, report_pdf
from reports.selectors import report_snapshot
from reports.services import report_content_import

from . import test_context
from .helpers import pdf_pages

sources = test_context.sources  # the published Cheshire figures as the builder's input

pytestmark = pytest.mark.django_db


def imported_from_case_data():
    """Cheshire imported from its case data alone: key-question answers, no prompt answers, no offences,
    no interviews, and no narrative."""
    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    for case in document["cases"]:
        case["answers"] = {k: v for k, v in case["answers"].items() if k.count(".") < 3}
        case.pop("offence_group", None)
    inspection = inspection_import(document=document).inspection
    inspection.lead_inspector = UserFactory(role="lead_inspector", first_name="Lena", last_name="Lead")
    inspection.save(update_fields=["lead_inspector"])
    TeamMembership.objects.create(inspection=inspection, user=inspection.lead_inspector, role=TeamRole.LEAD)
    return inspection


def words(pages) -> str:
    return re.sub(r"\s+", " ", " ".join(pages))


@pytest.fixture
def imported(framework):
    return imported_from_case_data()


def test_an_imported_inspection_says_nothing_it_was_not_told(imported, tmp_path):
    snapshot = report_snapshot(imported)
    text = words(pdf_pages(report_pdf(snapshot)))
    assert not re.search(r"\bzero\b", text, flags=re.IGNORECASE), re.findall(r".{60}\bzero\b.{30}", text)
    assert "no cases" not in text
    assert "Not recorded 100%" not in text
    for placeholder in (
        "[foreword not yet written]",
        "[recommendations not yet written]",
        "[interviews not yet recorded]",
        "[text under this key question not yet written]",
        "[executive summary of this domain not yet written]",
    ):
        assert placeholder in text, placeholder
    # A table with no data says why in one line, instead of rows of dashes.
    annexe = text[text.rindex("Annexe 2: Inspection data") :]
    assert "The prompts' answers were not recorded for this inspection" in annexe
    assert annexe.count("–") < 3
    assert "The court cases' principal offences were not recorded" in text


def test_the_missing_items_are_listed_with_where_to_enter_them(imported, client, tmp_path):
    snapshot = report_snapshot(imported)
    missing = {item["message"] for item in snapshot["missing"]}
    for expected in (
        "The foreword is not yet written.",
        "No recommendation is written yet.",
        "Case manager interviews are not recorded for any court case.",
        "Case manager interviews are not recorded for any out-of-court case.",
        "The prompts' answers are not recorded: Annexe 2 has no figures.",
        "No court case has its principal offence recorded.",
        "No contextual facts are entered.",
        "The executive summary of domain 1 is not yet written.",
        "The text under key question 2.1.1 is not yet written.",
        "The background (local context) is not yet written.",
    ):
        assert expected in missing, expected
    # The report page lists them, each a link to where it is entered, before publication too.
    client.force_login(imported.lead_inspector)
    page = client.get(reverse("reports:overview", kwargs={"reference": imported.reference})).content.decode()
    assert "What the report does not say yet" in page
    assert page.count('class="missing-item"') == len(snapshot["missing"])
    assert f'href="/inspections/{imported.reference}/report/recommendations/"' in page
    # render_report prints the same list on standard error.
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "render_report", imported.reference, "--output", str(tmp_path / "r.pdf"), stdout=out, stderr=err
    )
    for item in snapshot["missing"]:
        assert item["message"] in err.getvalue()


def test_once_filled_in_the_report_prints_them(imported):
    report_content_import(inspection=imported, data=json.loads(DEMO_CONTENT.read_text(encoding="utf-8")))
    snapshot = report_snapshot(imported)
    html = report_html(snapshot, for_pdf=True)
    for placeholder in ("foreword not yet", "recommendations not yet", "interviews not yet recorded"):
        assert placeholder not in html
    assert "We also conducted 33 interviews with the relevant case managers." in html
    assert "we have made six recommendations" in html
    messages = {item["message"] for item in snapshot["missing"]}
    assert "The foreword is not yet written." not in messages
    assert not any("interviews" in m for m in messages)


def test_a_recorded_zero_still_prints_as_zero(sources):
    recorded_none = dataclasses.replace(
        sources, sample=dataclasses.replace(sources.sample, interviews={"court": 0, "out_of_court": 0})
    )
    snapshot = build_snapshot(recorded_none)
    assert "We also conducted zero interviews" in snapshot["chapters"][1]["sample"] or (
        "We also conducted no interviews" in snapshot["chapters"][1]["sample"]
    )
    assert not any("interviews" in item["message"] for item in snapshot["missing"])
    not_recorded = dataclasses.replace(
        sources, sample=dataclasses.replace(sources.sample, interviews={"court": None, "out_of_court": None})
    )
    snapshot = build_snapshot(not_recorded)
    assert "interviews not yet recorded" in snapshot["chapters"][1]["sample"]
    assert "zero" not in snapshot["chapters"][1]["sample"]

"""Discretion explained where it is applied (issue 14): the panel's rationale is offered as the paragraph
under the standard's key-question table and in the domain's summary; the lead edits it; the PDF prints the
edited text."""

import pytest
from django.urls import reverse

from ratings import services as ratings_services
from ratings.models import PanelDecision
from ratings.selectors import FINAL, inspection_ratings_get
from reports import services
from reports.pdf import report_pdf
from reports.selectors import report_snapshot

from .helpers import cheshire_demo, pdf_pages

pytestmark = pytest.mark.django_db

RATIONALE = (
    "The panel applied professional discretion because 2.1.2 was within five percentage points of the "
    "boundary and the other key questions were well above it."
)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def hull_like(framework, panel_member):
    """Cheshire's data with a Hull-like decision: the panel moved standard 2.1 off its computed rating, with
    the asterisk on 2.1.2 and a rationale."""
    inspection = cheshire_demo()
    inspection.team.create(user=panel_member, role="panel")
    ratings_services.ratings_reopen(inspection=inspection, reopened_by=panel_member, reason="Discretion.")
    figures = inspection_ratings_get(inspection, figures=FINAL).standard("2.1")
    standard = inspection.framework.domains.get(code="2").standards.get(code="2.1")
    decision = PanelDecision.objects.filter(inspection=inspection, standard=standard).first()
    decision = decision or PanelDecision(inspection=inspection, standard=standard)
    decision.rating = "requires_improvement" if figures.computed_rating == "good" else "good"
    decision.key_question = decision.standard.key_questions.get(code="2.1.2")
    decision.rationale = RATIONALE
    decision.basis = figures.basis()
    decision.save()
    return inspection


def test_the_panels_rationale_is_printed_under_the_table_and_in_the_summary(hull_like):
    snapshot = report_snapshot(hull_like)
    chapter = next(c for c in snapshot["chapters"] if c["id"] == "2")
    standard = next(s for s in chapter["standards"] if s["id"] == "2.1")
    assert standard["discretion_note"] == "*Professional discretion applied."
    assert [b["html"] for b in standard["discretion"]] == [RATIONALE]
    summary = next(d for d in snapshot["summary"]["domains"] if d["id"] == "2")
    assert [b["html"] for b in summary["discretion"]] == [RATIONALE]
    text = words(" ".join(pdf_pages(report_pdf(snapshot))))
    assert text.count(words(RATIONALE)) == 2
    assert "*Professional discretion applied. " + words(RATIONALE) in text


def test_the_lead_edits_it_like_any_text_and_the_pdf_prints_the_edited_text(hull_like, client):
    client.force_login(hull_like.lead_inspector)
    url = reverse("reports:standard", kwargs={"reference": hull_like.reference, "code": "2.1"})
    page = client.get(url).content.decode()
    assert "Why the panel applied professional discretion" in page
    assert RATIONALE in page  # offered as the draft paragraph
    edited = "We applied discretion: {kq:2.1.2} of cases were sufficient, close to the boundary."
    services.standard_narrative_save(
        inspection=hull_like,
        user=hull_like.lead_inspector,
        standard=hull_like.framework.domains.get(code="2").standards.get(code="2.1"),
        text="",
        key_question_texts={},
        versions={},
        discretion=edited,
    )
    snapshot = report_snapshot(hull_like)
    text = words(" ".join(pdf_pages(report_pdf(snapshot))))
    assert RATIONALE not in text
    assert text.count("We applied discretion: 68 per cent of cases were sufficient") == 2

"""Text that came from an inspector is printed as written: never parsed as tokens (issue 13, item 12)."""

import pytest
from django.urls import reverse

from cases.factories import CaseFactory
from cases.models import KeyQuestionAnswer
from inspections.factories import InspectionFactory
from inspections.models import KeyQuestion
from reports import services
from reports.pdf import report_pdf
from reports.selectors import report_snapshot

from .helpers import pdf_pages

pytestmark = pytest.mark.django_db

QUOTE = "The child said {he was scared} and drew a {{face}} ^[not a footnote]"


@pytest.fixture
def inspection(framework):
    return InspectionFactory()


def add_quote(inspection, text=QUOTE):
    kq = KeyQuestion.objects.get(standard__domain__framework=inspection.framework, code="2.1.1")
    case = CaseFactory(inspection=inspection, reference="BR-1")
    answer = KeyQuestionAnswer.objects.create(case=case, key_question=kq, value="yes", quote=text)
    return services.case_example_add(inspection=inspection, user=None, answer=answer, key_question=kq)


def test_braces_in_an_inspectors_quote_print_as_written_in_the_preview_and_the_pdf(client, inspection):
    add_quote(inspection)
    client.force_login(inspection.lead_inspector)
    response = client.get(reverse("reports:preview", kwargs={"reference": inspection.reference}))
    assert response.status_code == 200
    assert "The child said {he was scared} and drew a {{face}} ^[not a footnote]" in response.content.decode()
    text = " ".join(pdf_pages(report_pdf(report_snapshot(inspection))))
    assert "{he was scared}" in text


def test_the_lead_can_save_a_quote_with_braces_and_publication_does_not_list_it(client, inspection):
    example = add_quote(inspection)
    services.case_example_save(
        inspection=inspection,
        user=None,
        example=example,
        version=example.version,
        kind="quote",
        lead_in="In one case, the inspector noted:",
        text="She said {it helped}.",
    )
    problems = [p.message for p in services.publication_problems(inspection)]
    assert not any("{" in p for p in problems), problems


def test_a_token_that_is_no_longer_known_never_breaks_the_preview(client, inspection):
    """Text saved before a token was withdrawn prints a visible placeholder instead of failing."""
    from reports.models import Report

    services.report_save(inspection=inspection, user=None, version=None, foreword="Before.")
    Report.objects.filter(inspection=inspection).update(foreword="We saw {kq:9.9.9} and {nonsense.")
    client.force_login(inspection.lead_inspector)
    response = client.get(reverse("reports:preview", kwargs={"reference": inspection.reference}))
    assert response.status_code == 200
    assert "placeholder" in response.content.decode()

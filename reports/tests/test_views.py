import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from audit.models import EventKind, SecurityEvent
from cases.factories import CaseFactory
from cases.models import Case, KeyQuestionAnswer
from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import KeyQuestion
from reports import services
from reports.context import place_name
from reports.models import ContextualFact, Render, RenderStatus, Report

from .helpers import PUBLISHED_OFFENCE_TYPES, cheshire_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(framework):
    return InspectionFactory()


@pytest.fixture
def lead(client, inspection):
    client.force_login(inspection.lead_inspector)
    return client


def url(name, inspection, **kwargs):
    return reverse(f"reports:{name}", kwargs={"reference": inspection.reference, **kwargs})


def test_an_unknown_token_is_shown_on_the_form_and_nothing_is_saved(lead, inspection):
    response = lead.post(
        url("details", inspection),
        {"cover_lead": "An inspection of youth offending services in", "foreword": "Rated {overal_rating}."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "{overal_rating} is not a token we know" in page
    assert page.count("<title>Error: ") == 1
    assert not Report.objects.filter(foreword__contains="Rated").exists()


def test_saving_the_details_and_a_concurrent_save(lead, inspection):
    data = {
        "cover_lead": "An inspection of youth offending services in",
        "foreword": "Rated {overall_rating}.",
        "isbn": "978-1-914478-34-5",
    }
    assert lead.post(url("details", inspection), data).status_code == 302
    report = Report.objects.get(inspection=inspection)
    assert report.foreword == "Rated {overall_rating}." and report.version == 1
    lead.post(url("details", inspection), {**data, "foreword": "Second.", "version": 1})
    response = lead.post(url("details", inspection), {**data, "foreword": "Stale.", "version": 1})
    assert "after you opened this page" in response.content.decode()
    assert Report.objects.get(inspection=inspection).foreword == "Second."


def test_a_fact_block_saves_and_warns_about_totals_that_do_not_add_up(lead, inspection):
    response = lead.post(
        url("fact-block", inspection, block="additional_caseload"),
        {
            "caseload_total": "215",
            "caseload_court": "83",
            "caseload_out_of_court": "132",
            "caseload_community": "81",
            "caseload_custody": "2",
            "caseload_licence": "4",
        },
        follow=True,
    )
    assert ContextualFact.objects.get(key="caseload_court").value == "83"
    assert "Court disposals is 83, but its parts add up to 87" in response.content.decode()


def test_team_members_who_do_not_write_see_the_report_page_without_links(client, inspection, inspector):
    TeamMembershipFactory(inspection=inspection, user=inspector)
    client.force_login(inspector)
    page = client.get(url("overview", inspection)).content.decode()
    assert "Cover, foreword, background and methodology" in page
    assert url("details", inspection) not in page
    assert "Generate PDF" not in page
    assert client.get(url("details", inspection)).status_code == 403


def test_the_report_page_runs_a_bounded_number_of_queries(lead, inspection, django_assert_max_num_queries):
    services.report_save(inspection=inspection, user=None, version=None, foreword="Hello.")
    for number in range(1, 6):
        Render.objects.create(inspection=inspection, format="pdf", number=number, status=RenderStatus.READY)
    # The page builds the report once (a bounded number of queries) to list what it does not say yet.
    with django_assert_max_num_queries(60):
        assert lead.get(url("overview", inspection)).status_code == 200


def test_the_quote_picker_offers_flagged_quotes_and_takes_one(
    lead, inspection, django_assert_max_num_queries
):
    kq = KeyQuestion.objects.get(standard__domain__framework=inspection.framework, code="2.1.1")
    for n in range(5):
        case = CaseFactory(inspection=inspection, reference=f"NS-{n}")
        KeyQuestionAnswer.objects.create(case=case, key_question=kq, value="yes", quote=f"Quote number {n}.")
    with django_assert_max_num_queries(25):
        page = lead.get(url("standard", inspection, code="2.1")).content.decode()
    assert page.count("Use this quote") == 5
    assert "Case NS-3, 2.1.1" in page
    answer = KeyQuestionAnswer.objects.get(case__reference="NS-3")
    response = lead.post(
        url("example-add", inspection, code="2.1"), {"answer": answer.pk, "key_question": "2.1.1"}
    )
    assert response.status_code == 302 and "/examples/" in response["Location"]
    page = lead.get(response["Location"]).content.decode()
    assert "Quote number 3." in page
    response = lead.post(response["Location"], {"kind": "quote", "text": "Quote number 3.", "lead_in": ""})
    assert "Confirm that you have checked" in response.content.decode()


def test_a_render_is_requested_and_its_download_is_logged(lead, inspection):
    response = lead.post(url("render-create", inspection), {"format": "pdf"})
    assert response.status_code == 302
    render = Render.objects.get(inspection=inspection)
    assert render.status == RenderStatus.QUEUED and render.requested_by == inspection.lead_inspector
    status = lead.get(url("render-status", inspection)).json()
    assert status["renders"][0]["status"] == "queued" and status["renders"][0]["download"] is None
    assert lead.get(url("render-download", inspection, pk=render.pk)).status_code == 404
    render.file.save(render.filename, ContentFile(b"%PDF-1.7 test"), save=False)
    render.status = RenderStatus.READY
    render.save()
    response = lead.get(url("render-download", inspection, pk=render.pk), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert response["Content-Disposition"] == f'attachment; filename="{render.filename}"'
    event = SecurityEvent.objects.get(kind=EventKind.DOWNLOAD)
    assert (event.user, event.ip_address, event.object_id) == (
        inspection.lead_inspector,
        "10.1.2.3",
        str(render.pk),
    )
    assert render.sha256 in event.detail


def test_downloads_of_another_inspection_are_not_found(client, inspection, framework):
    other = InspectionFactory()
    render = Render.objects.create(inspection=other, format="pdf", number=1, status=RenderStatus.READY)
    client.force_login(inspection.lead_inspector)
    assert client.get(url("render-download", other, pk=render.pk)).status_code == 404
    assert client.get(url("render-download", inspection, pk=render.pk)).status_code == 404
    assert not SecurityEvent.objects.filter(kind=EventKind.DOWNLOAD).exists()


def test_the_preview_is_the_report_as_html(lead, inspection):
    services.report_save(inspection=inspection, user=None, version=None, foreword="Our {term} foreword.")
    page = lead.get(url("preview", inspection)).content.decode()
    assert '<html lang="en-GB">' in page
    assert "Our YJS foreword." in page
    assert "DRAFT" in page
    # The title reads with the place alone ("… in Northshire"); the cover keeps the service's full name.
    assert (
        f"<title>An inspection of youth offending services in {place_name(inspection.service.name)}" in page
    )
    assert inspection.service.name in page


def offence_rows(page: str) -> list[tuple[str, str]]:
    table = page.split('class="facts-table facts-table--offences"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', table)


def test_the_preview_prints_the_offence_types_and_warns_the_lead_of_cases_without_one(client, framework):
    cheshire = cheshire_demo()
    client.force_login(cheshire.lead_inspector)
    preview = client.get(url("preview", cheshire)).content.decode()
    assert offence_rows(preview) == PUBLISHED_OFFENCE_TYPES
    assert "For children in the inspected cases subject to court disposals" in preview
    assert "no principal offence recorded" not in preview

    violent = Case.objects.filter(inspection=cheshire, offence_group="violence_against_the_person")
    Case.objects.filter(pk__in=list(violent.values_list("pk", flat=True)[:2])).update(offence_group="")
    preview = client.get(url("preview", cheshire)).content.decode()
    assert offence_rows(preview) == [
        ("Violence against the person", "50%"),
        *PUBLISHED_OFFENCE_TYPES[1:],
        ("Not recorded", "6%"),
    ]
    warning = (
        "2 of the 34 inspected court cases have no principal offence recorded: the offence types table prints "
        "them as &quot;Not recorded&quot;."
    )
    assert warning in preview.split('class="notice preview-warnings"', 1)[1]
    assert warning in client.get(url("overview", cheshire)).content.decode()
    assert warning in client.get(url("facts", cheshire)).content.decode()


def test_the_inspection_page_links_to_the_report(lead, client, inspection, inspector):
    detail = reverse("inspections:detail", kwargs={"reference": inspection.reference})
    page = lead.get(detail).content.decode()
    assert url("overview", inspection) in page
    assert "Write the report and make its PDF" in page
    TeamMembershipFactory(inspection=inspection, user=inspector)
    client.force_login(inspector)
    assert "Read the report and download its PDF" in client.get(detail).content.decode()


def test_the_standard_page_shows_each_key_questions_figures_beside_its_text(client, framework):
    cheshire = cheshire_demo()
    client.force_login(cheshire.lead_inspector)
    page = client.get(url("standard", cheshire, code="2.2")).content.decode()
    assert "Now 15 of 28 cases (54%): write {kq:2.2.3} or {kq:2.2.3:k_of_n} rather than the number." in page


def test_the_report_page_says_whether_the_pdf_will_be_a_draft(client, framework, inspection):
    cheshire = cheshire_demo()
    client.force_login(cheshire.lead_inspector)
    assert (
        "the PDF is final, with no DRAFT watermark" in client.get(url("overview", cheshire)).content.decode()
    )
    client.force_login(inspection.lead_inspector)
    assert "the PDF is marked DRAFT on every page" in client.get(url("overview", inspection)).content.decode()


def test_deleting_asks_first_and_refuses_an_addressee_that_still_has_recommendations(lead, inspection):
    addressee = services.addressee_save(
        inspection=inspection, user=None, kind="police", name="Northshire Police"
    )
    services.recommendation_save(inspection=inspection, user=None, addressee=addressee, text="train staff")
    page = lead.get(url("delete", inspection, kind="addressee", pk=addressee.pk)).content.decode()
    assert "Delete the addressee" in page and "Northshire Police" in page
    response = lead.post(url("delete", inspection, kind="addressee", pk=addressee.pk), follow=True)
    assert "still has recommendations" in response.content.decode()
    recommendation = addressee.recommendations.get()
    lead.post(url("delete", inspection, kind="recommendation", pk=recommendation.pk))
    response = lead.post(url("delete", inspection, kind="addressee", pk=addressee.pk), follow=True)
    assert "The addressee is deleted." in response.content.decode()
    assert not addressee.__class__.objects.filter(pk=addressee.pk).exists()

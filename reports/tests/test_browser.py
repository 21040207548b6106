"""The report's pages in Chromium: Generate PDF, wait for 'Ready', download; accessibility of every page."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from audit.models import EventKind, SecurityEvent
from cases.models import KeyQuestionAnswer
from conftest import axe_violations, sign_in
from inspections.models import KeyQuestion
from reports import services
from reports.models import CaseExample, Finding, Recommendation

from .helpers import cheshire_with_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cheshire(framework):
    return cheshire_with_content()


def test_generate_pdf_wait_for_ready_and_download(page, cheshire, celery_worker_process):
    sign_in(page, cheshire.lead_inspector, next_url=f"/inspections/{cheshire.reference}/report/")
    assert page.get_by_role("heading", name="Report", exact=True).is_visible()
    page.get_by_role("button", name="Generate PDF").click()
    page.get_by_text("PDF report version 1 is queued.").wait_for()
    # The page's script follows the render and reloads when it is ready.
    page.get_by_role("link", name="Download PDF report version 1").wait_for(timeout=180_000)
    assert page.locator("[data-render-id] .govuk-tag").first.inner_text() == "Ready"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF report version 1").click()
    download = download_info.value
    assert download.suggested_filename == "cheshire-2021-pdf-v1-draft.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    assert any(p.extract_text().startswith("Ratings") for p in reader.pages[3:7])
    assert SecurityEvent.objects.filter(kind=EventKind.DOWNLOAD, user=cheshire.lead_inspector).count() == 1


def test_every_report_page_has_no_serious_accessibility_problem(new_page, cheshire):
    kq = KeyQuestion.objects.get(standard__domain__framework=cheshire.framework, code="2.1.1")
    answer = KeyQuestionAnswer.objects.create(
        case=cheshire.cases.get(reference="CH-C34"), key_question=kq, value="yes", quote="Thorough work."
    )
    page = new_page(javascript=True)
    sign_in(page, cheshire.lead_inspector)
    base = f"/inspections/{cheshire.reference}/report"
    finding = Finding.objects.filter(report__inspection=cheshire).first()
    recommendation = Recommendation.objects.filter(report__inspection=cheshire).first()
    example = CaseExample.objects.filter(report__inspection=cheshire).first()
    pages = [
        "/",
        "/details/",
        "/domains/1/",
        "/domains/2/findings/add/",
        f"/findings/{finding.pk}/",
        "/recommendations/",
        "/addressees/add/",
        f"/recommendations/{recommendation.pk}/",
        "/facts/",
        "/facts/additional_caseload/",
        "/facts/sources/add/",
        "/standards/1.3/",
        "/standards/2.1/",
        f"/examples/{example.pk}/",
        f"/delete/finding/{finding.pk}/",
        "/preview/",
    ]
    for path in pages:
        page.goto(base + path)
        assert page.title(), path
        assert axe_violations(page) == [], path
    page.goto(base + "/standards/2.1/")
    assert page.get_by_text("Thorough work.").is_visible()
    assert answer.pk


def test_an_unknown_token_is_shown_on_the_page_with_and_without_javascript(new_page, cheshire):
    for javascript in (False, True):
        page = new_page(javascript=javascript)
        sign_in(
            page, cheshire.lead_inspector, next_url=f"/inspections/{cheshire.reference}/report/standards/2.2/"
        )
        page.get_by_label(
            "2.2.1 Does planning focus sufficiently on supporting the child's desistance?"
        ).fill("Planning was sound in {kq:2.2.1:k_of_n} cases and {kq:2.2.9} more.")
        with page.expect_navigation():
            page.get_by_role("button", name="Save the text").click()
        expect(page).to_have_title(re.compile("^" + re.escape("Error: ")))
        summary = page.locator(".govuk-error-summary")
        assert (
            "there is no key question 2.2.9 of domain two or three in the framework" in summary.inner_text()
        )
        if javascript:
            assert axe_violations(page) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_lead_publishes_and_then_sees_a_case_read_only(new_page, framework, javascript):
    from cases.models import Case, CaseStatus
    from inspections.models import Inspection

    from .helpers import cheshire_demo

    inspection = cheshire_demo()
    case = Case.objects.filter(inspection=inspection).order_by("reference").first()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.IN_PROGRESS)
    page = new_page(javascript=javascript)
    sign_in(page, inspection.lead_inspector, next_url=f"/inspections/{inspection.reference}/report/")
    page.get_by_role("link", name="Check and publish the report").click()
    page.get_by_role("heading", name="Publish the report").wait_for()
    assert page.get_by_text("What publishing does").is_visible()
    assert not javascript or axe_violations(page) == []  # axe needs the page's JavaScript
    page.get_by_role("button", name="Publish the report").click()
    page.get_by_text("The report is published and the inspection's data are frozen.").wait_for()
    assert Inspection.objects.get(pk=inspection.pk).is_published
    day = f"{Inspection.objects.get(pk=inspection.pk).published_at.astimezone():%-d %B %Y}"
    banner = f"This inspection was published on {day}. Its data can no longer be changed."
    assert page.get_by_text(banner).is_visible()
    assert not javascript or axe_violations(page) == []  # axe needs the page's JavaScript
    page.goto(f"/inspections/{inspection.reference}/cases/{case.pk}/facts/")
    assert page.get_by_text(banner).is_visible()
    assert page.get_by_role("button", name="Save").count() == 0
    assert page.locator("form[data-autosave] input, form[data-autosave] select").count() == 0
    assert not javascript or axe_violations(page) == []  # axe needs the page's JavaScript
    page.goto(f"/inspections/{inspection.reference}/cases/{case.pk}/standards/2.1/")
    assert page.get_by_text(banner).is_visible()
    assert page.locator("input[type=radio]").count() == 0
    assert not javascript or axe_violations(page) == []  # axe needs the page's JavaScript


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_an_administrator_withdraws_a_publication_only_with_a_reason(
    new_page, framework, administrator, javascript
):
    from inspections.models import Inspection

    from .helpers import cheshire_demo

    inspection = cheshire_demo()
    services.report_publish(inspection=inspection, user=inspection.lead_inspector)
    page = new_page(javascript=javascript)
    sign_in(page, administrator, next_url=f"/inspections/{inspection.reference}/report/")
    page.get_by_role("link", name="Withdraw the publication").click()
    page.get_by_role("heading", name="Withdraw the publication").wait_for()
    assert not javascript or axe_violations(page) == []  # axe needs the page's JavaScript
    page.get_by_role("button", name="Withdraw the publication").click()
    expect(page).to_have_title(re.compile("^Error: Withdraw the publication"))
    reason = page.get_by_label("Why are you withdrawing the publication?")
    page.get_by_role("link", name="Say why the publication is being withdrawn").click()  # the summary's link
    if javascript:  # GOV.UK Frontend's error summary moves focus to the field
        expect(reason).to_be_focused()
    assert Inspection.objects.get(pk=inspection.pk).is_published
    assert not javascript or axe_violations(page) == []
    reason.fill("The ISBN printed on the cover was wrong.")
    page.get_by_role("button", name="Withdraw the publication").click()
    page.get_by_text("The publication is withdrawn. The inspection's data can be changed again.").wait_for()
    assert not Inspection.objects.get(pk=inspection.pk).is_published


def test_after_publishing_the_lead_finds_no_form_on_the_ratings_report_and_sampling_pages(
    new_page, framework
):
    from inspections.models import Inspection

    from .helpers import cheshire_demo

    inspection = cheshire_demo()
    ref = inspection.reference
    page = new_page()
    sign_in(page, inspection.lead_inspector, next_url=f"/inspections/{ref}/report/")
    page.get_by_role("link", name="Check and publish the report").click()
    page.get_by_role("button", name="Publish the report").click()
    page.get_by_text("The report is published and the inspection's data are frozen.").wait_for()
    day = f"{Inspection.objects.get(pk=inspection.pk).published_at.astimezone():%-d %B %Y}"
    banner = f"This inspection was published on {day}. Its data can no longer be changed."
    render = f"/inspections/{ref}/report/renders/"
    changing = "Add|Change|Delete|Draw|Edit|Import|Move|Propose|Raise|Record|Remove|Reopen|Save|Suggest|Swap"
    for address, forms_kept in [
        (f"/inspections/{ref}/report/", 4),  # Generate PDF, HTML edition, CSV and XLSX keep working
        (f"/inspections/{ref}/ratings/", 0),
        (f"/inspections/{ref}/ratings/domain-one/1.2/", 0),
        (f"/inspections/{ref}/population/", 0),
        (f"/inspections/{ref}/sample/", 0),
        (f"/inspections/{ref}/allocation/", 0),
    ]:
        page.goto(address)
        assert page.get_by_text(banner).is_visible(), address
        forms = page.locator("main form")
        assert forms.count() == forms_kept, address
        assert page.locator(f"main form:not([action='{render}'])").count() == 0, address
        assert page.locator("main select, main textarea, main input:not([type=hidden])").count() == 0, address
        offers = page.locator("main a, main button").filter(has_text=re.compile(rf"^\s*({changing})\b"))
        assert offers.count() == 0, (address, offers.all_inner_texts())
        assert axe_violations(page) == [], address
    # A form's address, typed in, leads back to the page that shows the data.
    page.goto(f"/inspections/{ref}/report/recommendations/add/")
    assert page.url.endswith(f"/inspections/{ref}/report/") and page.get_by_text(banner).is_visible()


def test_the_html_edition_is_axe_clean_and_reads_on_a_phone(browser, live_server, framework):
    """The HTML edition as the team views it (the download URL with ?view): no accessibility problem of any
    impact that axe finds, at desktop and phone widths, and nothing wider than a phone's screen."""
    from django.core.files.base import ContentFile

    from reports.edition import edition_bytes
    from reports.models import Render, RenderFormat, RenderStatus
    from reports.selectors import report_snapshot

    from .helpers import cheshire_demo

    inspection = cheshire_demo()
    render = Render.objects.create(inspection=inspection, format=RenderFormat.HTML, number=1)
    render.file.save(render.filename, ContentFile(edition_bytes(report_snapshot(inspection))), save=False)
    render.status = RenderStatus.READY
    render.save()
    # The stored page may run no script (its policy is sandboxed): axe is injected past the policy.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        page = context.new_page()
        sign_in(page, inspection.lead_inspector)
        page.goto(f"/inspections/{inspection.reference}/report/renders/{render.pk}/download/?view")
        assert page.get_by_role("heading", name="Contents").is_visible()
        page.get_by_role("link", name="2.1. Assessment").first.click()
        assert page.url.endswith("#standard-2.1")
        everything = ("minor", "moderate", "serious", "critical")
        assert axe_violations(page, impacts=everything) == []
        page.set_viewport_size({"width": 375, "height": 812})
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert axe_violations(page, impacts=everything) == []
    finally:
        context.close()

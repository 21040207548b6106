"""The loop around a case in Chromium, with and without JavaScript: save and continue, the out-of-scope reason
revealed only for out of scope, why a section is in progress, the print view and returned cases; axe on each."""

import re

import pytest
from playwright.sync_api import expect

from cases import services
from cases.factories import answer_whole_case
from cases.models import CaseStatus
from cases.tests.test_browser import case_url, has_title, wait_for_saves
from conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_page(new_page, javascript: bool):
    """A page with or without our JavaScript. Without it, the browser's own JavaScript stays on and every
    script of ours is refused: the page is what a browser without JavaScript gets, and axe (which cannot
    finish on a long page in a context with JavaScript off) can still check it."""
    page = new_page()
    if not javascript:
        page.route(re.compile(r"\.m?js(\?.*)?$"), lambda route: route.abort())
    return page


@pytest.mark.parametrize("javascript", [True, False])
def test_save_and_continue_walks_the_standards_then_check_your_answers(
    new_page, team, court_case, javascript
):
    page = open_page(new_page, javascript)
    sign_in(page, team["inspector"])
    page.goto(case_url(court_case, "standards/2.3/"))
    has_title(page, "2.3 Implementation and delivery – case COURT-01")
    assert axe_violations(page) == []
    page.locator("input[name=p-2-3-1-a][value=yes]").check()
    if javascript:
        wait_for_saves(page)
    page.get_by_role("button", name="Save and continue").click()
    has_title(page, "2.4 Reviewing – case COURT-01")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your answers to 2.3")
    page.get_by_role("button", name="Save and continue").click()
    has_title(page, "Check your answers before submitting – case COURT-01")
    # The task list is one click away, and says why 2.3 is in progress.
    page.get_by_role("link", name="Back to the case").click()
    has_title(page, "Case COURT-01")
    hint = page.locator("#standard-23-hint")
    expect(hint).to_contain_text("1 of")
    expect(hint).to_contain_text("prompts unanswered")
    expect(hint).to_contain_text("judgements missing")
    assert axe_violations(page) == []


def test_the_out_of_scope_reason_is_revealed_only_when_out_of_scope_is_chosen(page, team, court_case):
    sign_in(page, team["inspector"])
    page.goto(case_url(court_case, "standards/2.1/"))
    reason = page.locator("#kq-2-1-1-out_of_scope_reason")
    expect(reason).to_be_hidden()
    page.locator("#kq-2-1-1-value-na").check()
    expect(reason).to_be_visible()
    assert axe_violations(page) == []
    reason.fill("No plan was due yet.")
    reason.blur()
    wait_for_saves(page)
    page.locator("#kq-2-1-1-value-no").check()
    wait_for_saves(page)
    expect(reason).to_be_hidden()
    page.reload()
    expect(reason).to_be_hidden()
    page.locator("#kq-2-1-1-value-na").check()
    expect(reason).to_have_value("No plan was due yet.")


def test_without_javascript_the_out_of_scope_reason_is_always_there(new_page, team, court_case):
    page = open_page(new_page, javascript=False)
    sign_in(page, team["inspector"])
    page.goto(case_url(court_case, "standards/2.1/"))
    expect(page.locator("#kq-2-1-1-out_of_scope_reason")).to_be_visible()
    page.locator("#kq-2-1-1-value-na").check()
    page.locator("#kq-2-1-1-out_of_scope_reason").fill("No plan was due yet.")
    page.get_by_role("button", name="Save and continue").click()
    has_title(page, "2.2 Planning – case COURT-01")
    page.goto(case_url(court_case, "check/"))
    expect(page.locator("body")).to_contain_text("No plan was due yet.")
    assert axe_violations(page) == []


def test_the_print_view_shows_the_whole_case_and_prints_without_the_page_furniture(page, team, court_case):
    answer_whole_case(court_case)
    sign_in(page, team["inspector"])
    page.goto(case_url(court_case))
    page.get_by_role("link", name="Print the whole case").click()
    has_title(page, "Case COURT-01: the whole case to print")
    expect(page.locator("body")).to_contain_text(
        "Does assessment sufficiently analyse how to support the child"
    )
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    expect(page.locator(".govuk-back-link")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    assert page.pdf()[:4] == b"%PDF"  # Chromium prints it


@pytest.mark.parametrize("javascript", [True, False])
def test_a_returned_case_is_flagged_on_the_home_page_with_the_reason(new_page, team, court_case, javascript):
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    services.case_return(
        inspection=team["inspection"],
        case_id=court_case.pk,
        user=team["lead"],
        reason="Say more about 2.3.1.",
    )
    page = open_page(new_page, javascript)
    sign_in(page, team["inspector"])
    banner = page.locator("#returned-cases-title").locator("xpath=../..")
    expect(banner).to_contain_text("Case COURT-01")
    expect(banner).to_contain_text("Say more about 2.3.1.")
    assert axe_violations(page) == []
    banner.get_by_role("link", name="Case COURT-01").click()
    page.get_by_role("link", name=re.compile("^2.3 ")).click()
    expect(page.locator("body")).to_contain_text("Say more about 2.3.1.")
    assert axe_violations(page) == []


@pytest.mark.parametrize("javascript", [True, False])
def test_find_a_case_on_a_phone(new_page, team, court_case, out_of_court_case, javascript):
    page = open_page(new_page, javascript)
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, team["lead"])
    page.goto(f"/inspections/{team['inspection'].reference}/progress/")
    expect(page.locator("#cases-shown")).to_have_text("Showing 2 of 2 cases.")
    page.get_by_label("Category").select_option("out_of_court")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#cases-shown")).to_have_text("Showing 1 of 2 cases (filtered).")
    page.locator("a.app-sort-link").first.click()  # the "Case" column
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Case")
    # No table makes the page wider than the phone: wide tables scroll in their own container.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []

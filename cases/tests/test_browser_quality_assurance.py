"""Quality assurance in a real browser, with and without JavaScript: the lead finds a case in the queue from
the home page, filters it, comments on a key question, is refused approval while the comment is open and
returns the case; the inspector sees the comment on the task list and beside the key question, answers it and
submits again; the lead sees what changed since the return and approves. axe on every page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.factories import answer_whole_case
from cases.models import Case, CaseStatus
from cases.tests.test_services import save_kq
from conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def case_url(case, path=""):
    return f"/inspections/{case.inspection.reference}/cases/{case.pk}/{path}"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_comment_blocks_approval_until_answered_and_the_rereview_shows_what_changed(
    new_page, team, court_case, javascript
):
    def accessible(page):
        """axe runs in the page, so only with JavaScript (the same pages, the same markup, run both ways)."""
        if javascript:
            assert axe_violations(page) == []

    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    Case.objects.filter(pk=court_case.pk).update(submitted_at=timezone.now())
    reference = team["inspection"].reference

    lead = new_page(javascript=javascript)
    sign_in(lead, team["lead"])
    accessible(lead)
    lead.get_by_role("link", name=f"1 case on {reference}").click()
    expect(lead).to_have_title("Quality assurance: cases waiting for review – Inspect youth justice services")
    accessible(lead)
    lead.get_by_label("Inspector").select_option(label="Ines Pector (1)")
    lead.get_by_label("Category").select_option(label="Court disposal (1)")
    lead.get_by_role("button", name="Apply the filters").click()
    expect(lead.locator("#qa-count")).to_have_text("Showing 1 of 1 case waiting")
    accessible(lead)
    lead.get_by_role("link", name="Review case COURT-01").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Quality assurance of case COURT-01")
    # The wording of key questions and prompts, not only their codes.
    expect(lead.locator("#kq-2-1-1")).to_contain_text("Is there sufficient analysis of offending behaviour")
    accessible(lead)

    lead.get_by_role("link", name="Comment on key question 2.1.1").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Comment on key question 2.1.1")
    # The limit is said on the page; with JavaScript, GOV.UK's character count counts down as one types.
    expect(lead.locator(".govuk-character-count")).to_contain_text("You can enter up to 1000 characters")
    if javascript:
        expect(lead.locator(".govuk-character-count__status")).to_contain_text("characters remaining")
    accessible(lead)
    lead.get_by_label("Your comment on key question 2.1.1").fill("Which records support the yes?")
    lead.get_by_role("button", name="Add the comment").click()
    expect(lead.locator(".govuk-notification-banner")).to_contain_text("Your comment on key question 2.1.1")
    expect(lead.locator("#kq-2-1-1")).to_contain_text("Which records support the yes?")
    accessible(lead)

    lead.get_by_label("Approve the case").check()
    lead.get_by_role("button", name="Record your decision").click()
    expect(lead.locator(".govuk-error-summary")).to_contain_text(
        "You cannot approve this case while 1 comment is unanswered (on key question 2.1.1)."
    )
    accessible(lead)
    assert Case.objects.get(pk=court_case.pk).status == CaseStatus.SUBMITTED
    lead.get_by_label("Return it to the inspector").check()
    lead.get_by_label("If you return it: what does the inspector need to change?").fill(
        "See the comment on 2.1.1."
    )
    lead.get_by_role("button", name="Record your decision").click()
    expect(lead.locator(".govuk-notification-banner")).to_contain_text("returned to the inspector")

    inspector = new_page(javascript=javascript)
    sign_in(inspector, team["inspector"], next_url=case_url(court_case))
    task_comment = inspector.get_by_role("link", name="Key question 2.1.1: comment from")
    expect(task_comment).to_be_visible()
    expect(
        inspector.locator("#comment-1-status, [id$='-status']").filter(has_text="Not answered").first
    ).to_be_visible()
    accessible(inspector)
    task_comment.click()
    comment_box = inspector.locator("#kq-2-1-1-comments")
    expect(comment_box).to_contain_text("Which records support the yes?")
    expect(comment_box).to_contain_text("Not answered")
    accessible(inspector)
    comment_box.get_by_role("link", name="Answer the comment on key question 2.1.1").click()
    expect(inspector.get_by_role("heading", level=1)).to_have_text("Answer the comment on key question 2.1.1")
    accessible(inspector)
    inspector.get_by_label("Your answer").fill("The police report; and I now judge it no.")
    inspector.get_by_role("button", name="Save your answer").click()
    expect(inspector.locator("#kq-2-1-1-comments")).to_contain_text("Answered")
    expect(inspector.locator("#kq-2-1-1-comments")).to_contain_text(
        "The police report; and I now judge it no."
    )
    # The judgement changed too (as autosave or the page's Save would save it).
    save_kq(
        court_case, team["inspector"], "2.1.1", value="no", rationale="The plan missed the school's records."
    )
    inspector.goto(case_url(court_case, "check/"))
    accessible(inspector)
    inspector.get_by_role("button", name="Submit for quality assurance").click()
    expect(inspector.locator(".govuk-notification-banner")).to_contain_text("submitted for quality assurance")

    lead.goto(case_url(court_case, "review/"))
    changes = lead.locator("table").filter(has_text="When returned")
    expect(changes.locator("tr").filter(has_text="Key question 2.1.1: judgement")).to_contain_text("Yes No")
    expect(changes.locator("tr").filter(has_text="Key question 2.1.1: rationale")).to_contain_text(
        "Rationale for 2.1.1. The plan missed the school's records."
    )
    expect(lead.locator("#kq-2-1-1")).to_contain_text("When returned: Yes")
    accessible(lead)
    lead.get_by_label("Approve the case").check()
    lead.get_by_role("button", name="Record your decision").click()
    expect(lead.locator(".govuk-notification-banner")).to_contain_text("has been approved")
    assert Case.objects.get(pk=court_case.pk).status == CaseStatus.APPROVED

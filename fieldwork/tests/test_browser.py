"""The joint fieldwork week in a real browser: the case's inspector refers it from the case page, the colleague
inspector records the finding from their queue and logs a meeting, with the keyboard alone, every page axe
clean; and the same without JavaScript."""

import datetime

import pytest
from django.utils import timezone

from conftest import axe_violations, sign_in
from fieldwork.models import Meeting, Referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press(page, key: str) -> None:
    """Presses a key that leads to another page, and waits for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def activate(page, role: str, name: str) -> None:
    """Moves the keyboard focus to a link or button, and presses Enter on it."""
    page.get_by_role(role, name=name).focus()
    press(page, "Enter")


def focused(page) -> str:
    return page.evaluate("(el => (el.value || el.textContent).trim())(document.activeElement)")


def test_refer_record_the_finding_and_log_a_meeting_with_the_keyboard(new_page, team, case):
    reference = team["inspection"].reference
    inspector = new_page()
    sign_in(inspector, team["inspector"], next_url=f"/inspections/{reference}/cases/{case.pk}/")
    assert axe_violations(inspector) == []
    activate(inspector, "link", "Refer for the second fieldwork week")
    assert axe_violations(inspector) == []
    activate(inspector, "button", "Refer the case")
    assert inspector.title().startswith("Error: Refer for the second fieldwork week")
    assert len(inspector.locator(".govuk-error-summary__list li").all()) == 3
    assert axe_violations(inspector) == []

    inspector.get_by_label("Police").focus()
    inspector.keyboard.press("Space")
    inspector.keyboard.press("ArrowDown")  # Health
    inspector.keyboard.press("Tab")
    inspector.keyboard.type("Did CAMHS see the child after the assessment?")
    inspector.keyboard.press("Tab")
    inspector.keyboard.press("C")  # the select moves to "Cole League"
    inspector.keyboard.press("Tab")
    assert focused(inspector) == "Refer the case"
    press(inspector, "Enter")
    assert "referred to health (referral 1), for Cole League" in inspector.locator("main").inner_text()
    assert axe_violations(inspector) == []
    assert Referral.objects.get().assigned_to == team["colleague"]

    colleague = new_page()
    sign_in(colleague, team["colleague"], next_url=f"/inspections/{reference}/")
    assert "1 waiting for you" in colleague.locator("#fieldwork-panel-counts").inner_text()
    assert axe_violations(colleague) == []
    activate(colleague, "link", "Referrals")
    assert axe_violations(colleague) == []
    activate(colleague, "link", "Record the finding of referral 1")
    assert axe_violations(colleague) == []
    colleague.get_by_label("What did you find?").focus()
    colleague.keyboard.type("CAMHS saw the child twice; the plan did not say so.")
    colleague.keyboard.press("Tab")
    colleague.keyboard.press("2")  # the select moves to the first standard, 2.1
    colleague.keyboard.press("Tab")
    assert focused(colleague) == "Record the finding"
    press(colleague, "Enter")
    assert (
        "The finding of referral 1 is recorded."
        in colleague.locator(".govuk-notification-banner").inner_text()
    )
    assert "0 waiting for a finding" in colleague.locator("#referral-counts").inner_text()
    assert axe_violations(colleague) == []
    done = Referral.objects.get()
    assert done.is_done and done.standard.code == "2.1"

    activate(colleague, "link", "Back to the inspection")
    activate(colleague, "link", "Meetings log")
    assert axe_violations(colleague) == []
    activate(colleague, "link", "Log a meeting")
    assert axe_violations(colleague) == []
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    colleague.get_by_label("Day").focus()
    for text in (
        str(yesterday.day),
        str(yesterday.month),
        str(yesterday.year),
        "Named nurse, YJS health team",
    ):
        colleague.keyboard.type(text)
        colleague.keyboard.press("Tab")
    colleague.keyboard.press("ArrowDown")  # from the first partner to Police
    colleague.keyboard.press("ArrowDown")  # Health
    colleague.keyboard.press("Tab")
    colleague.keyboard.type("Health offer and CAMHS waiting times.")
    colleague.keyboard.press("Tab")
    assert focused(colleague) == "Log the meeting"
    press(colleague, "Enter")
    assert colleague.locator("#meeting-count").inner_text() == "1 meeting logged."
    assert axe_violations(colleague) == []
    meeting = Meeting.objects.get()
    assert (meeting.partner, meeting.held_on, meeting.logged_by) == ("health", yesterday, team["colleague"])

    # The finding shows on the case page, against the case and its standard.
    inspector.goto(f"/inspections/{reference}/cases/{case.pk}/")
    card = inspector.locator("#referral-1").inner_text()
    assert "CAMHS saw the child twice" in card and "2.1" in card


def test_referring_recording_and_logging_work_without_javascript(new_page, team, case):
    reference = team["inspection"].reference
    inspector = new_page(javascript=False)
    sign_in(inspector, team["inspector"], next_url=f"/inspections/{reference}/cases/{case.pk}/refer/")
    inspector.get_by_label("Education").check()
    inspector.get_by_label("What should they follow up?").fill("Was the school told?")
    inspector.get_by_label("Who on the team will follow it up?").select_option(label="Cole League")
    with inspector.expect_navigation():
        inspector.get_by_role("button", name="Refer the case").click()
    assert "Referral 1: Education" in inspector.locator("main").inner_text()

    colleague = new_page(javascript=False)
    sign_in(colleague, team["colleague"], next_url=f"/inspections/{reference}/referrals/1/finding/")
    colleague.get_by_label("What did you find?").fill("The school was told late.")
    with colleague.expect_navigation():
        colleague.get_by_role("button", name="Record the finding").click()
    assert Referral.objects.get().finding == "The school was told late."

    colleague.goto(f"/inspections/{reference}/meetings/new/")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    colleague.get_by_label("Day").fill(str(yesterday.day))
    colleague.get_by_label("Month").fill(str(yesterday.month))
    colleague.get_by_label("Year").fill(str(yesterday.year))
    colleague.get_by_label("Who was it with?").fill("Head of the police youth team")
    colleague.get_by_label("Police").check()
    with colleague.expect_navigation():
        colleague.get_by_role("button", name="Log the meeting").click()
    assert colleague.locator("#meeting-count").inner_text() == "1 meeting logged."

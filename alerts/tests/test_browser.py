"""Alerts in a real browser: an inspector raises one from a case's page and the lead resolves it from the
register, with the keyboard alone, every page axe clean; and the same without JavaScript."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from alerts.models import Alert, AlertStatus
from conftest import axe_violations, sign_in

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
    """What the focused control says: a button's text, or a field's value."""
    return page.evaluate("(el => (el.value || el.textContent).trim())(document.activeElement)")


def type_after_tab(page, text: str) -> None:
    page.keyboard.press("Tab")
    page.keyboard.type(text)


def test_an_inspector_raises_an_alert_and_the_lead_resolves_it_with_the_keyboard(new_page, team, case):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    inspector = new_page()
    sign_in(
        inspector, team["inspector"], next_url=f"/inspections/{case.inspection.reference}/cases/{case.pk}/"
    )
    assert "No alert has been raised on this case." in inspector.locator("main").inner_text()
    assert axe_violations(inspector) == []

    activate(inspector, "link", "Raise an alert")
    assert inspector.get_by_role("heading", level=1).inner_text() == "Raise an alert"
    assert axe_violations(inspector) == []
    activate(inspector, "button", "Raise the alert")
    assert inspector.title().startswith("Error: Raise an alert")
    assert len(inspector.locator(".govuk-error-summary__list li").all()) == 7
    assert axe_violations(inspector) == []

    # The concern's radios are one stop: Space chooses the first, the arrow key the next.
    inspector.get_by_label("The child's safety and wellbeing").focus()
    inspector.keyboard.press("Space")
    inspector.keyboard.press("ArrowDown")
    type_after_tab(inspector, "The child has threatened a named classmate; the school has not been told.")
    type_after_tab(inspector, "Tell the school and review the risk management plan today.")
    type_after_tab(inspector, "Sam Manager")
    type_after_tab(inspector, "Head of service")
    inspector.keyboard.press("Tab")
    inspector.keyboard.press("Space")  # In person
    type_after_tab(inspector, str(yesterday.day))
    type_after_tab(inspector, str(yesterday.month))
    type_after_tab(inspector, str(yesterday.year))
    type_after_tab(inspector, "09:15")
    inspector.keyboard.press("Tab")
    assert focused(inspector) == "Raise the alert"
    press(inspector, "Enter")

    assert inspector.get_by_role("heading", level=1).inner_text() == f"Alert 1 on case {case.reference}"
    assert "The lead inspector has been emailed." in inspector.locator("main").inner_text()
    assert axe_violations(inspector) == []
    alert = Alert.objects.get()
    assert alert.concern == "harm_to_others" and alert.notified_how == "in_person"
    assert timezone.localtime(alert.notified_at) == timezone.make_aware(
        datetime.datetime.combine(yesterday, datetime.time(9, 15))
    )
    assert [email.to for email in mail.outbox] == [[team["lead"].email]]

    lead = new_page()
    sign_in(lead, team["lead"], next_url=f"/inspections/{case.inspection.reference}/")
    assert "1 open" in lead.locator("#alerts-panel-counts").inner_text()
    assert axe_violations(lead) == []
    activate(lead, "link", "Alert register")
    assert lead.locator("#alert-counts").inner_text() == "1 open, 0 resolved"
    assert axe_violations(lead) == []
    activate(lead, "link", "Alert 1")
    activate(lead, "link", "Record the service's confirmation")
    assert "has no account here" in lead.locator(".govuk-inset-text").inner_text()
    assert axe_violations(lead) == []
    lead.get_by_label("What has the service done?").focus()
    lead.keyboard.type("The school was told the same day and the plan was reviewed with the police.")
    lead.keyboard.press("Tab")
    assert focused(lead) == "Sam Manager"  # offered: the person told
    lead.keyboard.press("Tab")
    assert focused(lead) == "Record the confirmation and resolve the alert"
    press(lead, "Enter")

    assert lead.locator("#alert-counts").inner_text() == "0 open, 1 resolved"
    assert "Alert 1 is resolved." in lead.locator(".govuk-notification-banner").inner_text()
    assert axe_violations(lead) == []
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.resolved_by == team["lead"]
    assert alert.confirmed_by_name == "Sam Manager"


def test_raising_and_resolving_work_without_javascript(new_page, team, case):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    inspector = new_page(javascript=False)
    sign_in(
        inspector, team["inspector"], next_url=f"/inspections/{case.inspection.reference}/cases/{case.pk}/"
    )
    with inspector.expect_navigation():
        inspector.get_by_role("link", name="Raise an alert").click()
    inspector.get_by_label("The child's safety and wellbeing").check()
    inspector.get_by_label("What did you find?").fill("No safety plan after the child disclosed threats.")
    inspector.get_by_label("What did you ask the service to do?").fill("Make a safety plan today.")
    inspector.get_by_label("Name", exact=True).fill("Sam Manager")
    inspector.get_by_label("Role", exact=True).fill("Head of service")
    inspector.get_by_label("By telephone").check()
    inspector.get_by_label("Day").fill(str(yesterday.day))
    inspector.get_by_label("Month").fill(str(yesterday.month))
    inspector.get_by_label("Year").fill(str(yesterday.year))
    inspector.get_by_label("Time").fill("16:40")
    with inspector.expect_navigation():
        inspector.get_by_role("button", name="Raise the alert").click()
    assert inspector.get_by_role("heading", level=1).inner_text() == f"Alert 1 on case {case.reference}"

    lead = new_page(javascript=False)
    sign_in(lead, team["lead"], next_url=f"/inspections/{case.inspection.reference}/alerts/1/resolve/")
    lead.get_by_label("What has the service done?").fill("A safety plan was made with the child.")
    lead.get_by_label("Name of the person at the service who confirmed it").fill("Jo Deputy")
    with lead.expect_navigation():
        lead.get_by_role("button", name="Record the confirmation and resolve the alert").click()
    assert lead.locator("#alert-counts").inner_text() == "0 open, 1 resolved"
    alert = Alert.objects.get()
    assert alert.status == AlertStatus.RESOLVED and alert.confirmed_by_name == "Jo Deputy"

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.test_security_browser import SHOTS, watch_csp
from conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrators_read_and_filter_the_security_events(page, administrator, inspector):
    complaints = watch_csp(page)
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(inspector.email)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    sign_in(page, administrator)

    page.get_by_role("link", name="Security events").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Security events"
    table = page.get_by_role("table")
    assert (
        "Sign-in failed" in table.inner_text()
        and f"Email address entered: {inspector.email}" in table.inner_text()
    )
    assert axe_violations(page) == []
    page.screenshot(path=f"{SHOTS}/security-events.png", full_page=True)

    page.get_by_text("Filter the events").click()
    page.get_by_label("What happened").select_option(label="Signed in")
    page.get_by_role("group", name="From").get_by_label("Year").fill("20x")
    page.get_by_role("button", name="Show events").click()
    expect(page).to_have_title(re.compile("^" + re.escape("Error: Security events")))
    assert axe_violations(page) == []
    page.screenshot(path=f"{SHOTS}/security-events-error.png", full_page=True)

    page.get_by_role("group", name="From").get_by_label("Year").fill("")
    page.get_by_role("group", name="From").get_by_label("Day").fill("")
    page.get_by_role("button", name="Show events").click()
    assert "Sign-in failed" not in page.get_by_role("table").inner_text()
    assert "Signed in" in page.get_by_role("table").inner_text()
    assert complaints == []

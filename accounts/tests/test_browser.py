import re

import pytest
from playwright.sync_api import expect

from accounts.management.commands.create_demo_data import DEMO_USERS
from conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("email", "role"), [(email, role) for email, _f, _l, role in DEMO_USERS])
def test_each_demo_role_signs_in_lands_home_and_signs_out(page, make_user, email, role):
    user = make_user(role, email=email)
    page.goto("/")
    expect(page).to_have_title("Sign in – Inspect youth justice services")
    assert axe_violations(page) == []
    sign_in(page, user)
    expect(page).to_have_title("Your inspections – Inspect youth justice services")
    assert page.locator(".govuk-caption-l").inner_text() == role.label
    nav = page.get_by_role("navigation", name="Menu")
    assert nav.get_by_role("link", name="Administration").count() == (1 if role == "administrator" else 0)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You have signed out"
    assert axe_violations(page) == []


def test_a_failed_sign_in_is_announced_and_focusable(page, inspector):
    page.goto("/accounts/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile("^" + re.escape("Error: ")))
    summary = page.locator(".govuk-error-summary")
    assert "Enter your email address" in summary.inner_text()
    summary.get_by_role("link", name="Enter your email address").click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert axe_violations(page) == []


def test_keyboard_only_sign_in_and_skip_link(page, inspector):
    page.goto("/accounts/sign-in/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    page.get_by_label("Email address").focus()
    page.keyboard.type(inspector.email)
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery-staple")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Your inspections"


def test_pages_work_without_javascript(new_page, inspector):
    page = new_page(javascript=False)
    sign_in(page, inspector)
    assert page.get_by_role("heading", level=1).inner_text() == "Your inspections"


def test_accessibility_statement_has_no_serious_violations(page):
    page.goto("/accessibility/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Accessibility statement")
    assert axe_violations(page) == []

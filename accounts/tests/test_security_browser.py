"""The sign-in security pages in a real browser, under the Content-Security-Policy: no violations, no
serious accessibility problems, keyboard and no-JavaScript use."""

import re
import time
from base64 import b32decode

import pytest
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.models import Role, TwoFactorRequirement
from conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "var/screenshots"


def watch_csp(page) -> list[str]:
    """Collects the browser's Content-Security-Policy complaints (a blocked script, style or frame)."""
    complaints = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return complaints


def code_for(key: bytes, steps_ahead: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_a_required_two_factor_set_up_then_sign_in_with_a_code(page, make_user, framework):
    TwoFactorRequirement.objects.create(role=Role.INSPECTOR)
    user = make_user(Role.INSPECTOR)
    complaints = watch_csp(page)
    sign_in(page, user)
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor authentication"
    assert page.get_by_role("img", name="Scan this QR code with your authenticator app.").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=f"{SHOTS}/two-factor-set-up.png", full_page=True)

    page.get_by_text("I cannot scan the QR code").click()
    key = b32decode(page.locator("#manual-key").inner_text().replace(" ", ""))
    page.get_by_label("Code from your authenticator app").fill("123")
    page.get_by_role("button", name="Set up two-factor authentication").click()
    expect(page).to_have_title(re.compile("^" + re.escape("Error: ")))
    assert "The code must be 6 digits" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Code from your authenticator app").fill(code_for(key))
    page.get_by_role("button", name="Set up two-factor authentication").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your inspections"
    assert "Two-factor authentication is set up" in page.locator(".govuk-notification-banner").inner_text()

    page.get_by_role("link", name="Your account").click()
    assert page.locator(".govuk-tag", has_text="On").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=f"{SHOTS}/your-account.png", full_page=True)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, user)
    assert page.get_by_role("heading", level=1).inner_text() == "Enter the code from your authenticator app"
    assert axe_violations(page) == []
    page.screenshot(path=f"{SHOTS}/two-factor-code.png", full_page=True)
    # Keyboard only.
    page.get_by_label("Code from your authenticator app").focus()
    page.keyboard.type(code_for(key, 1))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Your inspections"
    assert complaints == []


def test_password_reset_pages_without_javascript(new_page, make_user, live_server):
    user = make_user(Role.LEAD_INSPECTOR)
    page = new_page(javascript=False)
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="I have forgotten my password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Reset your password"
    page.get_by_label("Email address").fill(user.email)
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"

    link = re.search(r"http://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    page.get_by_label("New password", exact=True).fill("a-much-longer-new-passphrase")
    page.get_by_label("Confirm new password").fill("a-much-longer-new-passphrase")
    page.get_by_role("button", name="Save the new password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your password has been reset"
    sign_in(page, user, password="a-much-longer-new-passphrase")
    assert page.get_by_role("heading", level=1).inner_text() == "Your inspections"


@pytest.mark.parametrize(
    ("path", "heading", "shot"),
    [
        ("/accounts/password-reset/", "Reset your password", "password-reset"),
        ("/accounts/password-reset/sent/", "Check your email", None),
        ("/accounts/password-reset/MQ/set-password/", "This link has expired", None),
        ("/accounts/password-reset/done/", "Your password has been reset", None),
    ],
)
def test_password_reset_pages_are_accessible(page, db, path, heading, shot):
    complaints = watch_csp(page)
    page.goto(path)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert axe_violations(page) == []
    assert complaints == []
    if shot:
        page.screenshot(path=f"{SHOTS}/{shot}.png", full_page=True)


def test_the_lockout_page(page, inspector):
    complaints = watch_csp(page)
    for _ in range(6):
        page.goto("/accounts/sign-in/")
        page.get_by_label("Email address").fill(inspector.email)
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Too many failed sign-in attempts"
    assert page.get_by_role("link", name="reset your password").is_visible()
    assert axe_violations(page) == []
    assert complaints == []
    page.screenshot(path=f"{SHOTS}/locked-out.png", full_page=True)


def test_the_administration_pages_work_under_the_policy(page, administrator):
    complaints = watch_csp(page)
    sign_in(page, administrator, next_url="/admin/accounts/user/")
    assert page.get_by_role("link", name=administrator.email).count() >= 1
    page.goto(f"/admin/accounts/user/{administrator.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert complaints == []

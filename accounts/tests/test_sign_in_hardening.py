"""Issue 13 item 15: turning two-factor authentication off, or replacing the app, needs the password and a
code from the current app; failed sign-ins are also counted per address across accounts."""

import re
from base64 import b32decode

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.test_two_factor import code_for, set_up, sign_in
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in_with_app(client, inspector):
    """An inspector with an app, signed in with the password and a code."""
    client.force_login(inspector)
    key = set_up(client)
    client.post("/accounts/sign-out/")
    sign_in(client, inspector)
    assert client.post("/accounts/two-factor/code/", {"code": code_for(key, 1)}).status_code == 302
    return key


def test_turning_it_off_needs_the_password_and_a_current_code(client, inspector, signed_in_with_app):
    key = signed_in_with_app
    response = client.post("/accounts/two-factor/turn-off/", {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter your password" in html and "Enter the 6-digit code" in html
    response = client.post("/accounts/two-factor/turn-off/", {"password": "wrong", "code": code_for(key, 2)})
    assert "Your password is not correct" in response.content.decode()
    assert TOTPDevice.objects.filter(user=inspector).exists()
    TOTPDevice.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)
    response = client.post("/accounts/two-factor/turn-off/", {"password": PASSWORD, "code": "000000"})
    assert "The code is not correct" in response.content.decode()
    assert TOTPDevice.objects.filter(user=inspector).exists()
    TOTPDevice.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)
    response = client.post(
        "/accounts/two-factor/turn-off/", {"password": PASSWORD, "code": code_for(key, 3)}, follow=True
    )
    assert "Two-factor authentication is turned off" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=inspector).exists()


def test_replacing_the_app_needs_the_password_and_a_code_from_the_current_app(
    client, inspector, signed_in_with_app
):
    old_key = signed_in_with_app
    old_device = TOTPDevice.objects.get(user=inspector).pk
    html = client.get("/accounts/two-factor/set-up/").content.decode()
    new_key = b32decode(re.search(r'id="manual-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", ""))
    assert "Code from your current app" in html and "Your password" in html
    # Only the new app's code: refused.
    html = client.post("/accounts/two-factor/set-up/", {"code": code_for(new_key)}).content.decode()
    assert "Enter your password" in html
    assert TOTPDevice.objects.get(user=inspector).pk == old_device
    response = client.post(
        "/accounts/two-factor/set-up/",
        {"code": code_for(new_key), "password": PASSWORD, "current_code": code_for(old_key, 2)},
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=inspector).pk != old_device


def test_one_address_cannot_try_passwords_against_every_account(make_user):
    accounts = [make_user("inspector") for _ in range(8)]
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    tries = 0
    for account in accounts:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):  # under the per-account limit each time
            attacker.post("/accounts/sign-in/", {"username": account.email, "password": "wrong"})
            tries += 1
    assert tries > settings.AXES_ADDRESS_FAILURE_LIMIT
    # The address is paused, even with a right password for an account it never tried...
    fresh = make_user("inspector")
    response = attacker.post("/accounts/sign-in/", {"username": fresh.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "try again" in response.content.decode().lower()
    # ...while other addresses are not.
    other = Client(REMOTE_ADDR="203.0.113.5")
    assert (
        other.post("/accounts/sign-in/", {"username": fresh.email, "password": PASSWORD}).status_code == 302
    )

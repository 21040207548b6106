"""Two-factor authentication with an authenticator app (TOTP), optional or required per role."""

import re
import time
from base64 import b32decode, b32encode
from binascii import unhexlify

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, TwoFactorRequirement
from audit.models import EventKind, SecurityEvent
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(key: bytes, steps_ahead: int = 0) -> str:
    """The code an authenticator app would show; a step ahead gives one not used yet (each works once)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(client, user):
    return client.post("/accounts/sign-in/", {"username": user.email, "password": PASSWORD}, follow=True)


def set_up(client) -> bytes:
    """Goes through the set-up page as a person would with their phone; returns the secret key."""
    html = client.get("/accounts/two-factor/set-up/").content.decode()
    manual_key = re.search(r'id="manual-key">([A-Z2-7 ]+)<', html).group(1)
    key = b32decode(manual_key.replace(" ", ""))
    response = client.post("/accounts/two-factor/set-up/", {"code": code_for(key)})
    assert response.status_code == 302, response.content.decode()
    return key


@pytest.fixture
def with_app(client, inspector):
    """An inspector who has set up an authenticator app, then signed out."""
    client.force_login(inspector)
    key = set_up(client)
    client.post("/accounts/sign-out/")
    return key


def test_setting_up_shows_a_qr_code_and_the_key_and_needs_a_right_code(client, inspector):
    client.force_login(inspector)
    html = client.get("/accounts/two-factor/set-up/").content.decode()
    assert '<svg class="app-qr-code" role="img" aria-labelledby="qr-code-label"' in html
    assert re.search(r'id="manual-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}<', html)

    html = client.post("/accounts/two-factor/set-up/", {"code": "12 34 5"}).content.decode()
    assert "The code must be 6 digits, like 123456" in html
    html = client.post("/accounts/two-factor/set-up/", {"code": "000000"}).content.decode()
    assert "<title>Error: Set up two-factor authentication" in html
    assert "The code is not correct" in html
    assert not TOTPDevice.objects.exists()

    set_up(client)
    device = TOTPDevice.objects.get(user=inspector)
    assert device.confirmed
    assert SecurityEvent.objects.filter(kind=EventKind.TWO_FACTOR_SET_UP, user=inspector).exists()
    assert "Two-factor authentication is set up" in client.get("/accounts/your-account/").content.decode()


def test_signing_in_asks_for_the_code_before_any_page(client, inspector, with_app):
    response = sign_in(client, inspector)
    assert response.redirect_chain[-1][0] == "/accounts/two-factor/code/?next=%2F"
    assert client.get("/accounts/your-account/")["Location"].startswith("/accounts/two-factor/code/")
    assert client.get("/admin/").status_code == 302
    # Only the password: not enough to replace the app that guards the account.
    assert client.get("/accounts/two-factor/set-up/")["Location"].startswith("/accounts/two-factor/code/")

    html = client.post("/accounts/two-factor/code/?next=/", {"code": "000000"}).content.decode()
    assert "The code is not correct" in html
    assert SecurityEvent.objects.filter(kind=EventKind.TWO_FACTOR_FAILED, user=inspector).count() == 1
    # Wrong codes slow the next tries down, whatever the code.
    html = client.post("/accounts/two-factor/code/?next=/", {"code": code_for(with_app, 1)}).content.decode()
    assert "You have entered a wrong code 1 times. Wait" in html

    TOTPDevice.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)
    response = client.post(
        "/accounts/two-factor/code/?next=/accounts/your-account/", {"code": code_for(with_app, 1)}
    )
    assert response["Location"] == "/accounts/your-account/"
    assert client.get("/").status_code == 200


def test_a_code_works_once(client, inspector, with_app):
    sign_in(client, inspector)
    code = code_for(with_app, 1)
    assert client.post("/accounts/two-factor/code/", {"code": code}).status_code == 302
    client.post("/accounts/sign-out/")
    sign_in(client, inspector)
    assert (
        "The code is not correct"
        in client.post("/accounts/two-factor/code/", {"code": code}).content.decode()
    )


def test_a_role_that_requires_it_must_set_it_up_before_anything_else(client, inspector, lead_inspector):
    TwoFactorRequirement.objects.create(role=Role.INSPECTOR)
    response = sign_in(client, inspector)
    assert response.redirect_chain[-1][0] == "/accounts/two-factor/set-up/?next=%2F"
    assert "Your role requires two-factor authentication" in response.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/two-factor/set-up/")
    set_up(client)
    assert client.get("/").status_code == 200

    # It cannot be turned off, only replaced.
    response = client.post("/accounts/two-factor/turn-off/")
    assert response.status_code == 403
    assert "Your role requires two-factor authentication" in response.content.decode()
    assert TOTPDevice.objects.filter(user=inspector).exists()

    # Other roles are not asked.
    client.post("/accounts/sign-out/")
    assert sign_in(client, lead_inspector).redirect_chain[-1][0] == "/"


def test_it_can_be_turned_off_when_not_required(client, inspector, with_app):
    sign_in(client, inspector)
    client.post("/accounts/two-factor/code/", {"code": code_for(with_app, 1)})
    assert "Turn off two-factor authentication" in client.get("/accounts/your-account/").content.decode()
    response = client.post(
        "/accounts/two-factor/turn-off/", {"password": PASSWORD, "code": code_for(with_app, 2)}, follow=True
    )
    assert "Two-factor authentication is turned off" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=inspector).exists()
    assert SecurityEvent.objects.filter(kind=EventKind.TWO_FACTOR_TURNED_OFF, user=inspector).exists()


def test_administrators_cannot_see_anyone_s_secret_key(client, administrator, inspector, with_app):
    client.force_login(administrator)
    device = TOTPDevice.objects.get(user=inspector)
    html = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert str(inspector) in html
    assert device.key not in html
    secret = b32encode(unhexlify(device.key)).decode()
    for page in ("config", "qrcode"):  # django-otp's own admin pages, which would show it
        response = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{page}/", follow=True)
        assert response["Content-Type"].startswith("text/html")
        assert device.key not in response.content.decode() and secret not in response.content.decode()
    # They can remove a lost one, so its owner can sign in with the password and set up another.
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/delete/").status_code == 200


def test_after_an_administrator_removes_a_lost_app_the_password_is_enough_again(client, inspector, with_app):
    sign_in(client, inspector)
    TOTPDevice.objects.filter(user=inspector).delete()
    assert client.get("/accounts/two-factor/code/?next=/")["Location"] == "/"
    assert client.get("/").status_code == 200

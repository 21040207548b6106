import re

import pytest
from django.conf import settings
from django.core import mail

from audit.models import EventKind, SecurityEvent
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-new-passphrase"


def ask_for_link(client, email):
    return client.post("/accounts/password-reset/", {"email": email}, follow=True)


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)


def test_a_reset_link_by_email_sets_a_new_password(client, inspector):
    response = ask_for_link(client, inspector.email.upper())
    assert response.redirect_chain[-1][0] == "/accounts/password-reset/sent/"
    assert "Check your email" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == [inspector.email]
    assert message.subject == "Reset your password for Inspect youth justice services"
    assert "It works once, for 60 minutes" in message.body

    page = client.get(link_in(message), follow=True)
    assert "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    html = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": "different"}
    ).content.decode()
    assert "<title>Error: Choose a new password" in html
    assert "The passwords do not match" in html
    html = client.post(form_url, {"new_password1": "short", "new_password2": "short"}).content.decode()
    assert "This password is too short" in html

    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Your password has been reset" in response.content.decode()
    inspector.refresh_from_db()
    assert inspector.check_password(NEW_PASSWORD)
    assert SecurityEvent.objects.filter(kind=EventKind.PASSWORD_RESET, user=inspector).exists()
    # The link worked once.
    assert "This link has expired" in client.get(link_in(message), follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = ask_for_link(client, "nobody@example.org")
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []
    event = SecurityEvent.objects.get(kind=EventKind.PASSWORD_RESET_REQUESTED)
    assert event.detail == "Link asked for nobody@example.org (no account has this address)"


def test_a_bad_address_is_explained(client, db):
    html = client.post("/accounts/password-reset/", {"email": "not an address"}).content.decode()
    assert "<title>Error: Reset your password" in html
    assert "Enter an email address in the correct format" in html


def test_the_lockout_says_how_long_and_how_to_get_back_in_and_a_reset_lifts_it(client, inspector):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/sign-in/", {"username": inspector.email, "password": "wrong"})
    response = client.post("/accounts/sign-in/", {"username": inspector.email, "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 429
    assert "paused for 15 minutes after 5 wrong passwords" in html
    assert 'href="/accounts/password-reset/"' in html

    ask_for_link(client, inspector.email)
    form_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post("/accounts/sign-in/", {"username": inspector.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_sign_in_links_to_the_reset(client, db):
    assert 'href="/accounts/password-reset/"' in client.get("/accounts/sign-in/").content.decode()

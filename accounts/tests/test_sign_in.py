import pytest
from django.conf import settings

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_page_uses_the_gov_uk_layout(client):
    response = client.get("/accounts/sign-in/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sign in – Inspect youth justice services</title>" in html
    assert 'class="govuk-skip-link"' in html
    assert "govuk-phase-banner" in html
    assert 'href="/accessibility/"' in html


def test_a_wrong_password_shows_the_error_summary_and_error_title(client, inspector):
    response = client.post("/accounts/sign-in/", {"username": inspector.email, "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in – Inspect youth justice services</title>" in html
    assert "govuk-error-summary" in html
    assert "Enter a correct email address and password" in html


def test_empty_fields_are_each_reported(client):
    html = client.post("/accounts/sign-in/", {"username": "", "password": ""}).content.decode()
    assert "Enter your email address" in html
    assert "Enter your password" in html


def test_signing_in_lands_on_your_inspections(client, lead_inspector):
    response = client.post(
        "/accounts/sign-in/", {"username": lead_inspector.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Your inspections" in response.content.decode()


def test_five_failures_lock_the_account_with_a_clear_message(client, inspector):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/sign-in/", {"username": inspector.email, "password": "wrong"})
    response = client.post("/accounts/sign-in/", {"username": inspector.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post_and_ends_the_session(client, inspector):
    client.force_login(inspector)
    assert client.get("/accounts/sign-out/").status_code == 405
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signed-out/"
    assert client.get("/").status_code == 302


def test_sessions_expire_after_inactivity():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 60 * 60


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("password123", "12345678901234", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)


def test_an_administrator_cannot_make_anyone_a_superuser(client, administrator, inspector):
    client.force_login(administrator)
    page = client.get(f"/admin/accounts/user/{inspector.pk}/change/")
    assert page.status_code == 200
    assert b'name="is_superuser"' not in page.content


def test_administrators_manage_models_but_hold_no_inspection_role(administrator, framework):
    from inspections.factories import InspectionFactory

    inspection = InspectionFactory()
    assert administrator.has_perm("accounts.change_user")
    assert administrator.has_perm("inspections.view_inspection", inspection)
    assert not administrator.has_perm("inspections.decide_ratings", inspection)
    assert not administrator.has_perm("inspections.quality_assure", inspection)

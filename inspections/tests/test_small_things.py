"""Small things that add up (issue 12): "add the service first" comes back to the half-filled form; the
team's person picker shows names with emails and can be searched without JavaScript."""

import pytest
from django.urls import reverse

from inspections.models import Inspection, Service
from inspections.tests.test_views import dates

pytestmark = pytest.mark.django_db


def test_adding_the_service_first_comes_back_to_the_half_filled_create_form(
    client, framework, lead_inspector
):
    client.force_login(lead_inspector)
    half_filled = {
        "reference": "north-2026",
        "framework": str(framework.pk),
        **dates("fieldwork_start", 5, 10, 2026),
        "partner_inspectorates": "Ofsted",
        "add_service": "1",
    }
    response = client.post(reverse("inspections:create"), half_filled)
    assert response.status_code == 302
    assert response.url == f"{reverse('inspections:service-create')}?return=inspection"
    response = client.post(
        response.url,
        {"name": "Northshire Youth Justice Service", "term": "YJS", "local_authorities": "Northshire"},
    )
    service = Service.objects.get(name="Northshire Youth Justice Service")
    assert response.status_code == 302
    assert response.url == f"{reverse('inspections:create')}?service={service.pk}"
    page = client.get(response.url).content.decode()
    assert 'value="north-2026"' in page
    assert f'<option value="{service.pk}" selected>' in page
    assert "Ofsted" in page
    assert "govuk-error-summary" not in page
    assert not Inspection.objects.exists()


def test_the_person_picker_shows_emails_and_searches_without_javascript(client, framework, make_user):
    from inspections.factories import InspectionFactory

    inspection = InspectionFactory()
    make_user("inspector", first_name="Alex", last_name="Smith", email="alex.smith@example.org")
    make_user("inspector", first_name="Alex", last_name="Smith", email="alex.smith2@example.org")
    make_user("inspector", first_name="Jo", last_name="Evans", email="jo.evans@example.org")
    client.force_login(inspection.lead_inspector)
    team_url = reverse("inspections:team", kwargs={"reference": inspection.reference})
    page = client.get(team_url).content.decode()
    assert "Alex Smith – alex.smith@example.org (inspector)" in page
    assert "Alex Smith – alex.smith2@example.org (inspector)" in page
    found = client.get(team_url, {"q": "smith2"}).content.decode()
    assert "alex.smith2@example.org" in found
    assert "alex.smith@example.org" not in found
    assert "jo.evans@example.org" not in found
    assert "1 person matches “smith2”" in found

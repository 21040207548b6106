"""A published inspection's details are shown, never offered for change: the inspection page has no "Change
the details" link and a GET of the edit form goes to the inspection page."""

import pytest
from django.urls import reverse

from conftest import changing_controls, form_fields, post_forms
from inspections.factories import InspectionFactory, publish
from inspections.models import InspectionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(framework):
    return InspectionFactory(status=InspectionStatus.REPORTING)


def test_the_details_of_a_published_inspection_cannot_be_opened_for_change(client, inspection):
    detail = reverse("inspections:detail", args=[inspection.reference])
    edit = reverse("inspections:edit", args=[inspection.reference])
    client.force_login(inspection.lead_inspector)
    assert edit in client.get(detail).content.decode()
    assert client.get(edit).status_code == 200

    publish(inspection)
    page = client.get(detail).content.decode()
    assert "Its data can no longer be changed." in page
    assert edit not in page and "Change the details" not in changing_controls(page)
    assert post_forms(page) == [] and form_fields(page) == []
    response = client.get(edit)
    assert (response.status_code, response["Location"]) == (302, detail)

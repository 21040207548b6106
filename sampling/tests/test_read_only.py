"""A published inspection's population, sample and allocation pages are read-only: what was imported, drawn
and allocated is shown, with nothing to submit and no link to a form that would be refused; a form-only
page (settings, a size, the draw, a swap) sends a GET to the sample page."""

import datetime

import pytest
from django.urls import reverse

from cases.models import Case
from conftest import changing_controls, form_fields, post_forms
from inspections.factories import InspectionFactory, TeamMembershipFactory, publish
from inspections.models import TeamRole
from sampling.factories import as_csv, population_rows
from sampling.selectors import allocation_version
from sampling.services import cases_allocate, population_import, sample_draw

pytestmark = pytest.mark.django_db


def url(name, inspection, **kwargs):
    return reverse(f"sampling:{name}", kwargs={"reference": inspection.reference, **kwargs})


@pytest.fixture
def inspection(framework, make_user):
    inspection = InspectionFactory(
        fieldwork_start=datetime.date(2021, 7, 12), fieldwork_end=datetime.date(2021, 7, 16)
    )
    rows = population_rows(inspection.fieldwork_start, court=60, out_of_court=40)
    population_import(inspection=inspection, file_name="cases.csv", content=as_csv(rows), by=None)
    sample_draw(inspection=inspection, seed=21)
    inspector = make_user("inspector", first_name="Ines", last_name="Inspector")
    TeamMembershipFactory(inspection=inspection, user=inspector, role=TeamRole.INSPECTOR)
    cases = list(Case.objects.filter(inspection=inspection).order_by("pk"))
    cases_allocate(
        inspection=inspection, allocation={cases[0].pk: inspector.pk}, version=allocation_version(cases)
    )
    return inspection


@pytest.fixture
def lead(client, inspection):
    client.force_login(inspection.lead_inspector)
    return client


def test_before_publication_the_sample_page_offers_every_change(lead, inspection):
    page = lead.get(url("sample", inspection)).content.decode()
    controls = changing_controls(page)
    for offer in (
        "Draw the sample again",
        "Change the size of the court disposal sample",
        "Change the settings",
    ):
        assert offer in controls
    assert any(control.startswith("Swap") for control in controls)
    assert post_forms(lead.get(url("allocation", inspection)).content.decode()) == [""]


def test_a_published_inspections_sampling_pages_have_nothing_to_submit(lead, inspection):
    published = publish(inspection)
    for name in ("population", "sample", "allocation"):
        response = lead.get(url(name, published))
        page = response.content.decode()
        assert response.status_code == 200, name
        assert "Its data can no longer be changed." in page, name
        assert post_forms(page) == [], name
        assert form_fields(page) == [], name
        assert changing_controls(page) == [], (name, changing_controls(page))
    allocation = lead.get(url("allocation", published)).content.decode()
    assert "Ines Inspector" in allocation and "Not allocated" in allocation  # shown as text
    suggestion = lead.get(url("allocation", published) + "?suggest=1").content.decode()
    assert "This is a suggested allocation" not in suggestion and post_forms(suggestion) == []
    population = lead.get(url("population", published)).content.decode()
    assert (
        '<dd class="govuk-summary-list__value">cases.csv</dd>' in population
        and "Import a new population" not in population
    )


def test_a_form_only_sampling_page_of_a_published_inspection_goes_to_the_sample_page(lead, inspection):
    case = Case.objects.filter(inspection=inspection).order_by("pk").last()
    published = publish(inspection)
    sample = url("sample", published)
    for address in (
        url("settings", published),
        url("size", published, category="court"),
        url("draw", published),
        url("swap", published, case_id=case.pk),
    ):
        response = lead.get(address)
        assert (response.status_code, response["Location"]) == (302, sample), address
    page = lead.get(url("draw", published), follow=True).content.decode()
    assert "Its data can no longer be changed." in page and post_forms(page) == []

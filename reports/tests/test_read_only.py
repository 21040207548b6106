"""A published inspection's report is read-only: the report's page shows what it contains, with the preview,
the PDF and the data files, and nothing to change; a GET of any page that writes the report goes to that
page. Generating and downloading files keeps working."""

import pytest
from django.urls import reverse

from conftest import changing_controls, form_fields, post_forms
from inspections.factories import publish
from reports.facts import BLOCKS
from reports.models import Addressee, CaseExample, FactSource, Finding, Recommendation, Render

from .helpers import cheshire_demo

pytestmark = pytest.mark.django_db


def url(name, inspection, **kwargs):
    return reverse(f"reports:{name}", kwargs={"reference": inspection.reference, **kwargs})


@pytest.fixture
def cheshire(framework):
    return cheshire_demo()


@pytest.fixture
def lead(client, cheshire):
    client.force_login(cheshire.lead_inspector)
    return client


def writing_pages(inspection) -> list[str]:
    """Every page that writes the report, for an inspection whose report has one of each item."""
    finding = Finding.objects.filter(report__inspection=inspection).first()
    recommendation = Recommendation.objects.filter(report__inspection=inspection).first()
    addressee = Addressee.objects.filter(report__inspection=inspection).first()
    source = FactSource.objects.filter(report__inspection=inspection).first()
    pages = [
        url("details", inspection),
        url("domain", inspection, code="2"),
        url("finding-add", inspection, code="2"),
        url("finding-edit", inspection, pk=finding.pk),
        url("recommendations", inspection),
        url("recommendation-add", inspection),
        url("recommendation-edit", inspection, pk=recommendation.pk),
        url("addressee-add", inspection),
        url("addressee-edit", inspection, pk=addressee.pk),
        url("facts", inspection),
        url("fact-block", inspection, block=BLOCKS[0].key),
        url("source-add", inspection),
        url("standard", inspection, code="2.1"),
        url("delete", inspection, kind="finding", pk=finding.pk),
    ]
    if source is not None:
        pages.append(url("source-edit", inspection, pk=source.pk))
    example = CaseExample.objects.filter(report__inspection=inspection).first()
    if example is not None:
        pages.append(url("example-edit", inspection, pk=example.pk))
    return pages


def test_before_publication_the_writing_pages_are_forms(lead, cheshire):
    for address in writing_pages(cheshire):
        response = lead.get(address)
        assert response.status_code == 200, address
    overview = lead.get(url("overview", cheshire)).content.decode()
    assert f'href="{url("details", cheshire)}"' in overview
    assert post_forms(lead.get(url("details", cheshire)).content.decode()) != []


def test_every_writing_page_of_a_published_report_goes_to_the_reports_page(lead, cheshire):
    published = publish(cheshire)
    overview = url("overview", published)
    for address in writing_pages(published):
        response = lead.get(address)
        assert (response.status_code, response["Location"]) == (302, overview), address
    page = lead.get(address, follow=True).content.decode()
    assert "Its data can no longer be changed." in page


def test_the_published_reports_page_offers_only_the_files(lead, cheshire):
    published = publish(cheshire)
    page = lead.get(url("overview", published)).content.decode()
    assert "Its data can no longer be changed." in page and "The parts of the report" in page
    assert set(post_forms(page)) == {url("render-create", published)}  # Generate PDF, CSV, XLSX
    assert changing_controls(page) == []
    assert form_fields(page) == []
    assert f'href="{url("details", published)}"' not in page
    assert f'href="{url("preview", published)}"' in page
    assert lead.get(url("preview", published)).status_code == 200
    response = lead.post(url("render-create", published), {"format": "csv"})
    assert response.status_code == 302 and Render.objects.filter(inspection=published, format="csv").exists()


def test_the_inspection_page_offers_to_read_the_published_report(lead, cheshire):
    page = lead.get(reverse("inspections:detail", args=[cheshire.reference])).content.decode()
    assert "Write the report and make its PDF" in page
    published = publish(cheshire)
    page = lead.get(reverse("inspections:detail", args=[published.reference])).content.decode()
    assert "Read the report and download its PDF" in page


def test_an_administrator_still_reaches_the_withdrawal_form(client, cheshire, administrator):
    published = publish(cheshire)
    withdraw = url("withdraw", published)
    client.force_login(administrator)
    overview = client.get(url("overview", published)).content.decode()
    assert f'href="{withdraw}"' in overview
    page = client.get(withdraw).content.decode()
    assert post_forms(page) == [""] and 'name="reason"' in page

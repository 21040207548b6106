"""Small report fixes (issue 12): the preview links back to the app, its title reads correctly, and a part of
the report shows "Completed" once it is complete."""

import re

import pytest
from django.urls import reverse

from inspections.factories import InspectionFactory, ServiceFactory
from reports import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(framework):
    return InspectionFactory(service=ServiceFactory(name="Cheshire Youth Justice Service"))


def url(name, inspection):
    return reverse(f"reports:{name}", kwargs={"reference": inspection.reference})


def test_the_preview_links_back_to_the_report_page_and_its_title_reads_correctly(client, inspection):
    client.force_login(inspection.lead_inspector)
    page = client.get(url("preview", inspection)).content.decode()
    assert f'<a href="{url("overview", inspection)}">Back to the report\'s page</a>' in page
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title.startswith("An inspection of youth offending services in Cheshire")
    assert "Youth Justice Service" not in title


def test_a_complete_part_of_the_report_shows_completed(client, inspection):
    client.force_login(inspection.lead_inspector)
    services.report_save(
        inspection=inspection,
        user=None,
        version=None,
        foreword="Our foreword.",
        signatory_name="Justin Russell",
    )
    page = re.sub(r"\s+", " ", client.get(url("overview", inspection)).content.decode())
    first = page[page.index("Cover, foreword, background and methodology") :]
    assert first[: first.index("</li>")].count("Completed") == 1
    assert "Started" not in page

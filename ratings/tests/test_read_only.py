"""A published inspection's ratings pages are read-only: the ratings, the panel's decisions and the lead
inspector's domain-one proposals are shown, with nothing to submit and no link to a form that would be
refused; a form-only page sends a GET to the page that shows the same data."""

import pytest
from django.urls import reverse

from conftest import changing_controls, form_fields, post_forms
from inspections.factories import TeamMembershipFactory, publish
from inspections.models import TeamRole
from ratings.services import inspection_import

from .documents import cheshire

pytestmark = pytest.mark.django_db


def url(name, inspection, **kwargs):
    return reverse(f"ratings:{name}", kwargs={"reference": inspection.reference, **kwargs})


@pytest.fixture
def inspection(framework, lead_inspector, panel_member):
    inspection = inspection_import(document=cheshire()).inspection
    TeamMembershipFactory(inspection=inspection, user=lead_inspector, role=TeamRole.LEAD)
    TeamMembershipFactory(inspection=inspection, user=panel_member, role=TeamRole.PANEL)
    return inspection


def pages(inspection):
    """Each ratings page with content, and who sees it."""
    return [
        ("lead", url("ratings", inspection)),
        ("lead", url("domain-one", inspection, standard="1.2")),
        ("panel", url("ratings", inspection)),
        ("panel", url("panel", inspection)),
        ("panel", url("panel-decision", inspection, standard="2.2")),
        ("panel", url("panel-decision", inspection, standard="1.2")),
    ]


def test_before_publication_the_signed_off_ratings_offer_reopening(client, inspection, panel_member):
    client.force_login(panel_member)
    page = client.get(url("panel", inspection)).content.decode()
    assert "Reopen the ratings" in changing_controls(page)
    assert client.get(url("reopen", inspection)).status_code == 200


def test_a_published_inspections_ratings_pages_have_nothing_to_submit(
    client, inspection, lead_inspector, panel_member
):
    published = publish(inspection, by=lead_inspector)
    people = {"lead": lead_inspector, "panel": panel_member}
    for who, address in pages(published):
        client.force_login(people[who])
        response = client.get(address)
        page = response.content.decode()
        assert response.status_code == 200, address
        assert "Its data can no longer be changed." in page, address
        assert post_forms(page) == [], address
        assert form_fields(page) == [], address
        assert changing_controls(page) == [], (address, changing_controls(page))
    client.force_login(panel_member)
    panel = client.get(url("panel", published)).content.decode()
    assert 'class="govuk-task-list"' in panel and "Signed off" in panel  # the decisions are still shown
    assert "Check and sign off the ratings" not in panel


@pytest.mark.parametrize(
    "who,name,kwargs,goes_to",
    [
        ("panel", "reopen", {}, "panel"),
        ("panel", "sign-off", {}, "panel"),
        ("lead", "evidence-add", {"standard": "1.2"}, "domain-one"),
    ],
)
def test_a_form_only_page_of_a_published_inspection_goes_to_the_page_that_shows_its_data(
    client, inspection, lead_inspector, panel_member, who, name, kwargs, goes_to
):
    publish(inspection, by=lead_inspector)
    client.force_login({"lead": lead_inspector, "panel": panel_member}[who])
    response = client.get(url(name, inspection, **kwargs), follow=True)
    assert response.redirect_chain == [(url(goes_to, inspection, **kwargs), 302)]
    page = response.content.decode()
    assert "Its data can no longer be changed." in page and post_forms(page) == []


def test_a_form_only_page_still_refuses_people_without_the_role(client, inspection, lead_inspector):
    publish(inspection, by=lead_inspector)
    client.force_login(lead_inspector)
    assert client.get(url("reopen", inspection)).status_code == 403

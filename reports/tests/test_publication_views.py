"""The publish and withdraw pages, and what every page shows and refuses once an inspection is published."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import EventKind, SecurityEvent
from cases.models import Case, CaseStatus
from inspections.models import Inspection, Publication
from ratings.models import PanelDecision
from reports.models import Render, Report

from .helpers import cheshire_demo

pytestmark = pytest.mark.django_db


def url(name, inspection, **kwargs):
    return reverse(name, kwargs={"reference": inspection.reference, **kwargs})


@pytest.fixture
def cheshire(framework):
    return cheshire_demo()


@pytest.fixture
def lead(client, cheshire):
    client.force_login(cheshire.lead_inspector)
    return client


def message(inspection) -> str:
    day = f"{timezone.localtime(Inspection.objects.get(pk=inspection.pk).published_at):%-d %B %Y}"
    return f"This inspection was published on {day}. Its data can no longer be changed."


@pytest.fixture
def published(lead, cheshire):
    response = lead.post(url("reports:publish", cheshire))
    assert response.status_code == 302 and response["Location"].endswith("/report/#renders")
    return cheshire


def test_the_lead_reaches_the_publish_page_from_the_report_and_is_told_what_freezing_means(lead, cheshire):
    overview = lead.get(url("reports:overview", cheshire)).content.decode()
    assert f'href="{url("reports:publish", cheshire)}"' in overview
    page = lead.get(url("reports:publish", cheshire)).content.decode()
    assert "govuk-error-summary" not in page
    assert "The inspection's data are frozen" in page and "Justin Russell" in page
    assert 'name="csrfmiddlewaretoken"' in page and "Publish the report</button>" in page


def test_publishing_freezes_the_inspection_and_every_page_says_so(lead, published, cheshire):
    inspection = Inspection.objects.get(pk=published.pk)
    assert inspection.is_published and inspection.status == "published"
    publication = Publication.objects.get(inspection=inspection)
    assert publication.published_by == cheshire.lead_inspector
    # The final PDF and the HTML edition, both from the publication's snapshot.
    assert [r.publication for r in Render.objects.filter(inspection=inspection)] == [publication] * 2
    text = message(inspection)
    for name in ("reports:overview", "inspections:detail", "ratings:ratings"):
        page = lead.get(url(name, inspection)).content.decode()
        assert text in page, name
    assert 'govuk-tag--green">Published' in lead.get(url("inspections:detail", inspection)).content.decode()
    home = lead.get(reverse("home")).content.decode()
    assert 'govuk-tag--green">Published' in home
    overview = lead.get(url("reports:overview", inspection)).content.decode()
    assert "govuk-panel--confirmation" in overview and "the foreword is signed by Justin Russell" in overview


def test_each_missing_item_is_listed_in_an_error_summary_with_a_link_to_it(lead, cheshire):
    Report.objects.filter(inspection=cheshire).update(isbn="", signatory_name="")
    page = lead.get(url("reports:publish", cheshire)).content.decode()
    assert "govuk-error-summary" in page and "Publish the report</button>" not in page
    details = url("reports:details", cheshire)
    assert f'<a href="{details}#id_isbn">Enter the report&#x27;s ISBN.</a>' in page
    assert f'<a href="{details}#id_signatory_name">Name who signs the foreword.</a>' in page
    response = lead.post(url("reports:publish", cheshire))
    assert response.status_code == 200 and "<title>Error: Publish the report" in response.content.decode()
    assert not Inspection.objects.get(pk=cheshire.pk).is_published


def test_another_team_member_cannot_publish(client, cheshire, panel_member):
    cheshire.team.create(user=panel_member, role="panel")
    client.force_login(panel_member)
    response = client.post(url("reports:publish", cheshire))
    assert response.status_code == 403
    assert "Only the lead inspector of this inspection can publish its report." in response.content.decode()
    assert not Inspection.objects.get(pk=cheshire.pk).is_published


def test_the_case_autosave_answers_403_with_the_message(lead, published):
    case = Case.objects.filter(inspection=published).first()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.IN_PROGRESS)
    response = lead.post(
        reverse("cases:autosave", kwargs={"reference": published.reference, "case_id": case.pk}),
        json.dumps({"kind": "facts", "version": case.version, "fields": {"notes": "Late note."}}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json() == {"error": "forbidden", "message": message(published)}
    assert Case.objects.get(pk=case.pk).notes == ""


def test_a_case_page_is_read_only_and_a_posted_change_is_refused_with_the_message(lead, published):
    case = Case.objects.filter(inspection=published).first()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.IN_PROGRESS)
    facts = reverse("cases:facts", kwargs={"reference": published.reference, "case_id": case.pk})
    page = lead.get(facts).content.decode()
    assert message(published) in page and "data-autosave" not in page
    response = lead.post(facts, {"notes": "Late note.", "version": case.version})
    assert response.status_code == 403 and message(published) in response.content.decode()
    assert Case.objects.get(pk=case.pk).notes == ""


def test_a_ratings_panel_form_is_refused_with_the_message(client, published, panel_member):
    published.team.create(user=panel_member, role="panel")
    client.force_login(panel_member)
    before = list(PanelDecision.objects.values())
    response = client.post(url("ratings:reopen", published), {"reason": "A late case."})
    assert response.status_code == 403 and message(published) in response.content.decode()
    assert (
        list(PanelDecision.objects.values()) == before
        and Inspection.objects.get(pk=published.pk).is_published
    )


def test_an_administrator_withdraws_the_publication_with_a_reason(client, published, administrator):
    client.force_login(administrator)
    withdraw = url("reports:withdraw", published)
    response = client.post(withdraw, {"reason": ""})
    assert (
        response.status_code == 200
        and "Say why the publication is being withdrawn" in response.content.decode()
    )
    assert Inspection.objects.get(pk=published.pk).is_published
    response = client.post(withdraw, {"reason": "The wrong ISBN was printed."})
    assert response.status_code == 302
    assert not Inspection.objects.get(pk=published.pk).is_published
    event = SecurityEvent.objects.get(kind=EventKind.PUBLICATION_WITHDRAWN)
    assert event.user == administrator and "The wrong ISBN was printed." in event.detail
    assert event.path == withdraw
    overview = client.get(url("reports:overview", published)).content.decode()
    assert "can no longer be changed" not in overview

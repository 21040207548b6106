"""Services, inspections and their teams through the pages."""

import pytest
from django.urls import reverse

from inspections.factories import InspectionFactory, ServiceFactory, TeamMembershipFactory
from inspections.models import Inspection, Service, TeamMembership, TeamRole
from inspections.services import inspection_version

pytestmark = pytest.mark.django_db


def dates(prefix, day, month, year):
    return {f"{prefix}_0": str(day), f"{prefix}_1": str(month), f"{prefix}_2": str(year)}


def inspection_form(service, framework, **changes):
    return {
        "reference": "north-2021",
        "service": str(service.pk),
        "framework": str(framework.pk),
        **dates("fieldwork_start", 12, 7, 2021),
        **dates("fieldwork_end", 16, 7, 2021),
        "partner_inspectorates": "",
        **changes,
    }


def test_a_lead_inspector_creates_an_inspection_and_leads_it(client, framework, lead_inspector):
    service = ServiceFactory()
    client.force_login(lead_inspector)
    response = client.post(reverse("inspections:create"), inspection_form(service, framework))
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert response.url == reverse("inspections:detail", kwargs={"reference": "NORTH-2021"})
    assert inspection.reference == "NORTH-2021" and inspection.lead_inspector == lead_inspector
    assert TeamMembership.objects.get(inspection=inspection).role == TeamRole.LEAD


def test_an_administrator_creates_an_inspection_for_a_lead_inspector(
    client, framework, administrator, make_user
):
    lead = make_user("lead_inspector")
    client.force_login(administrator)
    form = inspection_form(ServiceFactory(), framework, lead_inspector=str(lead.pk))
    assert client.post(reverse("inspections:create"), form).status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.lead_inspector == lead
    assert list(inspection.team.values_list("user", "role")) == [(lead.pk, TeamRole.LEAD)]


def test_an_inspector_cannot_create_an_inspection(client, framework, inspector):
    client.force_login(inspector)
    response = client.post(reverse("inspections:create"), inspection_form(ServiceFactory(), framework))
    assert response.status_code == 403
    assert "Only lead inspectors and administrators create inspections." in response.content.decode()
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reference": ""}, "Enter a reference for the inspection"),
        ({"reference": "north 2021"}, "The reference can only hold letters, numbers and hyphens"),
        ({"reference": "test-existing"}, "This reference cannot be used: choose another"),
        (dates("fieldwork_end", 1, 7, 2021), "Fieldwork must end on or after the day it starts."),
        (dates("fieldwork_start", 31, 2, 2021), "The date fieldwork starts must be a real date"),
        ({"fieldwork_start_1": ""}, "The date fieldwork starts must include a month"),
        (
            {**dates("second_period_start", 1, 9, 2021), "second_period_end_2": "2021"},
            "The date the second fieldwork period ends must include a day and a month",
        ),
        ({"partner_inspectorates": "HMICFRS"}, "Say that this is a joint inspection"),
        (
            {**dates("second_period_start", 14, 7, 2021), **dates("second_period_end", 15, 7, 2021)},
            "The second fieldwork period must start after the first one ends.",
        ),
    ],
)
def test_the_inspection_form_explains_every_mistake(client, framework, lead_inspector, changes, message):
    InspectionFactory(reference="TEST-EXISTING")
    client.force_login(lead_inspector)
    response = client.post(
        reverse("inspections:create"), inspection_form(ServiceFactory(), framework, **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Inspection.objects.count() == 1


def test_the_lead_edits_the_inspection_unless_someone_else_saved_it_first(client, framework):
    inspection = InspectionFactory()
    client.force_login(inspection.lead_inspector)
    url = reverse("inspections:edit", kwargs={"reference": inspection.reference})
    version = inspection_version(inspection)
    form = {
        **dates("fieldwork_start", 12, 7, 2021),
        **dates("fieldwork_end", 23, 7, 2021),
        "version": version,
    }
    form.update(is_joint="on", partner_inspectorates="HMICFRS\nOfsted")
    assert client.post(url, form).status_code == 302
    inspection.refresh_from_db()
    assert inspection.is_joint and inspection.partner_inspectorates == "HMICFRS\nOfsted"
    response = client.post(url, {**form, **dates("fieldwork_end", 30, 7, 2021)})
    assert "Someone else changed this inspection after you opened this page" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.fieldwork_end.day == 23


def test_the_lead_adds_people_to_the_team_once_each(client, framework, inspector):
    inspection = InspectionFactory()
    client.force_login(inspection.lead_inspector)
    url = reverse("inspections:team", kwargs={"reference": inspection.reference})
    assert client.post(url, {"user": str(inspector.pk), "role": "qa"}).status_code == 302
    assert inspection.team.get(user=inspector).role == TeamRole.QA
    response = client.post(url, {"user": str(inspector.pk), "role": "inspector"})
    assert "Select a valid choice" in response.content.decode()
    assert inspection.team.filter(user=inspector).count() == 1
    response = client.post(url, {"user": str(inspection.lead_inspector.pk), "role": "lead"})
    assert inspection.team.count() == 2 and response.status_code == 200


def test_the_lead_takes_someone_off_the_team_but_not_themselves(client, framework, inspector):
    inspection = InspectionFactory()
    member = TeamMembershipFactory(inspection=inspection, user=inspector)
    lead_membership = inspection.team.get(role=TeamRole.LEAD)
    client.force_login(inspection.lead_inspector)

    def remove(membership):
        kwargs = {"reference": inspection.reference, "pk": membership.pk}
        return client.post(reverse("inspections:team-remove", kwargs=kwargs))

    response = remove(lead_membership)
    assert "The lead inspector cannot be taken off the team." in response.content.decode()
    assert remove(member).status_code == 302
    assert list(inspection.team.values_list("role", flat=True)) == [TeamRole.LEAD]


def test_the_team_pages_of_one_inspection_do_not_reach_another(client, framework):
    inspection, other = InspectionFactory(), InspectionFactory()
    foreign = TeamMembershipFactory(inspection=other)
    client.force_login(inspection.lead_inspector)
    url = reverse("inspections:team-remove", kwargs={"reference": inspection.reference, "pk": foreign.pk})
    assert client.post(url).status_code == 404
    assert TeamMembership.objects.filter(pk=foreign.pk).exists()


def test_a_lead_inspector_adds_and_changes_a_service(client, lead_inspector):
    client.force_login(lead_inspector)
    form = {"name": "Cheshire Youth Justice Service", "term": "YJS", "local_authorities": "Cheshire East\n\n"}
    assert client.post(reverse("inspections:service-create"), form).status_code == 302
    service = Service.objects.get()
    assert service.local_authorities == "Cheshire East"
    response = client.post(reverse("inspections:service-create"), form)
    assert "A service with this name already exists" in response.content.decode()
    url = reverse("inspections:service-edit", kwargs={"pk": service.pk})
    assert client.post(url, {**form, "term": "YOS"}).status_code == 302
    service.refresh_from_db()
    assert service.term == "YOS"


def test_the_home_page_offers_creating_an_inspection_to_those_who_may(
    client, framework, lead_inspector, inspector
):
    client.force_login(lead_inspector)
    assert "Create an inspection" in client.get(reverse("home")).content.decode()
    client.force_login(inspector)
    assert "Create an inspection" not in client.get(reverse("home")).content.decode()


def test_the_inspection_page_runs_a_fixed_number_of_queries(
    client, framework, make_user, django_assert_max_num_queries
):
    inspection = InspectionFactory()
    for _ in range(6):
        TeamMembershipFactory(inspection=inspection, user=make_user("inspector"))
    client.force_login(inspection.lead_inspector)
    # The panels of the apps above count too (the alerts panel's counts are one query, the fieldwork
    # panel's one more, second marking's one more).
    with django_assert_max_num_queries(21):  # the stage: one query for each app's facts
        response = client.get(reverse("inspections:detail", kwargs={"reference": inspection.reference}))
    assert response.status_code == 200

"""Who may decide (issue 13, items 1, 2, 4, 5 and 6): a team role fits the person's account role, no
permission comes from `is_superuser`, the administration pages respect publication and never hard-delete an
inspection's data, a lead changes only the services of inspections they lead, and every change that matters
to a rating or a published word is kept in the history."""

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.core.checks import run_checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role
from audit.models import EventKind, SecurityEvent
from inspections.factories import InspectionFactory, ServiceFactory, TeamMembershipFactory, publish
from inspections.models import Inspection, Service, TeamMembership, TeamRole
from inspections.services import (
    inspection_create,
    service_save,
    team_member_add,
    team_member_remove,
)

pytestmark = pytest.mark.django_db


def team_url(inspection):
    return reverse("inspections:team", kwargs={"reference": inspection.reference})


def events_of(model_label: str, **filters):
    """The history rows (pghistory events) of a tracked model, e.g. "inspections.TeamMembership"."""
    return apps.get_model(f"{model_label}Event").objects.filter(**filters)


# --- 1. a team role fits the account role -------------------------------------------------------------


@pytest.mark.parametrize(
    ("account_role", "team_role", "fits"),
    [
        (Role.INSPECTOR, TeamRole.INSPECTOR, True),
        (Role.INSPECTOR, TeamRole.QA, True),
        (Role.INSPECTOR, TeamRole.COLLEAGUE, True),
        (Role.LEAD_INSPECTOR, TeamRole.QA, True),
        (Role.PANEL_MEMBER, TeamRole.PANEL, True),
        (Role.INSPECTOR, TeamRole.PANEL, False),
        (Role.LEAD_INSPECTOR, TeamRole.PANEL, False),
        (Role.PANEL_MEMBER, TeamRole.QA, False),
        (Role.PANEL_MEMBER, TeamRole.INSPECTOR, False),
        (Role.ADMINISTRATOR, TeamRole.PANEL, False),
        (Role.ADMINISTRATOR, TeamRole.QA, False),
        (Role.ADMINISTRATOR, TeamRole.INSPECTOR, False),
    ],
)
def test_a_team_role_must_fit_the_account_role(framework, make_user, account_role, team_role, fits):
    inspection = InspectionFactory()
    person = make_user(account_role)
    if fits:
        team_member_add(inspection=inspection, user=person, role=team_role, by=inspection.lead_inspector)
        assert inspection.team.filter(user=person, role=team_role).exists()
    else:
        with pytest.raises(ValidationError) as refused:
            team_member_add(inspection=inspection, user=person, role=team_role, by=inspection.lead_inspector)
        assert "role" in refused.value.message_dict
        assert not inspection.team.filter(user=person).exists()


def test_a_lead_cannot_put_an_inspector_on_the_panel_through_the_page(client, framework, inspector):
    inspection = InspectionFactory()
    client.force_login(inspection.lead_inspector)
    response = client.post(team_url(inspection), {"user": str(inspector.pk), "role": "panel"})
    assert response.status_code == 200
    assert "Only ratings panel members can sit on the ratings panel" in response.content.decode()
    assert not inspection.team.filter(user=inspector).exists()


def test_an_administrator_cannot_give_themselves_a_deciding_role(client, framework, administrator):
    inspection = InspectionFactory()
    client.force_login(administrator)
    for role in ("panel", "qa", "inspector"):
        response = client.post(team_url(inspection), {"user": str(administrator.pk), "role": role})
        assert response.status_code == 200
    assert not inspection.team.filter(user=administrator).exists()
    assert not administrator.has_perm("inspections.decide_ratings", inspection)
    assert not administrator.has_perm("inspections.quality_assure", inspection)
    assert not administrator.has_perm("inspections.publish", inspection)


def test_the_lead_of_an_inspection_is_a_lead_inspector(framework, administrator, inspector):
    with pytest.raises(ValidationError):
        inspection_create(
            created_by=administrator,
            reference="X-1",
            service=ServiceFactory(),
            framework=framework,
            fieldwork_start="2021-07-12",
            fieldwork_end="2021-07-16",
        )
    with pytest.raises(ValidationError):
        inspection_create(
            created_by=administrator,
            lead_inspector=inspector,
            reference="X-2",
            service=ServiceFactory(),
            framework=framework,
            fieldwork_start="2021-07-12",
            fieldwork_end="2021-07-16",
        )
    assert not Inspection.objects.exists()


def test_an_inspection_has_exactly_one_lead(framework, make_user):
    inspection = InspectionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMembership.objects.create(
            inspection=inspection, user=make_user("lead_inspector"), role=TeamRole.LEAD
        )
    assert inspection.team.filter(role=TeamRole.LEAD).count() == 1


def test_a_membership_that_does_not_fit_gives_no_deciding_permission(framework, make_user):
    """Rows written before the rule (or straight into the database) decide nothing."""
    inspection = InspectionFactory()
    inspector, panel = make_user("inspector"), make_user("panel_member")
    TeamMembership.objects.create(inspection=inspection, user=inspector, role=TeamRole.PANEL)
    TeamMembership.objects.create(inspection=inspection, user=panel, role=TeamRole.QA)
    assert not inspector.has_perm("inspections.decide_ratings", inspection)
    assert not panel.has_perm("inspections.quality_assure", inspection)


def test_the_admin_inline_cannot_change_the_team(rf, framework, administrator):
    inspection = InspectionFactory()
    admin = site._registry[Inspection]
    request = rf.get("/")
    request.user = administrator
    inlines = admin.get_inline_instances(request, inspection)
    for inline in inlines:
        if inline.model is TeamMembership:
            assert not inline.has_add_permission(request, inspection)
            assert not inline.has_change_permission(request, inspection)
            assert not inline.has_delete_permission(request, inspection)


def test_every_team_change_is_kept_and_in_the_security_log(client, framework, inspector):
    inspection = InspectionFactory()
    lead = inspection.lead_inspector
    client.force_login(lead)
    assert client.post(team_url(inspection), {"user": str(inspector.pk), "role": "qa"}).status_code == 302
    membership = inspection.team.get(user=inspector)
    kwargs = {"reference": inspection.reference, "pk": membership.pk}
    assert client.post(reverse("inspections:team-remove", kwargs=kwargs)).status_code == 302

    labels = list(
        events_of("inspections.TeamMembership", pgh_obj_id=membership.pk)
        .order_by("pgh_created_at")
        .values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "delete"]
    logged = SecurityEvent.objects.filter(kind=EventKind.TEAM_CHANGED).order_by("occurred_at", "id")
    assert [e.user for e in logged] == [lead, lead]
    assert f"{inspector} added to {inspection.reference} as quality assurance inspector" in logged[0].detail
    assert f"{inspector} taken off {inspection.reference}" in logged[1].detail


# --- 2. superusers pass no check ---------------------------------------------------------------------


def test_a_superuser_gets_no_deciding_permission(framework, make_user):
    inspection = InspectionFactory()
    superuser = make_user(Role.INSPECTOR, is_superuser=True, is_staff=True)
    made_with_createsuperuser = type(superuser).objects.create_superuser("root@example.org", "x-Y-z-123456")
    for person in (superuser, made_with_createsuperuser):
        for perm in (
            "inspections.decide_ratings",
            "inspections.quality_assure",
            "inspections.publish",
            "inspections.propose_domain_one_ratings",
        ):
            assert not person.has_perm(perm, inspection), (person, perm)
    assert not superuser.is_administrator
    assert not superuser.has_perm("inspections.view_inspection", inspection)


def test_a_system_check_warns_while_a_superuser_exists(make_user):
    def warnings():
        return [m.id for m in run_checks(databases=["default"]) if m.id == "accounts.W001"]

    assert warnings() == []
    make_user(Role.ADMINISTRATOR, is_superuser=True, is_staff=True)
    assert warnings() == ["accounts.W001"]


# --- 4. the administration pages and publication ------------------------------------------------------


def admin_url(inspection, action="change"):
    return reverse(f"admin:inspections_inspection_{action}", args=[inspection.pk])


def test_the_admin_is_read_only_for_a_published_inspection(client, framework, administrator):
    inspection = publish(InspectionFactory())
    client.force_login(administrator)
    response = client.get(admin_url(inspection))
    assert response.status_code == 200
    assert 'name="fieldwork_start"' not in response.content.decode()
    response = client.post(admin_url(inspection), {"fieldwork_start": "2020-01-01"})
    assert response.status_code == 403
    inspection.refresh_from_db()
    assert str(inspection.fieldwork_start) == "2021-07-12"


def test_an_inspection_with_data_cannot_be_deleted_anywhere(client, framework, administrator):
    from cases.factories import CaseFactory

    inspection = InspectionFactory()
    CaseFactory(inspection=inspection)
    client.force_login(administrator)
    assert client.post(admin_url(inspection, "delete"), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:inspections_inspection_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [inspection.pk], "post": "yes"})
    assert Inspection.objects.filter(pk=inspection.pk).exists()
    with pytest.raises(ProtectedError), transaction.atomic():
        inspection.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Inspection.objects.filter(pk=inspection.pk).delete()
    assert inspection.cases.count() == 1


def test_an_inspection_without_data_is_deleted_and_recorded(framework, administrator):
    from inspections.services import inspection_delete

    inspection = InspectionFactory()
    reference = inspection.reference
    inspection_delete(inspection=inspection, by=administrator, reason="Set up by mistake")
    assert not Inspection.objects.filter(reference=reference).exists()
    event = SecurityEvent.objects.get(kind=EventKind.ADMIN_CHANGE)
    assert reference in event.object_repr and "Set up by mistake" in event.detail
    assert events_of("inspections.Inspection", pgh_label="delete").count() == 1


def test_admin_changes_are_in_the_security_log(client, framework, administrator, inspector):
    service = ServiceFactory()
    client.force_login(administrator)
    url = reverse("admin:inspections_service_change", args=[service.pk])
    response = client.post(
        url, {"name": "Renamed Youth Justice Service", "term": "YJS", "local_authorities": ""}
    )
    assert response.status_code == 302
    url = reverse("admin:accounts_user_change", args=[inspector.pk])
    form = {
        "email": inspector.email,
        "first_name": "Changed",
        "last_name": inspector.last_name,
        "role": "inspector",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2021-01-01",
        "date_joined_1": "09:00:00",
    }
    assert client.post(url, form).status_code == 302
    logged = SecurityEvent.objects.filter(kind=EventKind.ADMIN_CHANGE)
    assert {e.object_type for e in logged} == {"inspections.service", "accounts.user"}
    assert all(e.user == administrator for e in logged)


# --- 5. services ----------------------------------------------------------------------------------------


def service_edit(service):
    return reverse("inspections:service-edit", kwargs={"pk": service.pk})


def test_a_lead_edits_only_services_of_inspections_they_lead(client, framework, lead_inspector):
    theirs, others = InspectionFactory(), InspectionFactory()
    client.force_login(lead_inspector)
    response = client.post(service_edit(others.service), {"name": "Hijacked", "term": "YOS"})
    assert response.status_code == 403
    others.service.refresh_from_db()
    assert others.service.name != "Hijacked"
    client.force_login(theirs.lead_inspector)
    assert client.post(service_edit(theirs.service), {"name": "Renamed", "term": "YOS"}).status_code == 302
    with pytest.raises(PermissionDenied):
        service_save(service=others.service, name="Hijacked", term="YOS", by=theirs.lead_inspector)


def test_no_one_edits_the_service_of_a_published_inspection(client, framework, administrator):
    inspection = publish(InspectionFactory())
    for person in (inspection.lead_inspector, administrator):
        client.force_login(person)
        response = client.post(service_edit(inspection.service), {"name": "Renamed", "term": "YOS"})
        assert response.status_code == 403
        assert "published" in response.content.decode()
    assert Service.objects.get(pk=inspection.service_id).name != "Renamed"
    client.force_login(administrator)
    response = client.post(
        reverse("admin:inspections_service_change", args=[inspection.service_id]),
        {"name": "Renamed", "term": "YOS", "local_authorities": ""},
    )
    assert response.status_code == 403


def test_the_service_list_tells_nothing_of_inspections_the_person_is_not_on(
    client, framework, lead_inspector
):
    hidden = InspectionFactory(service=ServiceFactory(name="Secretshire Youth Justice Service"))
    InspectionFactory(service=hidden.service)
    client.force_login(lead_inspector)
    page = client.get(reverse("inspections:services")).content.decode()
    assert "Secretshire Youth Justice Service" in page  # services themselves are not secret
    assert ">2<" not in page
    assert service_edit(hidden.service) not in page


def test_a_taken_reference_is_refused_without_saying_whose(client, framework, lead_inspector):
    InspectionFactory(reference="SECRET-2021")
    client.force_login(lead_inspector)
    form = {
        "reference": "secret-2021",
        "service": str(ServiceFactory().pk),
        "framework": str(framework.pk),
        "fieldwork_start_0": "12",
        "fieldwork_start_1": "7",
        "fieldwork_start_2": "2021",
        "fieldwork_end_0": "16",
        "fieldwork_end_1": "7",
        "fieldwork_end_2": "2021",
    }
    page = client.post(reverse("inspections:create"), form).content.decode()
    assert "This reference cannot be used: choose another" in page
    assert "inspection with this reference already exists" not in page


# --- 6. history -------------------------------------------------------------------------------------------


def test_inspection_and_service_changes_are_kept_in_the_history(framework):
    inspection = InspectionFactory()
    Inspection.objects.filter(pk=inspection.pk).update(is_joint=True)
    service_save(service=inspection.service, name="Renamed", term="YOS", by=inspection.lead_inspector)
    assert events_of("inspections.Inspection", pgh_obj_id=inspection.pk, pgh_label="update").exists()
    assert events_of("inspections.Service", pgh_obj_id=inspection.service_id, pgh_label="update").exists()


def test_the_new_history_is_append_only(framework):
    inspection = InspectionFactory()
    TeamMembershipFactory(inspection=inspection)
    from inspections.models import TeamMembershipEvent

    with pytest.raises(DatabaseError), transaction.atomic():
        TeamMembershipEvent.objects.all().delete()


def test_team_member_remove_is_recorded_with_who(framework, inspector):
    inspection = InspectionFactory()
    membership = team_member_add(
        inspection=inspection, user=inspector, role=TeamRole.INSPECTOR, by=inspection.lead_inspector
    )
    team_member_remove(inspection=inspection, membership=membership, by=inspection.lead_inspector)
    event = events_of("inspections.TeamMembership", pgh_label="delete").get()
    assert event.pgh_context.metadata["user"] == inspection.lead_inspector.pk


@pytest.fixture
def rf():
    return RequestFactory()

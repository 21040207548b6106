import datetime

import factory
from django.db import transaction

from accounts.factories import UserFactory
from accounts.models import Role

from .models import FrameworkVersion, Inspection, Service, TeamMembership, TeamRole
from .services import framework_load_file, inspection_publish


def youth_framework() -> FrameworkVersion:
    return framework_load_file()[0]


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Northshire {n} Youth Justice Service")
    term = "YJS"


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"TEST-{n:04d}")
    service = factory.SubFactory(ServiceFactory)
    framework = factory.LazyFunction(youth_framework)
    fieldwork_start = datetime.date(2021, 7, 12)
    fieldwork_end = datetime.date(2021, 7, 16)
    lead_inspector = factory.SubFactory(UserFactory, role=Role.LEAD_INSPECTOR)

    @factory.post_generation
    def lead_membership(obj, create, extracted, **kwargs):
        if create and obj.lead_inspector:
            TeamMembership.objects.get_or_create(
                inspection=obj, user=obj.lead_inspector, defaults={"role": TeamRole.LEAD}
            )


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    inspection = factory.SubFactory(InspectionFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamRole.INSPECTOR


def publish(inspection: Inspection, by=None) -> Inspection:
    """Publishes the inspection as the report's publish page does (without its checks), by `by` or its lead
    inspector; returns it read again."""
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        inspection_publish(
            inspection=locked, published_by=by or inspection.lead_inspector, signatory_name="A Name"
        )
    return Inspection.objects.get(pk=inspection.pk)

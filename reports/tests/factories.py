import factory

from inspections.factories import InspectionFactory
from reports.models import Report


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    inspection = factory.SubFactory(InspectionFactory)

import datetime

import factory
from django.utils import timezone

from cases.factories import CaseFactory

from .models import Alert, Concern, NotifiedHow


class AlertFactory(factory.django.DjangoModelFactory):
    """An open alert on a case, told to the service's manager yesterday."""

    class Meta:
        model = Alert

    case = factory.SubFactory(CaseFactory)
    inspection = factory.LazyAttribute(lambda o: o.case.inspection)
    number = factory.LazyAttribute(lambda o: Alert.objects.filter(inspection=o.inspection).count() + 1)
    concern = Concern.CHILD_SAFETY
    findings = "The child told the case manager of threats from older boys; no safety plan was made."
    action_requested = "Make a safety plan with the child today and refer to children's social care."
    notified_name = "Sam Manager"
    notified_role = "Head of service"
    notified_how = NotifiedHow.IN_PERSON
    notified_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    raised_by = factory.LazyAttribute(lambda o: o.case.inspector or o.inspection.lead_inspector)
    updated_by = factory.LazyAttribute(lambda o: o.raised_by)

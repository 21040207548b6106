"""Floor 2c: alerts. When an inspector reading a case finds a child or other people at risk that the service
has not acted on, they tell the service's manager at once; the alert stays open until the service confirms
what it did. There is no account for the service's manager: an inspector records the confirmation for them,
with their name."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts import text as limits
from accounts.text import BoundedTextField
from cases.models import Case
from inspections.models import Inspection


class Concern(models.TextChoices):
    CHILD_SAFETY = "child_safety", "The child's safety and wellbeing"
    HARM_TO_OTHERS = "harm_to_others", "Risk of harm to others"
    OTHER = "other", "Other"


class NotifiedHow(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    TELEPHONE = "telephone", "By telephone"
    EMAIL = "email", "By email"
    OTHER = "other", "Another way"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


@pghistory.track(model_name="AlertEvent", obj_field=pghistory.ObjForeignKey(related_name="events"))
class Alert(models.Model):
    """One alert raised with the service about one case. Numbered within its inspection (alert 1, 2, ...)."""

    # An alert is a record of what the service was told about a child: it never goes silently with its case
    # or inspection (a new draw of the sample, an inspection imported again), which are refused instead.
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="alerts")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alerts")
    number = models.PositiveIntegerField()
    concern = models.CharField(max_length=20, choices=Concern.choices)
    findings = BoundedTextField("what the inspector found", max_length=limits.NOTE)
    action_requested = BoundedTextField("action asked of the service", max_length=limits.NOTE)
    notified_name = models.CharField("name of the person told at the service", max_length=120)
    notified_role = models.CharField("their role", max_length=120)
    notified_how = models.CharField("how they were told", max_length=20, choices=NotifiedHow.choices)
    notified_at = models.DateTimeField("when they were told")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN)

    # The service's confirmation, recorded by an inspector on the service manager's behalf.
    service_action = BoundedTextField("action the service confirmed", blank=True, max_length=limits.NOTE)
    confirmed_by_name = models.CharField(
        "name of the person at the service who confirmed it", max_length=120, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    # Optimistic locking: a change names the version it started from, and the last to save it.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="unique_alert_number"),
            models.CheckConstraint(
                condition=models.Q(status="open")
                | (~models.Q(service_action="") & models.Q(resolved_at__isnull=False)),
                name="resolved_alert_has_service_action",
            ),
        ]
        indexes = [models.Index(fields=["inspection", "status"]), models.Index(fields=["case", "status"])]

    def __str__(self):
        return f"Alert {self.number} on case {self.case.reference}"

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN

"""Floor 2c: the joint fieldwork week. In the second fieldwork week colleague inspectors from police,
health, children's social care and education follow up issues from the cases assessed in the first: a case's
inspector or the lead refers the case to a discipline with a question, a named member of the team records
the finding. The team also logs the meetings it holds, which Annexe 1 of the report counts."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts import text as limits
from accounts.text import BoundedTextField
from cases.models import Case
from inspections.models import Inspection, Standard


class Discipline(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Children's social care"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other"


class Partner(models.TextChoices):
    """Whom a meeting was with: the service itself, or one of the disciplines of its partners."""

    SERVICE = "service", "The service's own managers or staff"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Children's social care"
    EDUCATION = "education", "Education"
    OTHER = "other", "Another partner"


@pghistory.track(model_name="ReferralEvent", obj_field=pghistory.ObjForeignKey(related_name="events"))
class Referral(models.Model):
    """One case referred for follow-up in the second fieldwork week. Numbered within its inspection."""

    # A referral is evidence for the report: it never goes silently with its case or inspection.
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    number = models.PositiveIntegerField()
    discipline = models.CharField(max_length=20, choices=Discipline.choices)
    question = BoundedTextField("question to follow up", max_length=limits.REASON)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="who follows it up"
    )
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(default=timezone.now)

    # The finding, recorded by the person it is assigned to (or the lead): recording it marks it done.
    finding = BoundedTextField(blank=True, max_length=limits.NOTE)
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_at = models.DateTimeField(null=True, blank=True)

    # Optimistic locking: a change names the version it started from, and the last to save it.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="unique_referral_number"),
            models.CheckConstraint(
                condition=models.Q(found_at__isnull=True) | ~models.Q(finding=""),
                name="done_referral_has_finding",
            ),
        ]
        indexes = [models.Index(fields=["inspection", "assigned_to"])]

    def __str__(self):
        return f"Referral {self.number} of case {self.case.reference}"

    @property
    def is_done(self) -> bool:
        return self.found_at is not None


@pghistory.track(model_name="MeetingEvent", obj_field=pghistory.ObjForeignKey(related_name="events"))
class Meeting(models.Model):
    """A meeting the team held during fieldwork (with managers, partners or staff)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("date")
    who_with = models.CharField("who with", max_length=200)
    partner = models.CharField("discipline or partner", max_length=20, choices=Partner.choices)
    notes = BoundedTextField(blank=True, max_length=limits.NOTE)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["inspection", "held_on", "pk"]

    def __str__(self):
        return f"Meeting with {self.who_with} on {self.held_on:%-d %B %Y}"

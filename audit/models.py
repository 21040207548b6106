"""Floor 0: the security event log. Separate from the case history: it records who signed in, who was
refused, what was downloaded or exported, and from where; never what a judgement said."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone


class EventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"
    SIGNED_OUT = "signed_out", "Signed out"
    TWO_FACTOR_FAILED = "two_factor_failed", "Wrong two-factor code"
    TWO_FACTOR_SET_UP = "two_factor_set_up", "Two-factor authentication set up"
    TWO_FACTOR_TURNED_OFF = "two_factor_turned_off", "Two-factor authentication turned off"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset asked for"
    PASSWORD_RESET = "password_reset", "Password reset"
    PERMISSION_DENIED = "permission_denied", "Permission denied"
    DOWNLOAD = "download", "Download"
    EXPORT = "export", "Export"
    BACKUP = "backup", "Backup made"
    RESTORE = "restore", "Backup restored"
    # An inspector told a service that a child or others are at risk (alerts app): who raised it, on what.
    ALERT_RAISED = "alert_raised", "Alert raised"
    # An administrator withdrew a publication (with the reason), which unfreezes its data.
    PUBLICATION_WITHDRAWN = "publication_withdrawn", "Publication withdrawn"
    # Someone was put on an inspection's team or taken off it: who did it, whom, with what role.
    TEAM_CHANGED = "team_changed", "Team changed"
    # A change made in the administration pages (inspections, teams, services, people), or an inspection
    # deleted: who, what, and Django's description of the change.
    ADMIN_CHANGE = "admin_change", "Changed in the administration pages"


class SecurityEvent(models.Model):
    """One security-relevant thing that happened. Rows are never changed (a database trigger refuses
    updates); they are deleted only by `delete_old_security_events` once older than the retention."""

    kind = models.CharField(max_length=30, choices=EventKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    # Kept as text too, so the event still says who it was after the account is deleted.
    user_email = models.CharField("email address", max_length=254, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField("object", max_length=200, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["occurred_at"], name="security_event_time"),
            models.Index(fields=["kind", "occurred_at"], name="security_event_kind_time"),
        ]
        triggers = [pgtrigger.Protect(name="security_event_append_only", operation=pgtrigger.Update)]

    def __str__(self):
        return f"{self.get_kind_display()} {self.user_email or 'unknown person'} {self.occurred_at:%Y-%m-%d %H:%M}"

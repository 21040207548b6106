"""Reads of alerts: one alert, a case's alerts, the inspection's register and its open-alert counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from cases.models import Case
from inspections.models import Inspection

from . import rules
from .models import Alert, AlertStatus


def alert_get_for(*, inspection: Inspection, number: int) -> Alert:
    """An alert of this inspection (the caller has already checked the user may see the inspection)."""
    try:
        alert = Alert.objects.select_related("case", "raised_by", "resolved_by", "updated_by").get(
            inspection=inspection, number=number
        )
    except Alert.DoesNotExist:
        raise Http404("This inspection has no such alert.") from None
    alert.inspection = alert.case.inspection = inspection
    return alert


def case_alerts(case: Case) -> list[Alert]:
    """The case's alerts, open first, then by number."""
    alerts = list(Alert.objects.filter(case=case).order_by("number"))
    for alert in alerts:
        alert.case = case
        alert.inspection = case.inspection
    return sorted(alerts, key=lambda alert: (not alert.is_open, alert.number))


@dataclass
class OpenAlertCounts:
    open: int
    overdue: int  # open for longer than rules.OVERDUE_AFTER since the service was told
    resolved: int


def open_alert_counts(inspection: Inspection) -> OpenAlertCounts:
    """The inspection's alerts counted in the database: open, open too long, resolved (one query)."""
    overdue_before = timezone.now() - rules.OVERDUE_AFTER
    counts = Alert.objects.filter(inspection=inspection).aggregate(
        open=Count("pk", filter=Q(status=AlertStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=AlertStatus.OPEN, notified_at__lt=overdue_before)),
        resolved=Count("pk", filter=Q(status=AlertStatus.RESOLVED)),
    )
    return OpenAlertCounts(**counts)


@dataclass
class RegisterRow:
    alert: Alert
    age: str  # how long it has been (or was) open, in words
    overdue: bool


@dataclass
class Register:
    open: list[RegisterRow] = field(default_factory=list)
    resolved: list[RegisterRow] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.open)


def alert_register(inspection: Inspection) -> Register:
    """The inspection's alerts: the open ones first, longest open first; then the resolved, latest first."""
    now = timezone.now()
    register = Register()
    alerts = Alert.objects.filter(inspection=inspection).select_related("case", "raised_by", "resolved_by")
    for alert in alerts.order_by("notified_at", "number"):
        alert.inspection = inspection
        if alert.is_open:
            register.open.append(
                RegisterRow(
                    alert,
                    rules.age_in_words(since=alert.notified_at, now=now),
                    rules.is_overdue(notified_at=alert.notified_at, now=now),
                )
            )
        else:
            register.resolved.append(
                RegisterRow(alert, rules.age_in_words(since=alert.notified_at, now=alert.resolved_at), False)
            )
    register.resolved.sort(key=lambda row: row.alert.resolved_at, reverse=True)
    return register


def open_alerts_json(inspection: Inspection) -> list[dict]:
    """The open alerts as plain values, for the alerts_open command: longest open first."""
    now = timezone.now()
    alerts = (
        Alert.objects.filter(inspection=inspection, status=AlertStatus.OPEN)
        .select_related("case")
        .order_by("notified_at", "number")
    )
    return [
        {
            "alert": alert.number,
            "case": alert.case.reference,
            "concern": alert.get_concern_display(),
            "notified": {
                "name": alert.notified_name,
                "role": alert.notified_role,
                "how": alert.get_notified_how_display(),
                "at": timezone.localtime(alert.notified_at).isoformat(),
            },
            "open_for": rules.age_in_words(since=alert.notified_at, now=now),
            "open_hours": int((now - alert.notified_at).total_seconds() // 3600),
            "overdue": rules.is_overdue(notified_at=alert.notified_at, now=now),
        }
        for alert in alerts
    ]

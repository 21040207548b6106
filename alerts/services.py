"""Writes of alerts: raising one (which tells the lead inspector by email and goes to the security event
log) and recording the service's confirmation, which resolves it. Each checks who may do it, lists every
problem in words and writes nothing on failure."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from audit.models import EventKind
from audit.services import security_event_record
from cases.models import Case
from inspections.publication import lock_unpublished, refuse_if_published

from . import rules
from .models import Alert, AlertStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Raised:
    alert: Alert
    lead_emailed: bool  # False when there is no lead inspector with an address, or the email failed


def alert_url(alert: Alert) -> str:
    return reverse("alerts:alert", kwargs={"reference": alert.inspection.reference, "number": alert.number})


def alert_raise(
    *,
    case: Case,
    raised_by,
    concern: str,
    findings: str,
    action_requested: str,
    notified_name: str,
    notified_role: str,
    notified_how: str,
    notified_at: datetime.datetime | None,
    request=None,
) -> Raised:
    """Records an alert on the case, with the security event, then emails the inspection's lead inspector.

    The email says only that an alert was raised on the case, with a link: never the child's details, what
    was found or who the case manager is. It is sent once the alert is committed; if it cannot be sent the
    alert stands and `lead_emailed` is False, so the page can say to tell the lead another way.
    """
    if not raised_by.has_perm("alerts.raise_alert", case):
        raise PermissionDenied(
            "Only the inspector this case is allocated to and the lead inspector can raise an alert on it."
        )
    refuse_if_published(case.inspection, reread=False)  # said before any problem with the form
    now = timezone.now()
    if notified_at is not None:
        notified_at = timezone.localtime(notified_at)
    problems = rules.raise_problems(
        concern=concern,
        findings=findings,
        action_requested=action_requested,
        notified_name=notified_name,
        notified_role=notified_role,
        notified_how=notified_how,
        notified_at=notified_at,
        fieldwork_start=case.inspection.fieldwork_start,
        now=timezone.localtime(now),
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        # Numbers are given one at a time per inspection: lock it while the next number is taken.
        inspection = lock_unpublished(case.inspection_id)
        number = (Alert.objects.filter(inspection=inspection).aggregate(last=Max("number"))["last"] or 0) + 1
        alert = Alert(
            inspection=inspection,
            case=case,
            number=number,
            concern=concern,
            findings=findings.strip(),
            action_requested=action_requested.strip(),
            notified_name=notified_name.strip(),
            notified_role=notified_role.strip(),
            notified_how=notified_how,
            notified_at=notified_at,
            raised_by=raised_by,
            raised_at=now,
            updated_by=raised_by,
        )
        alert.full_clean()
        alert.save()
        security_event_record(
            kind=EventKind.ALERT_RAISED,
            request=request,
            user=raised_by,
            obj=alert,
            detail=f"Alert {number} raised on case {case.reference} of {inspection.reference}",
        )
    return Raised(alert=alert, lead_emailed=_email_lead(alert, request=request))


def _email_lead(alert: Alert, *, request=None) -> bool:
    lead = alert.inspection.lead_inspector
    if lead is None or not lead.email:
        return False
    path = alert_url(alert)
    link = request.build_absolute_uri(path) if request is not None else path
    raised_at = timezone.localtime(alert.raised_at)
    body = (
        f"{alert.raised_by} raised alert {alert.number} on inspection {alert.inspection.reference} at {raised_at:%H:%M} on {raised_at:%-d %B %Y}.\n\n"
        f"Read it, and record the service's confirmation of what it has done, here:\n{link}\n\n"
        "This email does not say which case or anything about the child: sign in to read the alert."
    )
    try:
        send_mail(
            subject=f"Alert {alert.number} raised on inspection {alert.inspection.reference}",
            message=body,
            from_email=None,
            recipient_list=[lead.email],
        )
    except Exception:
        # The alert is recorded whatever happens to the email; the page tells the inspector to tell the lead.
        logger.exception("The email about alert %s of %s could not be sent", alert.number, alert.inspection)
        return False
    return True


def _changed_by_someone_else(alert: Alert) -> ValidationError:
    changed_at = timezone.localtime(alert.updated_at)
    if alert.status == AlertStatus.RESOLVED:
        what = "recorded the service's confirmation"
    else:
        what = "changed this alert"
    return ValidationError(
        {
            NON_FIELD_ERRORS: [
                f"{alert.updated_by} {what} at {changed_at:%H:%M} on {changed_at:%-d %B %Y}, after you "
                "opened this page; your change was not saved. Read what they recorded below."
            ]
        }
    )


@transaction.atomic
def alert_resolve(
    *, alert_id: int, resolved_by, service_action: str, confirmed_by_name: str, version: int | None
) -> Alert:
    """Records what the service confirmed it has done (in the words of its manager, named), which resolves
    the alert. A change from a page opened before someone else saved the alert is refused, naming them."""
    alert = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("inspection", "updated_by")
        .get(pk=alert_id)
    )
    refuse_if_published(alert.inspection)
    if not resolved_by.has_perm("alerts.resolve_alert", alert):
        raise PermissionDenied(
            "Only the lead inspector and the inspector who raised this alert can record the service's "
            "confirmation."
        )
    if version is None or alert.version != version:
        raise _changed_by_someone_else(alert)
    if alert.status == AlertStatus.RESOLVED:
        raise ValidationError({NON_FIELD_ERRORS: ["This alert is already resolved."]})
    problems = rules.resolve_problems(service_action=service_action, confirmed_by_name=confirmed_by_name)
    if problems:
        raise ValidationError(problems)
    alert.status = AlertStatus.RESOLVED
    alert.service_action = service_action.strip()
    alert.confirmed_by_name = confirmed_by_name.strip()
    alert.resolved_by = resolved_by
    alert.resolved_at = timezone.now()
    alert.updated_by = resolved_by
    alert.version += 1
    alert.full_clean()
    alert.save()
    return alert

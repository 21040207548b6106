"""Writes of the joint fieldwork week: referring a case, recording a referral's finding, logging a meeting.
Each checks who may do it and that the inspection is not published (inside its transaction), lists every
problem in words and writes nothing on failure."""

from __future__ import annotations

import datetime

import pghistory
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.models import Case
from inspections.models import Inspection
from inspections.publication import lock_unpublished, refuse_if_published

from . import rules
from .models import Meeting, Referral
from .selectors import case_standards, fieldwork_members

REFER_REFUSED = "Only the inspector this case is allocated to and the lead inspector can refer it."
FINDING_REFUSED = (
    "Only the person this referral is assigned to and the lead inspector can record its finding."
)
MEETING_REFUSED = "Only the inspectors on this inspection's team can log a meeting."


@transaction.atomic
def referral_make(*, case: Case, referred_by, discipline: str, question: str, assigned_to_id) -> Referral:
    """Refers the case for follow-up in the second fieldwork week, to a named member of the team."""
    # Numbers are given one at a time per inspection: lock it while the next number is taken.
    inspection = lock_unpublished(case.inspection_id)
    case.inspection = inspection
    if not referred_by.has_perm("fieldwork.refer_case", case):
        raise PermissionDenied(REFER_REFUSED)
    assigned_to = fieldwork_members(inspection).filter(pk=assigned_to_id).first() if assigned_to_id else None
    problems = rules.referral_problems(
        discipline=discipline, question=question, assigned_to_ok=assigned_to is not None
    )
    if problems:
        raise ValidationError(problems)
    number = (Referral.objects.filter(inspection=inspection).aggregate(last=Max("number"))["last"] or 0) + 1
    referral = Referral(
        inspection=inspection,
        case=case,
        number=number,
        discipline=discipline,
        question=question.strip(),
        assigned_to=assigned_to,
        referred_by=referred_by,
        updated_by=referred_by,
    )
    referral.full_clean()
    with pghistory.context(user=referred_by.pk):
        referral.save()
    return referral


def _changed_by_someone_else(referral: Referral) -> ValidationError:
    changed_at = timezone.localtime(referral.updated_at)
    what = "recorded the finding" if referral.is_done else "changed this referral"
    return ValidationError(
        {
            NON_FIELD_ERRORS: [
                f"{referral.updated_by} {what} at {changed_at:%H:%M} on {changed_at:%-d %B %Y}, after you "
                "opened this page; your change was not saved. Read what they recorded below."
            ]
        }
    )


@transaction.atomic
def finding_record(
    *, referral_id: int, recorded_by, finding: str, standard_id, version: int | None
) -> Referral:
    """Records (or changes) the referral's finding, optionally against a standard of the case's domain, which
    marks it done. A change from a page opened before someone else saved the referral is refused, naming them."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("inspection", "case", "updated_by")
        .get(pk=referral_id)
    )
    refuse_if_published(referral.inspection)
    referral.case.inspection = referral.inspection
    if not recorded_by.has_perm("fieldwork.record_finding", referral):
        raise PermissionDenied(FINDING_REFUSED)
    if version is None or referral.version != version:
        raise _changed_by_someone_else(referral)
    standard = case_standards(referral.case).filter(pk=standard_id).first() if standard_id else None
    problems = rules.finding_problems(finding=finding, standard_ok=not standard_id or standard is not None)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    referral.finding = finding.strip()
    referral.standard = standard
    referral.found_by = recorded_by
    referral.found_at = referral.found_at or now
    referral.updated_by = recorded_by
    referral.version += 1
    referral.full_clean()
    with pghistory.context(user=recorded_by.pk):
        referral.save()
    return referral


@transaction.atomic
def meeting_log(
    *,
    inspection: Inspection,
    logged_by,
    held_on: datetime.date | None,
    who_with: str,
    partner: str,
    notes: str = "",
) -> Meeting:
    """Logs a meeting the team held; the report's meeting count is the number logged, once there are any."""
    refuse_if_published(inspection)
    if not logged_by.has_perm("fieldwork.log_meeting", inspection):
        raise PermissionDenied(MEETING_REFUSED)
    problems = rules.meeting_problems(
        held_on=held_on, who_with=who_with, partner=partner, today=timezone.localdate()
    )
    if problems:
        raise ValidationError(problems)
    meeting = Meeting(
        inspection=inspection,
        held_on=held_on,
        who_with=who_with.strip(),
        partner=partner,
        notes=notes.strip(),
        logged_by=logged_by,
    )
    meeting.full_clean()
    with pghistory.context(user=logged_by.pk):
        meeting.save()
    return meeting

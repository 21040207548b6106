"""Reads of the joint fieldwork week: referrals (one, a case's, a person's queue) and the meetings log."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cases.models import Case
from inspections.models import Inspection, Standard

from .models import Meeting, Referral
from .permissions import FIELDWORK_ROLES


def referral_get_for(*, inspection: Inspection, number: int) -> Referral:
    """A referral of this inspection (the caller has already checked the user may see the inspection)."""
    try:
        referral = Referral.objects.select_related(
            "case", "assigned_to", "referred_by", "found_by", "updated_by", "standard"
        ).get(inspection=inspection, number=number)
    except Referral.DoesNotExist:
        raise Http404("This inspection has no such referral.") from None
    referral.inspection = referral.case.inspection = inspection
    return referral


def case_referrals(case: Case) -> list[Referral]:
    """The case's referrals, by number, with their findings."""
    referrals = list(
        Referral.objects.filter(case=case)
        .select_related("assigned_to", "found_by", "standard")
        .order_by("number")
    )
    for referral in referrals:
        referral.case = case
        referral.inspection = case.inspection
    return referrals


@dataclass
class Queue:
    mine: list[Referral]  # assigned to the person asking, waiting first
    everyone: list[Referral]  # every referral of the inspection, by number

    @property
    def waiting(self) -> int:
        return sum(not referral.is_done for referral in self.everyone)


def referral_queue(inspection: Inspection, user) -> Queue:
    referrals = list(
        Referral.objects.filter(inspection=inspection)
        .select_related("case", "assigned_to", "found_by", "standard")
        .order_by("number")
    )
    for referral in referrals:
        referral.inspection = referral.case.inspection = inspection
    mine = sorted((r for r in referrals if r.assigned_to_id == user.pk), key=lambda r: (r.is_done, r.number))
    return Queue(mine=mine, everyone=referrals)


def panel_counts(inspection: Inspection, user) -> dict[str, int]:
    """For the inspection page, in one query: "waiting", the referrals waiting for this person's finding, and
    "meetings_logged"."""
    return (
        Inspection.objects.filter(pk=inspection.pk)
        .annotate(
            waiting=Count(
                "referrals",
                filter=Q(referrals__assigned_to=user.pk, referrals__found_at__isnull=True),
                distinct=True,
            ),
            meetings_logged=Count("meetings", distinct=True),
        )
        .values("waiting", "meetings_logged")
        .get()
    )


def fieldwork_members(inspection: Inspection) -> QuerySet:
    """The team members a referral can be assigned to, by name."""
    return (
        get_user_model()
        .objects.filter(memberships__inspection=inspection, memberships__role__in=FIELDWORK_ROLES)
        .order_by("first_name", "last_name", "email")
    )


def case_standards(case: Case) -> QuerySet[Standard]:
    """The standards of the case's domain, which a finding may be recorded against."""
    return Standard.objects.filter(
        domain__framework_id=case.inspection.framework_id, domain__code=case.domain_code
    ).order_by("order")


def meetings_of(inspection: Inspection) -> list[Meeting]:
    return list(
        Meeting.objects.filter(inspection=inspection).select_related("logged_by").order_by("held_on", "pk")
    )


def meetings_logged(inspection: Inspection) -> int:
    """The number of meetings logged for the inspection (the report counts these when there are any)."""
    return Meeting.objects.filter(inspection=inspection).count()

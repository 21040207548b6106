"""Blind second marking: who may see which answers of a case that is marked twice.

The second marker must not see the case's own answers (the first marker's), and nobody may see the second
marker's answers, until both have submitted: the second marker their marking, the first marker the case
(submitted or approved). Reconciled markings stay revealed. The case pages ask `refuse_if_blind` before
showing anything of the case; the agreement pages ask `is_revealed`.
"""

from django.core.exceptions import PermissionDenied

from inspections.models import TeamRole
from inspections.permissions import team_role

from .models import Case, CaseStatus, SecondMarking

# Only inspectors and QA inspectors on the team can be second markers (agreement.permissions.MARKER_ROLES).
MARKER_ROLES = (TeamRole.QA, TeamRole.INSPECTOR)

FIRST_MARKING_SUBMITTED = frozenset({CaseStatus.SUBMITTED, CaseStatus.APPROVED})

BLIND_MESSAGE = (
    "You are marking case {reference} a second time, blind, so its answers are hidden from you until you and "
    "its inspector have both submitted. Your own marking is under Second marking on the inspection's page."
)


def is_revealed(marking: SecondMarking) -> bool:
    """Both markers have submitted (or the marking is reconciled already): each may see the other's answers."""
    if marking.reconciled_at is not None:
        return True
    return marking.submitted_at is not None and marking.case.status in FIRST_MARKING_SUBMITTED


def blind_marking(user, case: Case) -> SecondMarking | None:
    """The case's second marking if this user is its marker and it is not revealed yet, else None."""
    if not could_be_marker(user, case.inspection) or case.inspector_id == user.pk:
        return None  # no query for anyone who cannot be the case's second marker
    marking = SecondMarking.objects.filter(case=case, marker=user).first()
    if marking is None:
        return None
    marking.case = case
    return None if is_revealed(marking) else marking


def could_be_marker(user, inspection) -> bool:
    """From the team roles, which the permission checks read anyway (cached): no query of its own."""
    return user.is_authenticated and team_role(user, inspection) in MARKER_ROLES


def refuse_if_blind(user, case: Case) -> None:
    """Raises PermissionDenied, saying why, if the user is the case's blind second marker."""
    if blind_marking(user, case) is not None:
        raise PermissionDenied(BLIND_MESSAGE.format(reference=case.reference))


def refuse_if_blind_to_case_id(user, inspection, case_id: int) -> None:
    """The same for a case known only by its id, when a change to it met someone else's answer (the autosave's
    conflict shows it): only a QA inspector may change a case that is not theirs, so only they are asked."""
    if team_role(user, inspection) != TeamRole.QA:
        return
    marking = (
        SecondMarking.objects.filter(case_id=case_id, case__inspection=inspection, marker=user)
        .select_related("case")
        .first()
    )
    if marking is not None and not is_revealed(marking):
        raise PermissionDenied(BLIND_MESSAGE.format(reference=marking.case.reference))

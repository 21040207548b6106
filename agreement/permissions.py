"""Who may do what with second marking. The lead inspector (and an administrator) chooses the cases and names
the markers; only the named second marker marks, blind; only the lead reconciles. The figures are for the
lead, the ratings panel and administrators; inspectors see their own tasks. Who may see a marking's answers
(the blindness) is cases.blinding."""

import rules

from cases import blinding
from cases.blinding import is_revealed
from inspections.models import TeamMembership
from inspections.permissions import is_administrator, is_team_member, leads_inspection, sits_on_panel

# The team members who may be named second marker: inspectors and QA inspectors, never the case's own
# inspector, and not the lead, who reconciles (cases.blinding.MARKER_ROLES).
MARKER_ROLES = blinding.MARKER_ROLES


@rules.predicate
def is_second_marker(user, marking) -> bool:
    """The named second marker, while still on the inspection's team."""
    return bool(
        user.is_authenticated
        and marking is not None
        and marking.marker_id == user.pk
        and is_team_member(user, marking.case.inspection)
    )


@rules.predicate
def leads_inspection_of_marking(user, marking) -> bool:
    return marking is not None and leads_inspection(user, marking.case.inspection)


@rules.predicate
def is_first_marker(user, marking) -> bool:
    return bool(user.is_authenticated and marking is not None and marking.case.inspector_id == user.pk)


@rules.predicate
def sits_on_panel_of_marking(user, marking) -> bool:
    return marking is not None and sits_on_panel(user, marking.case.inspection)


@rules.predicate
def marking_revealed(user, marking) -> bool:
    return marking is not None and is_revealed(marking)


def may_be_marker(user, inspection) -> bool:
    return TeamMembership.objects.filter(user=user, inspection=inspection, role__in=MARKER_ROLES).exists()


rules.add_perm("agreement.choose_cases", is_administrator | leads_inspection)
rules.add_perm("agreement.view_figures", is_administrator | leads_inspection | sits_on_panel)
rules.add_perm("agreement.mark", is_second_marker)
rules.add_perm("agreement.reconcile", leads_inspection_of_marking & marking_revealed)
rules.add_perm(
    "agreement.view_comparison",
    marking_revealed
    & (
        is_administrator
        | leads_inspection_of_marking
        | sits_on_panel_of_marking
        | is_second_marker
        | is_first_marker
    ),
)
rules.add_perm("agreement.view_programme", is_administrator)

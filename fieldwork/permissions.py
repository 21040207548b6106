"""Who may do what in the joint fieldwork week. Everyone on the team (and administrators) may read the
referrals and the meetings log (inspections.view_inspection). The inspector a case is allocated to and the
lead inspector refer it; the team member a referral is assigned to and the lead record its finding; any
inspector on the team (lead, quality assurance, inspector, colleague inspector) logs a meeting."""

import rules

from cases.permissions import is_allocated_inspector
from inspections.models import TeamMembership, TeamRole
from inspections.permissions import is_team_member, leads_inspection

# The team members who do fieldwork: a referral is assigned to one of them, and any of them logs meetings.
FIELDWORK_ROLES = (TeamRole.LEAD, TeamRole.QA, TeamRole.INSPECTOR, TeamRole.COLLEAGUE)


@rules.predicate
def leads_inspection_of_case(user, case) -> bool:
    return case is not None and leads_inspection(user, case.inspection)


@rules.predicate
def leads_inspection_of_referral(user, referral) -> bool:
    return referral is not None and leads_inspection(user, referral.inspection)


@rules.predicate
def assigned_referral(user, referral) -> bool:
    """The team member the referral is assigned to, while they are still on the inspection's team."""
    return bool(
        user.is_authenticated
        and referral is not None
        and referral.assigned_to_id == user.pk
        and is_team_member(user, referral.inspection)
    )


@rules.predicate
def does_fieldwork(user, inspection) -> bool:
    return bool(
        user.is_authenticated
        and inspection is not None
        and TeamMembership.objects.filter(user=user, inspection=inspection, role__in=FIELDWORK_ROLES).exists()
    )


rules.add_perm("fieldwork.refer_case", is_allocated_inspector | leads_inspection_of_case)
rules.add_perm("fieldwork.record_finding", assigned_referral | leads_inspection_of_referral)
rules.add_perm("fieldwork.log_meeting", does_fieldwork)

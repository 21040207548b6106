"""Who may do what with alerts. Everyone on the inspection's team (and administrators) may read its alerts
(inspections.view_inspection); the inspector a case is allocated to and the lead inspector may raise an
alert on it; the lead inspector and the inspector who raised an alert record the service's confirmation."""

import rules

from cases.permissions import is_allocated_inspector
from inspections.permissions import is_team_member, leads_inspection


@rules.predicate
def leads_inspection_of_case(user, case) -> bool:
    return case is not None and leads_inspection(user, case.inspection)


@rules.predicate
def leads_inspection_of_alert(user, alert) -> bool:
    return alert is not None and leads_inspection(user, alert.inspection)


@rules.predicate
def raised_alert(user, alert) -> bool:
    """The inspector who raised the alert, while they are still on the inspection's team."""
    return bool(
        user.is_authenticated
        and alert is not None
        and alert.raised_by_id == user.pk
        and is_team_member(user, alert.inspection)
    )


rules.add_perm("alerts.raise_alert", is_allocated_inspector | leads_inspection_of_case)
rules.add_perm("alerts.resolve_alert", leads_inspection_of_alert | raised_alert)

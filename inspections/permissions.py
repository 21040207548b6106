"""Who may do what, as `rules` predicates. A user sees only inspections whose team they are on;
administrators see all. Views also 404 (not 403) on inspections the user may not see, so that a
reference alone tells an outsider nothing.

A team role decides something only if it fits the person's account role (`inspections.rules`): a membership
that does not fit (written before the rule, or straight into the database) still lets its holder read the
inspection but decides nothing. No predicate looks at `is_superuser`."""

import rules

from accounts.models import Role

from .models import TeamMembership, TeamRole
from .rules import team_role_fits


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user.is_authenticated and user.is_administrator)


@rules.predicate
def is_lead_inspector(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.LEAD_INSPECTOR)


def _team_role(user, inspection) -> str | None:
    if not user.is_authenticated or inspection is None:
        return None
    cache = getattr(user, "_team_roles", None)
    if cache is None:
        cache = user._team_roles = {}
    if inspection.pk not in cache:
        cache[inspection.pk] = (
            TeamMembership.objects.filter(user=user, inspection=inspection)
            .values_list("role", flat=True)
            .first()
        )
    return cache[inspection.pk]


def _fitting_team_role(user, inspection) -> str | None:
    """The user's team role on the inspection if it fits their account role (else None)."""
    role = _team_role(user, inspection)
    return role if role is not None and team_role_fits(user.role, role) else None


def team_role(user, inspection) -> str | None:
    """The user's role on the inspection's team (None if not on it), cached on the user for the request."""
    return _team_role(user, inspection)


@rules.predicate
def is_team_member(user, inspection) -> bool:
    return _team_role(user, inspection) is not None


@rules.predicate
def leads_inspection(user, inspection) -> bool:
    return _fitting_team_role(user, inspection) == TeamRole.LEAD


@rules.predicate
def assures_quality(user, inspection) -> bool:
    return _fitting_team_role(user, inspection) in (TeamRole.LEAD, TeamRole.QA)


@rules.predicate
def sits_on_panel(user, inspection) -> bool:
    return _fitting_team_role(user, inspection) == TeamRole.PANEL


rules.add_perm("inspections.add_inspection", is_administrator | is_lead_inspector)
rules.add_perm("inspections.view_inspection", is_administrator | is_team_member)
rules.add_perm("inspections.change_inspection", is_administrator | leads_inspection)
rules.add_perm("inspections.quality_assure", leads_inspection | assures_quality)
rules.add_perm("inspections.decide_ratings", sits_on_panel)
rules.add_perm("inspections.propose_domain_one_ratings", leads_inspection)

# Inspected services, and the sample of an inspection (population, sizes, draw, swaps, allocation).
rules.add_perm("inspections.add_service", is_administrator | is_lead_inspector)
rules.add_perm("inspections.manage_sample", is_administrator | leads_inspection)

# The report (reports app): the lead inspector writes it and makes its PDF and data files.
rules.add_perm("inspections.write_report", is_administrator | leads_inspection)
rules.add_perm("inspections.render_report", is_administrator | leads_inspection)

# Publication (reports app): the lead inspector publishes; only an administrator may withdraw it.
rules.add_perm("inspections.publish", leads_inspection)
rules.add_perm("inspections.withdraw_publication", is_administrator)

"""Which team role fits which account role: plain Python, free of Django (README, Security: role fit).

A person's account role says what they do in the inspectorate; their team role says what they do on one
inspection. A team role must fit: only a ratings panel member sits on the panel, only inspectors and lead
inspectors assess or quality assure cases, only a lead inspector leads. Administrators manage teams but take
no role on one, so an administrator can never give themselves a deciding role.
"""

# Account roles (accounts.models.Role) -> the team roles (inspections.models.TeamRole) they may hold.
TEAM_ROLES_FOR = {
    "administrator": frozenset(),
    "lead_inspector": frozenset({"lead", "inspector", "qa", "colleague"}),
    "inspector": frozenset({"inspector", "qa", "colleague"}),
    "panel_member": frozenset({"panel"}),
}


def team_role_fits(account_role: str, team_role: str) -> bool:
    return team_role in TEAM_ROLES_FOR.get(str(account_role), frozenset())


def team_role_misfit(account_role: str, team_role: str, *, person: str, role_name: str) -> str | None:
    """Why `person` (account role `account_role`) cannot hold `team_role` (shown as `role_name`); None if
    they can."""
    if team_role_fits(account_role, team_role):
        return None
    if str(account_role) == "administrator":
        return (
            f"{person} is an administrator: administrators manage the team but take no role on it. "
            "Give the role to an inspector, lead inspector or ratings panel member"
        )
    if team_role == "panel":
        return f"Only ratings panel members can sit on the ratings panel, and {person} is not one"
    if team_role == "lead":
        return f"Only a lead inspector can lead an inspection, and {person} is not one"
    return f"Only inspectors and lead inspectors can be {role_name.lower()}, and {person} is neither"

from tests.test_permissions import SIGN_IN, team_only

LEADS_AND_ADMINISTRATORS = {
    "anonymous": SIGN_IN,
    "administrator": 200,
    "lead": 200,
    "inspector": 403,
    "panel": 403,
    "non_member": 403,
}
LEAD_ONLY = {**team_only(200), "inspector": 403, "panel": 403}


def reference(world):
    return {"reference": world["inspection"].reference}


MATRIX = {
    "inspections:create": ("get", None, LEADS_AND_ADMINISTRATORS),
    "inspections:services": ("get", None, LEADS_AND_ADMINISTRATORS),
    "inspections:service-create": ("get", None, LEADS_AND_ADMINISTRATORS),
    "inspections:service-edit": (
        "get",
        lambda world: {"pk": world["inspection"].service_id},
        LEADS_AND_ADMINISTRATORS,
    ),
    "inspections:detail": ("get", reference, team_only(200)),
    "inspections:edit": ("get", reference, LEAD_ONLY),
    "inspections:team": ("get", reference, LEAD_ONLY),
    "inspections:team-remove": (
        "get",
        lambda world: {
            **reference(world),
            "pk": world["inspection"].team.get(user=world["team"]["inspector"]).pk,
        },
        LEAD_ONLY,
    ),
}


def extend_world(world):
    """A published inspection of the same lead (the admin must not change it), and a service whose only
    inspection another lead inspector leads (the world's lead may not change it)."""
    from inspections.factories import InspectionFactory, TeamMembershipFactory, publish
    from inspections.models import TeamRole

    published = InspectionFactory(lead_inspector=world["team"]["lead"])
    TeamMembershipFactory(inspection=published, user=world["team"]["inspector"], role=TeamRole.INSPECTOR)
    TeamMembershipFactory(inspection=published, user=world["team"]["panel"], role=TeamRole.PANEL)
    world["published"] = publish(published)
    world["others_service"] = InspectionFactory().service


NO_ONE_SIGNED_IN = {**team_only(403), "non_member": 403}  # 403 for all signed in, sign-in for anonymous
ADMIN_REFUSES = {  # the administration pages: 403 for an administrator, the admin's sign-in for anyone else
    "anonymous": SIGN_IN,
    "administrator": 403,
    "lead": SIGN_IN,
    "inspector": SIGN_IN,
    "panel": SIGN_IN,
    "non_member": SIGN_IN,
}

MATRIX.update(
    {
        # Issue 13, item 5: no one changes the service of a published inspection; a lead only their own.
        "inspections:service-edit#published": (
            "get",
            lambda world: {"pk": world["published"].service_id},
            NO_ONE_SIGNED_IN,
        ),
        "inspections:service-edit#another-leads": (
            "get",
            lambda world: {"pk": world["others_service"].pk},
            {**NO_ONE_SIGNED_IN, "administrator": 200},
        ),
        # Issue 13, item 4: the administration pages are read-only for a published inspection.
        "admin:inspections_inspection_change#published": (
            "post",
            lambda world: {"object_id": world["published"].pk},
            ADMIN_REFUSES,
        ),
        "admin:inspections_inspection_delete#published": (
            "post",
            lambda world: {"object_id": world["published"].pk},
            ADMIN_REFUSES,
        ),
        "admin:inspections_service_change#published": (
            "post",
            lambda world: {"object_id": world["published"].service_id},
            ADMIN_REFUSES,
        ),
    }
)

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

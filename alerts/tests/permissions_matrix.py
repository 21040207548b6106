"""Who may use the alert pages (see tests/test_permissions.py)."""

from cases.tests.permissions_matrix import allocated_case, case
from tests.test_permissions import team_only

# The world's inspector is the case's and the alert's: with the lead, they may raise an alert on the case and
# record the service's confirmation of it. Panel members and administrators may read, and are told why not.
LEAD_AND_INSPECTOR = {**team_only(200), "administrator": 403, "panel": 403}


def raised_alert(world):
    if "alert" not in world:
        from alerts.factories import AlertFactory

        case_ = allocated_case(world)
        world["alert"] = AlertFactory(case=case_, raised_by=world["team"]["inspector"])
    alert = world["alert"]
    return {"reference": alert.inspection.reference, "number": alert.number}


MATRIX = {
    "alerts:register": ("get", lambda world: {"reference": world["inspection"].reference}, team_only(200)),
    "alerts:alert": ("get", raised_alert, team_only(200)),
    "alerts:resolve": ("get", raised_alert, LEAD_AND_INSPECTOR),
    "alerts:raise": ("get", case, LEAD_AND_INSPECTOR),
}

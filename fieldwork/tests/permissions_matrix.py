"""Who may use the pages of the joint fieldwork week (see tests/test_permissions.py)."""

from cases.tests.permissions_matrix import allocated_case, case, inspection
from tests.test_permissions import team_only

# The world's inspector is the case's and the referral's: with the lead, they may refer the case, record the
# referral's finding and log meetings. Panel members and administrators may read, and are told why not.
LEAD_AND_INSPECTOR = {**team_only(200), "administrator": 403, "panel": 403}


def referral(world):
    if "referral" not in world:
        from fieldwork.models import Referral

        inspector = world["team"]["inspector"]
        world["referral"] = Referral.objects.create(
            inspection=world["inspection"],
            case=allocated_case(world),
            number=1,
            discipline="police",
            question="Did the police share what they knew?",
            assigned_to=inspector,
            referred_by=world["inspection"].lead_inspector,
            updated_by=world["inspection"].lead_inspector,
        )
    return {"reference": world["inspection"].reference, "number": world["referral"].number}


MATRIX = {
    "fieldwork:queue": ("get", inspection, team_only(200)),
    "fieldwork:finding": ("get", referral, LEAD_AND_INSPECTOR),
    "fieldwork:refer": ("get", case, LEAD_AND_INSPECTOR),
    "fieldwork:meetings": ("get", inspection, team_only(200)),
    "fieldwork:meeting-add": ("get", inspection, LEAD_AND_INSPECTOR),
}

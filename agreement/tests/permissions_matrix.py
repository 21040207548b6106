"""Who may use the pages of second marking (see tests/test_permissions.py).

The world's inspector is the second marker of two cases allocated to another inspector: "blind", not yet
submitted by either side, and "revealed", submitted by both. Nobody else may mark; the figures are for the
lead, the panel and administrators; once revealed, the comparison is for them and the two markers."""

from django.utils import timezone

from accounts.factories import UserFactory
from agreement.factories import mark_case
from cases.factories import CaseFactory, answer_whole_case
from cases.models import CaseStatus, SecondMarking
from cases.tests.permissions_matrix import inspection
from inspections.factories import TeamMembershipFactory
from inspections.models import TeamRole
from tests.test_permissions import SIGN_IN, team_only

CHOOSERS = {**team_only(200), "inspector": 403, "panel": 403}
SECOND_MARKER_ONLY = {**team_only(403), "inspector": 200}
FIGURES = {**team_only(200), "inspector": 403}


def _first_marker(world):
    if "first_marker" not in world:
        world["first_marker"] = UserFactory(role="inspector")
        TeamMembershipFactory(
            inspection=world["inspection"], user=world["first_marker"], role=TeamRole.INSPECTOR
        )
    return world["first_marker"]


def marking(world, key="blind_marking", revealed=False):
    if key not in world:
        case = CaseFactory(inspection=world["inspection"], inspector=_first_marker(world))
        world[key] = SecondMarking.objects.create(case=case, marker=world["team"]["inspector"])
        if revealed:
            answer_whole_case(case, status=CaseStatus.SUBMITTED)
            mark_case(world[key])
            SecondMarking.objects.filter(pk=world[key].pk).update(submitted_at=timezone.now())
    return {"reference": world["inspection"].reference, "case_id": world[key].case_id}


def revealed_marking(world):
    return marking(world, "revealed_marking", revealed=True)


MATRIX = {
    "agreement:programme": (
        "get",
        None,
        {
            "anonymous": SIGN_IN,
            "administrator": 200,
            "lead": 403,
            "inspector": 403,
            "panel": 403,
            "non_member": 403,
        },
    ),
    "agreement:overview": ("get", inspection, team_only(200)),
    "agreement:json": ("get", inspection, FIGURES),
    "agreement:draw": ("get", inspection, CHOOSERS),
    "agreement:add": ("get", inspection, CHOOSERS),
    "agreement:change": ("get", marking, CHOOSERS),
    # Without the page's version the form is refused and the page goes back to the overview.
    "agreement:remove": ("post", marking, {**CHOOSERS, "administrator": 302, "lead": 302}),
    "agreement:mark": ("get", marking, SECOND_MARKER_ONLY),
    "agreement:mark-standard": ("get", lambda world: {**marking(world), "code": "2.1"}, SECOND_MARKER_ONLY),
    # Revealed: the lead, the panel, administrators and the two markers compare (the world's inspector is the
    # second marker here).
    "agreement:reconcile": ("get", revealed_marking, team_only(200)),
}

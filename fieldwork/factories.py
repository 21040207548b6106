"""Test data for the joint fieldwork week, shared by its tests and the report's."""

from cases.factories import CaseFactory
from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import TeamRole


def fieldwork_team(make_user) -> dict:
    """An inspection with its lead, the inspector of the case, a colleague inspector (partner inspectorate), a
    QA inspector and a panel member; and "case", a court case allocated to the inspector."""
    inspection = InspectionFactory(
        lead_inspector=make_user("lead_inspector", first_name="Lee", last_name="Dean")
    )
    members = {
        "lead": inspection.lead_inspector,
        "inspector": make_user("inspector", first_name="Ines", last_name="Pector"),
        "colleague": make_user("inspector", first_name="Cole", last_name="League"),
        "qa": make_user("inspector", first_name="Quinn", last_name="Assurer"),
        "panel": make_user("panel_member", first_name="Pan", last_name="Ellist"),
    }
    for name, role in [
        ("inspector", TeamRole.INSPECTOR),
        ("colleague", TeamRole.COLLEAGUE),
        ("qa", TeamRole.QA),
        ("panel", TeamRole.PANEL),
    ]:
        TeamMembershipFactory(inspection=inspection, user=members[name], role=role)
    case = CaseFactory(inspection=inspection, inspector=members["inspector"], reference="COURT-07")
    return {"inspection": inspection, **members, "case": case}

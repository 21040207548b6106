import datetime

import pytest

from cases.factories import CaseFactory
from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import TeamRole


@pytest.fixture
def team(framework, make_user):
    """An inspection with its lead, the inspector of the case, a colleague inspector (partner inspectorate), a
    QA inspector and a panel member."""
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
    return {"inspection": inspection, **members}


@pytest.fixture
def case(team):
    """A court case allocated to the team's inspector."""
    return CaseFactory(
        inspection=team["inspection"],
        inspector=team["inspector"],
        reference="COURT-07",
        child_id="CHILD-98765",
        date_of_birth=datetime.date(2005, 3, 14),
        case_manager="Morgan Casemanager",
    )

from contextlib import contextmanager

import pytest

from cases.factories import CaseFactory, OutOfCourtCaseFactory
from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import TeamRole


@pytest.fixture
def team(framework, make_user):
    """An inspection with its lead, two inspectors, a quality assurance inspector and a panel member."""
    inspection = InspectionFactory()
    members = {
        "lead": inspection.lead_inspector,
        "inspector": make_user("inspector", first_name="Ines", last_name="Pector"),
        "colleague": make_user("inspector", first_name="Cole", last_name="League"),
        "qa": make_user("inspector", first_name="Quinn", last_name="Assurer"),
        "panel": make_user("panel_member"),
    }
    for name, role in [
        ("inspector", TeamRole.INSPECTOR),
        ("colleague", TeamRole.INSPECTOR),
        ("qa", TeamRole.QA),
        ("panel", TeamRole.PANEL),
    ]:
        TeamMembershipFactory(inspection=inspection, user=members[name], role=role)
    return {"inspection": inspection, **members}


@pytest.fixture
def court_case(team):
    return CaseFactory(inspection=team["inspection"], inspector=team["inspector"], reference="COURT-01")


@pytest.fixture
def out_of_court_case(team):
    return OutOfCourtCaseFactory(
        inspection=team["inspection"], inspector=team["inspector"], reference="OOC-01"
    )


@contextmanager
def reallocated(case, user):
    """While the block runs the case is allocated to `user` (only the allocated inspector writes a case's
    answers): how a colleague comes to have saved an answer the inspector's open page has not seen."""
    from cases.models import Case

    inspector_id = Case.objects.filter(pk=case.pk).values_list("inspector_id", flat=True).get()
    Case.objects.filter(pk=case.pk).update(inspector=user)
    try:
        yield
    finally:
        Case.objects.filter(pk=case.pk).update(inspector_id=inspector_id)

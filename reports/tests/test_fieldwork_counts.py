"""The report's draft counts follow the fieldwork as it is recorded, with nothing typed twice: case manager
interviews from the case facts, meetings from the meetings log (once any is logged)."""

import datetime

import pytest
from django.utils import timezone

from cases import services as cases
from cases.factories import CaseFactory, answer_whole_case
from fieldwork import services as fieldwork
from fieldwork.factories import fieldwork_team
from reports.selectors import report_snapshot
from reports.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(framework, make_user):
    return fieldwork_team(make_user)


def annexe(inspection) -> dict:
    return report_snapshot(inspection)["annexe1"]


def log_meeting(inspection, user, who_with):
    return fieldwork.meeting_log(
        inspection=inspection,
        logged_by=user,
        held_on=timezone.localdate() - datetime.timedelta(days=1),
        who_with=who_with,
        partner="police",
    )


def test_the_meeting_count_is_the_lead_typed_number_until_meetings_are_logged(team):
    inspection = team["inspection"]
    ReportFactory(inspection=inspection, meetings_held=52)
    assert annexe(inspection)["meetings"].startswith("In total, we conducted 52 meetings,")

    log_meeting(inspection, team["lead"], "Chair of the management board")
    assert annexe(inspection)["meetings"].startswith("In total, we conducted one meeting,")
    log_meeting(inspection, team["colleague"], "Head of the police youth team")
    assert annexe(inspection)["meetings"].startswith("In total, we conducted two meetings,")


def test_logged_meetings_are_counted_when_the_lead_typed_no_number(team):
    inspection = team["inspection"]
    # Nothing typed, nothing logged: no sentence, a placeholder.
    assert annexe(inspection)["meetings"] == '<span class="placeholder">[meetings not yet recorded]</span>'
    log_meeting(inspection, team["inspector"], "YJS manager")
    assert annexe(inspection)["meetings"].startswith("In total, we conducted one meeting,")


def test_ticking_case_manager_interviewed_changes_the_draft_interview_count_at_once(team):
    inspection, case = team["inspection"], team["case"]
    other = CaseFactory(inspection=inspection, inspector=team["inspector"], reference="COURT-08")
    for each in (case, other):
        answer_whole_case(each)
        cases.case_submit(inspection=inspection, case_id=each.pk, user=team["inspector"])
    # Nobody has answered "Did you interview the case manager?": not recorded, so not "zero".
    assert (
        annexe(inspection)["interviews"] == '<span class="placeholder">[interviews not yet recorded]</span>'
    )

    # Quality assurance returns one case; its inspector ticks the interview on the facts page and submits.
    cases.case_return(inspection=inspection, case_id=case.pk, user=team["lead"], reason="Say if interviewed.")
    case.refresh_from_db()
    cases.case_facts_save(
        inspection=inspection,
        case_id=case.pk,
        user=team["inspector"],
        changes={"case_manager_interviewed": True},
        version=case.version,
    )
    cases.case_submit(inspection=inspection, case_id=case.pk, user=team["inspector"])
    assert annexe(inspection)["interviews"].startswith(
        "During the main fieldwork phase, we conducted one interview"
    )

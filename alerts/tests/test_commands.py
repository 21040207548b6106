"""alerts_open: an inspection's open alerts for the lead inspector, as lines or JSON."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from alerts.factories import AlertFactory
from alerts.models import AlertStatus, Concern, NotifiedHow
from cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("alerts_open", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def alerts(team, case):
    now = timezone.now()
    old = AlertFactory(
        case=case,
        concern=Concern.HARM_TO_OTHERS,
        notified_at=now - datetime.timedelta(days=3, hours=2),
        notified_how=NotifiedHow.TELEPHONE,
    )
    recent = AlertFactory(
        case=CaseFactory(inspection=case.inspection, reference="OOC-02"),
        notified_name="Ali Deputy",
        notified_role="Operations manager",
        notified_at=now - datetime.timedelta(hours=4, minutes=5),
    )
    AlertFactory(
        case=case,
        status=AlertStatus.RESOLVED,
        service_action="Done.",
        confirmed_by_name="Sam Manager",
        resolved_by=team["lead"],
        resolved_at=now,
    )
    return old, recent


def test_lines_list_the_open_alerts_longest_open_first(team, alerts):
    lines = run(team["inspection"].reference).splitlines()
    assert lines[0] == f"{team['inspection'].reference}: 2 open alerts"
    assert lines[1].startswith(
        "  Alert 1 on case COURT-07: open 3 days (over 2 days); Risk of harm to others; "
        "told Sam Manager, Head of service (by telephone, "
    )
    assert lines[2].startswith(
        "  Alert 2 on case OOC-02: open 4 hours; The child's safety and wellbeing; "
        "told Ali Deputy, Operations manager (in person, "
    )
    assert len(lines) == 3  # the resolved alert is left out


def test_json(team, alerts):
    document = json.loads(run(team["inspection"].reference.lower(), "--json"))
    assert [(a["alert"], a["case"], a["open_for"], a["overdue"]) for a in document] == [
        (1, "COURT-07", "3 days", True),
        (2, "OOC-02", "4 hours", False),
    ]
    assert document[0]["concern"] == "Risk of harm to others"
    assert document[0]["notified"]["name"] == "Sam Manager"
    assert document[0]["open_hours"] == 74
    assert datetime.datetime.fromisoformat(document[1]["notified"]["at"]) == alerts[1].notified_at


def test_no_open_alerts(team):
    assert run(team["inspection"].reference) == f"{team['inspection'].reference}: no open alerts.\n"
    assert json.loads(run(team["inspection"].reference, "--json")) == []


def test_an_unknown_inspection_is_an_error(db):
    with pytest.raises(CommandError, match="There is no inspection NOPE-1"):
        run("NOPE-1")

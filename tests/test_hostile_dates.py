"""Issue 13 item 10: a date with a year of 10^30 on the alert, meeting, inspection and security-event filter
forms is a form error in words, not an OverflowError (a 500)."""

import pytest

from alerts.forms import AlertRaiseForm
from audit.models import SecurityEvent
from fieldwork.forms import MeetingForm
from inspections.factories import InspectionFactory
from inspections.forms import InspectionForm

pytestmark = pytest.mark.django_db

HUGE = str(10**30)


def date(prefix, year=HUGE, month="3", day="4"):
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


@pytest.mark.parametrize("year", [HUGE, "9" * 4000, "-1", "0"])
def test_the_alert_form(framework, year):
    form = AlertRaiseForm(date("notified_date", year), inspection=InspectionFactory())
    assert not form.is_valid()
    assert form.errors["notified_date"]


def test_the_meeting_form():
    form = MeetingForm(date("held_on"))
    assert not form.is_valid()
    assert form.errors["held_on"] == ["The date of the meeting must be a real date"]


def test_the_inspection_form(administrator):
    form = InspectionForm(
        {
            **date("fieldwork_start"),
            **date("fieldwork_end", day=HUGE),
            **date("announcement_date", month=HUGE),
        },
        creating=True,
        user=administrator,
    )
    assert not form.is_valid()
    assert form.errors["fieldwork_start"] == ["The date fieldwork starts must be a real date"]
    assert form.errors["fieldwork_end"] == ["The date fieldwork ends must be a real date"]
    assert form.errors["announcement_date"] == ["The date of the announcement must be a real date"]


def test_the_security_event_filter(client, administrator):
    client.force_login(administrator)
    SecurityEvent.objects.all().delete()
    response = client.get("/security-events/", {**date("date_from"), **date("date_to", year="2025")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a real date, like 27 3 2025" in html

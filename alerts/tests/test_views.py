"""The alert pages through Django's test client: the case page's link, raising (every problem listed at once),
the alert, the resolve form (and a stale one), the register and the inspection page's count."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts.factories import AlertFactory
from alerts.models import Alert, AlertStatus
from audit.models import EventKind, SecurityEvent
from cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def task_list(case):
    return reverse("cases:task-list", kwargs={"reference": case.inspection.reference, "case_id": case.pk})


def raise_url(case):
    return reverse("alerts:raise", kwargs={"reference": case.inspection.reference, "case_id": case.pk})


def alert_url(alert, name="alert"):
    return reverse(f"alerts:{name}", kwargs={"reference": alert.inspection.reference, "number": alert.number})


def register_url(inspection):
    return reverse("alerts:register", kwargs={"reference": inspection.reference})


def form(**changes):
    today = timezone.localdate()
    return {
        "concern": "harm_to_others",
        "findings": "The child has threatened a named classmate; nobody has told the school.",
        "action_requested": "Tell the school and review the risk management plan today.",
        "notified_name": "Sam Manager",
        "notified_role": "Head of service",
        "notified_how": "in_person",
        "notified_date_0": str(today.day),
        "notified_date_1": str(today.month),
        "notified_date_2": str(today.year),
        "notified_time": "00:00",
        **changes,
    }


def test_the_case_page_offers_raise_an_alert_to_its_inspector_and_the_lead_only(client, team, case):
    for who, offered in [("inspector", True), ("lead", True), ("colleague", False), ("panel", False)]:
        client.force_login(team[who])
        page = client.get(task_list(case)).content.decode()
        assert "Alerts on this case" in page
        assert (raise_url(case) in page) is offered, who


def test_the_case_page_lists_its_alerts(client, team, case):
    AlertFactory(case=case)
    AlertFactory(case=CaseFactory(inspection=case.inspection))  # another case's alert 2
    client.force_login(team["colleague"])
    page = client.get(task_list(case)).content.decode()
    assert "Alert 1: The child&#x27;s safety and wellbeing" in page
    assert "Alert 2" not in page


def test_raising_an_alert_from_the_form(client, team, case):
    client.force_login(team["inspector"])
    blank = client.get(raise_url(case)).content.decode()
    assert 'data-prevent-double-click="true"' in blank  # a double click raises one alert, emails once
    response = client.post(raise_url(case), form())
    alert = Alert.objects.get()
    assert response.status_code == 302 and response.url == alert_url(alert)
    assert alert.raised_by == team["inspector"] and alert.concern == "harm_to_others"
    assert timezone.localtime(alert.notified_at).time() == datetime.time(0, 0)
    assert len(mail.outbox) == 1
    assert SecurityEvent.objects.get(kind=EventKind.ALERT_RAISED).path == raise_url(case)
    page = client.get(response.url).content.decode()
    assert "Alert 1 is raised. The lead inspector has been emailed." in page
    assert "The child has threatened a named classmate" in page


def test_an_empty_form_lists_every_problem_and_writes_nothing(client, team, case):
    client.force_login(team["inspector"])
    response = client.post(raise_url(case), {})
    assert response.status_code == 200
    page = response.content.decode()
    for message in [
        "Choose what the concern is about",
        "Say what you found that puts someone at risk",
        "Say what you asked the service to do",
        "Enter the name of the person you told at the service",
        "Enter the role of the person you told at the service",
        "Choose how you told them",
        "Enter the date and time you told them",
    ]:
        assert page.count(message) == 2, message  # in the error summary and at the field
    assert "<title>Error: Raise an alert" in page
    assert not Alert.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"notified_time": "25:10"}, "Enter the time as hours and minutes, for example 14:30"),
        ({"notified_time": "13:30pm"}, "Enter the time as hours and minutes, for example 14:30"),
        ({"notified_time": "0:15am"}, "Enter the time as hours and minutes, for example 14:30"),
        ({"notified_time": ""}, "Enter the time you told them"),
        ({"notified_date_0": "31", "notified_date_1": "2"}, "The date you told them must be a real date"),
        (
            {"notified_date_0": "11", "notified_date_1": "7", "notified_date_2": "2021"},
            "must be on or after the start of fieldwork, 12 July 2021",
        ),
        (
            {"notified_date_2": str(timezone.localdate().year + 1)},
            "The time you told them must be now or in the past",
        ),
    ],
)
def test_the_date_and_time_are_checked(client, team, case, changes, field_message):
    client.force_login(team["inspector"])
    response = client.post(raise_url(case), form(**changes))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not Alert.objects.exists()


def test_a_time_in_the_afternoon_may_be_written_with_pm(client, team, case):
    client.force_login(team["lead"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.post(
        raise_url(case),
        form(
            notified_time="2.30pm",
            notified_date_0=str(yesterday.day),
            notified_date_1=str(yesterday.month),
            notified_date_2=str(yesterday.year),
        ),
    )
    assert timezone.localtime(Alert.objects.get().notified_at).time() == datetime.time(14, 30)


def test_others_on_the_team_cannot_post_an_alert(client, team, case):
    client.force_login(team["colleague"])
    assert client.post(raise_url(case), form()).status_code == 403
    assert not Alert.objects.exists()


def test_the_resolve_page_says_it_is_recorded_on_the_managers_behalf(client, team, case):
    alert = AlertFactory(case=case)
    client.force_login(team["lead"])
    page = client.get(alert_url(alert, "resolve")).content.decode()
    assert "The service's manager has no account here" in page
    assert 'value="Sam Manager"' in page  # the person told, offered as the one who confirms


def test_resolving_from_the_form(client, team, case):
    alert = AlertFactory(case=case)
    client.force_login(team["lead"])
    response = client.post(
        alert_url(alert, "resolve"),
        {"service_action": "Safety plan made.", "confirmed_by_name": "Sam Manager", "version": "1"},
    )
    assert response.status_code == 302 and response.url == register_url(case.inspection)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.resolved_by == team["lead"]


def test_a_stale_resolve_form_shows_who_saved_first_and_keeps_what_was_typed(client, team, case):
    alert = AlertFactory(case=case, raised_by=team["inspector"])
    client.force_login(team["lead"])
    client.post(
        alert_url(alert, "resolve"),
        {"service_action": "The lead's record.", "confirmed_by_name": "Sam Manager", "version": "1"},
    )
    client.force_login(team["inspector"])
    response = client.post(
        alert_url(alert, "resolve"),
        {"service_action": "The inspector's record.", "confirmed_by_name": "Sam Manager", "version": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lee Dean recorded the service&#x27;s confirmation at" in page
    assert "The lead&#x27;s record." in page  # the alert as it is now
    alert.refresh_from_db()
    assert alert.service_action == "The lead's record."


def test_a_resolve_form_with_nothing_in_it_lists_both_problems(client, team, case):
    alert = AlertFactory(case=case)
    client.force_login(team["lead"])
    page = client.post(
        alert_url(alert, "resolve"), {"service_action": "", "confirmed_by_name": "", "version": "1"}
    ).content.decode()
    assert "Say what the service confirmed it has done" in page
    assert "Enter the name of the person at the service who confirmed it" in page
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_the_register_puts_open_alerts_first_and_warns_of_those_open_over_two_days(client, team, case):
    now = timezone.now()
    old = AlertFactory(case=case, notified_at=now - datetime.timedelta(days=3, hours=1))
    recent = AlertFactory(case=case, notified_at=now - datetime.timedelta(hours=5))
    resolved = AlertFactory(
        case=case,
        notified_at=now - datetime.timedelta(days=4),
        status=AlertStatus.RESOLVED,
        service_action="Done.",
        confirmed_by_name="Sam Manager",
        resolved_by=team["lead"],
        resolved_at=now - datetime.timedelta(days=1),
    )
    client.force_login(team["panel"])
    page = client.get(register_url(case.inspection)).content.decode()
    assert "<strong>2 open</strong>, 1 resolved" in page
    assert "1 alert has been open for more than 2 days" in page
    assert page.index(f'id="alert-{old.number}"') < page.index(f'id="alert-{recent.number}"')
    assert page.index(f'id="alert-{recent.number}"') < page.index(f'id="alert-{resolved.number}"')
    assert "3 days" in page and "5 hours" in page


def test_no_warning_while_every_open_alert_is_recent(client, team, case):
    AlertFactory(case=case, notified_at=timezone.now() - datetime.timedelta(days=1, hours=23))
    client.force_login(team["lead"])
    page = client.get(register_url(case.inspection)).content.decode()
    assert "govuk-warning-text" not in page
    assert "<strong>1 open</strong>, 0 resolved" in page


def test_the_inspection_page_shows_the_open_alerts_and_links_to_the_register(client, team, case):
    detail = reverse("inspections:detail", kwargs={"reference": case.inspection.reference})
    client.force_login(team["colleague"])
    page = client.get(detail).content.decode()
    assert "None open" in page and register_url(case.inspection) in page
    AlertFactory(case=case, notified_at=timezone.now() - datetime.timedelta(days=3))
    AlertFactory(case=case)
    page = client.get(detail).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">2 open</strong>' in page
    assert "1 alert has been open for more than 2 days." in page


def test_the_register_runs_a_fixed_number_of_queries(client, team, case, django_assert_max_num_queries):
    client.force_login(team["lead"])
    for _ in range(5):
        AlertFactory(case=CaseFactory(inspection=case.inspection))
    with django_assert_max_num_queries(12):
        assert client.get(register_url(case.inspection)).status_code == 200


def test_another_inspections_alert_number_is_not_found(client, team, case):
    other = AlertFactory(case=CaseFactory())
    client.force_login(team["lead"])
    url = reverse("alerts:alert", kwargs={"reference": team["inspection"].reference, "number": other.number})
    assert client.get(url).status_code == 404

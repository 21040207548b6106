"""Raising and resolving alerts: what is checked, who may, what is written (and nothing on a refusal), the
email to the lead inspector and the security event."""

import datetime
import re
import socket

import pytest
from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone

from alerts import services
from alerts.factories import AlertFactory
from alerts.models import Alert, AlertStatus, Concern, NotifiedHow
from audit.models import EventKind, SecurityEvent
from cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def details(**changes) -> dict:
    """What an inspector records when raising an alert, told an hour ago."""
    return {
        "concern": Concern.CHILD_SAFETY,
        "findings": "The child disclosed threats from an older group; no safety plan was made.",
        "action_requested": "Make a safety plan today and refer to children's social care.",
        "notified_name": "Sam Manager",
        "notified_role": "Head of service",
        "notified_how": NotifiedHow.TELEPHONE,
        "notified_at": timezone.now() - datetime.timedelta(hours=1),
        **changes,
    }


def request_by(user):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    request.user = user
    return request


def test_the_allocated_inspector_raises_an_alert_which_is_open_and_numbered(team, case):
    raised = services.alert_raise(case=case, raised_by=team["inspector"], **details())
    alert = Alert.objects.get()
    assert raised.alert == alert
    assert (alert.inspection, alert.case, alert.number, alert.status) == (
        team["inspection"],
        case,
        1,
        AlertStatus.OPEN,
    )
    assert alert.raised_by == team["inspector"]
    assert alert.notified_name == "Sam Manager" and alert.notified_how == NotifiedHow.TELEPHONE
    assert alert.events.count() == 1  # the history (django-pghistory) has its insert

    second = services.alert_raise(case=case, raised_by=team["lead"], **details()).alert
    assert second.number == 2


def test_numbers_are_per_inspection(team, case):
    AlertFactory(case=CaseFactory())  # alert 1 of another inspection
    assert services.alert_raise(case=case, raised_by=team["inspector"], **details()).alert.number == 1


def test_raising_lists_every_problem_and_writes_nothing(team, case):
    with pytest.raises(ValidationError) as refused:
        services.alert_raise(
            case=case,
            raised_by=team["inspector"],
            concern="",
            findings="  ",
            action_requested="",
            notified_name="",
            notified_role=" ",
            notified_how="shouted",
            notified_at=None,
        )
    assert refused.value.message_dict == {
        "concern": ["Choose what the concern is about"],
        "findings": ["Say what you found that puts someone at risk"],
        "action_requested": ["Say what you asked the service to do"],
        "notified_name": ["Enter the name of the person you told at the service"],
        "notified_role": ["Enter the role of the person you told at the service"],
        "notified_how": ["Choose how you told them"],
        "notified_at": ["Enter the date and time you told them"],
    }
    assert not Alert.objects.exists()
    assert not SecurityEvent.objects.filter(kind=EventKind.ALERT_RAISED).exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("notified_at", "message"),
    [
        (timezone.now() + datetime.timedelta(hours=2), "The time you told them must be now or in the past"),
        (
            timezone.make_aware(datetime.datetime(2021, 7, 11, 16, 0)),
            "The time you told them must be on or after the start of fieldwork, 12 July 2021",
        ),
    ],
)
def test_the_time_the_service_was_told_is_not_in_the_future_nor_before_fieldwork(
    team, case, notified_at, message
):
    with pytest.raises(ValidationError) as refused:
        services.alert_raise(case=case, raised_by=team["inspector"], **details(notified_at=notified_at))
    assert refused.value.message_dict == {"notified_at": [message]}
    assert not Alert.objects.exists()


def test_the_first_morning_of_fieldwork_is_allowed(team, case):
    first_morning = timezone.make_aware(datetime.datetime(2021, 7, 12, 0, 30))  # 11 July 23:30 in UTC
    alert = services.alert_raise(case=case, raised_by=team["inspector"], **details(notified_at=first_morning))
    assert alert.alert.notified_at == first_morning


@pytest.mark.parametrize("who", ["colleague", "qa", "panel"])
def test_only_the_allocated_inspector_and_the_lead_raise_alerts(team, case, who):
    with pytest.raises(PermissionDenied, match="allocated to and the lead inspector"):
        services.alert_raise(case=case, raised_by=team[who], **details())
    assert not Alert.objects.exists()
    assert mail.outbox == []


def test_an_administrator_does_not_raise_alerts(team, case, administrator):
    with pytest.raises(PermissionDenied):
        services.alert_raise(case=case, raised_by=administrator, **details())


def test_raising_emails_the_lead_inspector_a_link_and_nothing_about_the_child(team, case):
    services.alert_raise(
        case=case, raised_by=team["inspector"], request=request_by(team["inspector"]), **details()
    )
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [team["lead"].email]
    assert email.subject == f"Alert 1 raised on inspection {team['inspection'].reference}"
    assert f"http://testserver/inspections/{team['inspection'].reference}/alerts/1/" in email.body
    assert f"Ines Pector raised alert 1 on inspection {team['inspection'].reference}" in email.body
    text = email.subject + email.body
    for secret in (
        case.reference,  # case references are kept out of anything that leaves the application
        case.child_id,
        "14 March 2005",
        "2005-03-14",
        "14/03/2005",
        case.case_manager,
        "Morgan",
        "threats",  # what the inspector found
        "safety plan",  # what the service was asked to do
        "Sam Manager",
    ):
        assert secret not in text, secret
    assert email.alternatives == [] and email.attachments == []


def test_a_lead_without_an_email_address_is_not_emailed_and_the_alert_stands(team, case):
    team["lead"].email = ""
    team["lead"].save()
    raised = services.alert_raise(case=case, raised_by=team["inspector"], **details())
    assert raised.lead_emailed is False
    assert Alert.objects.count() == 1 and mail.outbox == []


def test_an_email_that_cannot_be_sent_leaves_the_alert_raised(team, case, settings):
    with socket.socket() as probe:  # a port nothing listens on: the mail server is down
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    raised = services.alert_raise(case=case, raised_by=team["inspector"], **details())
    assert raised.lead_emailed is False
    assert Alert.objects.get().status == AlertStatus.OPEN


def test_raising_records_a_security_event(team, case):
    alert = services.alert_raise(
        case=case, raised_by=team["inspector"], request=request_by(team["inspector"]), **details()
    ).alert
    event = SecurityEvent.objects.get(kind=EventKind.ALERT_RAISED)
    assert event.user == team["inspector"]
    assert event.ip_address == "203.0.113.9"
    assert (event.object_type, event.object_id) == ("alerts.alert", str(alert.pk))
    assert event.detail == f"Alert 1 raised on case COURT-07 of {team['inspection'].reference}"
    assert case.child_id not in event.detail + event.object_repr


# --- resolving ----------------------------------------------------------------------------------------------


def resolve(alert, user, **changes):
    return services.alert_resolve(
        alert_id=alert.pk,
        resolved_by=user,
        **{
            "service_action": "A safety plan was agreed with the child and a referral made to social care.",
            "confirmed_by_name": "Sam Manager",
            "version": alert.version,
            **changes,
        },
    )


@pytest.mark.parametrize("who", ["lead", "inspector"])
def test_the_lead_or_the_inspector_who_raised_it_records_the_confirmation(team, case, who):
    alert = AlertFactory(case=case, raised_by=team["inspector"])
    resolved = resolve(alert, team[who])
    alert.refresh_from_db()
    assert alert == resolved
    assert alert.status == AlertStatus.RESOLVED
    assert alert.service_action.startswith("A safety plan was agreed")
    assert alert.confirmed_by_name == "Sam Manager"
    assert alert.resolved_by == team[who] and alert.resolved_at is not None
    assert alert.version == 2
    assert alert.events.count() == 2  # insert, then the resolution


@pytest.mark.parametrize("who", ["colleague", "qa", "panel"])
def test_others_on_the_team_cannot_resolve_an_alert(team, case, who):
    alert = AlertFactory(case=case, raised_by=team["inspector"])
    with pytest.raises(PermissionDenied, match="lead inspector and the inspector who raised"):
        resolve(alert, team[who])
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN and alert.version == 1


def test_resolving_lists_every_problem_and_changes_nothing(team, case):
    alert = AlertFactory(case=case, raised_by=team["inspector"])
    with pytest.raises(ValidationError) as refused:
        resolve(alert, team["lead"], service_action=" ", confirmed_by_name="")
    assert refused.value.message_dict == {
        "service_action": ["Say what the service confirmed it has done"],
        "confirmed_by_name": ["Enter the name of the person at the service who confirmed it"],
    }
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN and alert.service_action == "" and alert.version == 1


def test_a_stale_resolution_is_refused_and_names_who_saved_first(team, case):
    alert = AlertFactory(case=case, raised_by=team["inspector"])
    opened_version = alert.version
    resolve(alert, team["lead"], service_action="The lead's record.")
    with pytest.raises(ValidationError) as refused:
        resolve(alert, team["inspector"], service_action="The inspector's record.", version=opened_version)
    [message] = refused.value.message_dict[NON_FIELD_ERRORS]
    assert re.match(r"^Lee Dean recorded the service's confirmation at \d\d:\d\d on .+; your change", message)
    alert.refresh_from_db()
    assert alert.service_action == "The lead's record." and alert.resolved_by == team["lead"]
    assert alert.version == 2


def test_a_resolved_alert_cannot_be_resolved_again(team, case):
    alert = AlertFactory(case=case, raised_by=team["inspector"])
    resolved = resolve(alert, team["lead"])
    with pytest.raises(ValidationError, match="already resolved"):
        resolve(resolved, team["lead"], service_action="Again.")


def test_an_inspector_who_left_the_team_cannot_resolve_their_alert(team, case):
    alert = AlertFactory(case=case, raised_by=team["colleague"])
    team["inspection"].team.filter(user=team["colleague"]).delete()
    with pytest.raises(PermissionDenied):
        resolve(alert, team["colleague"])

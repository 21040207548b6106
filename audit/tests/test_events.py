"""The security event log: what is recorded, by whom and from where; the retention command."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import ProgrammingError, transaction
from django.test import Client
from django.utils import timezone

from audit.models import EventKind, SecurityEvent
from audit.services import security_event_record
from conftest import PASSWORD
from inspections.factories import InspectionFactory

pytestmark = pytest.mark.django_db


def kinds():
    return list(SecurityEvent.objects.order_by("id").values_list("kind", flat=True))


def test_signing_in_and_out_is_recorded_with_the_address(client, inspector):
    client.post(
        "/accounts/sign-in/", {"username": inspector.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.7"
    )
    client.post("/accounts/sign-out/", REMOTE_ADDR="192.0.2.7")
    signed_in, signed_out = SecurityEvent.objects.order_by("id")
    assert (signed_in.kind, signed_in.user, signed_in.ip_address) == (
        EventKind.SIGNED_IN,
        inspector,
        "192.0.2.7",
    )
    assert (signed_out.kind, signed_out.user_email) == (EventKind.SIGNED_OUT, inspector.email)


def test_failed_sign_ins_and_the_lockout_are_recorded(client, inspector):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/sign-in/", {"username": inspector.email, "password": "wrong"})
    assert sorted(kinds()) == sorted(
        [EventKind.SIGN_IN_FAILED] * settings.AXES_FAILURE_LIMIT + [EventKind.LOCKED_OUT]
    )
    failed = SecurityEvent.objects.filter(kind=EventKind.SIGN_IN_FAILED).first()
    assert failed.user == inspector
    assert failed.detail == f"Email address entered: {inspector.email}"
    assert failed.ip_address == "127.0.0.1"
    assert SecurityEvent.objects.get(kind=EventKind.LOCKED_OUT).user == inspector


def test_a_failed_sign_in_for_an_unknown_address_is_recorded_without_a_user(client, db):
    client.post("/accounts/sign-in/", {"username": "nobody@example.org", "password": "wrong"})
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.detail) == (
        EventKind.SIGN_IN_FAILED,
        None,
        "Email address entered: nobody@example.org",
    )


def test_a_refusal_is_recorded_with_its_reason(client, inspector):
    client.force_login(inspector)
    assert client.get("/security-events/").status_code == 403
    event = SecurityEvent.objects.get(kind=EventKind.PERMISSION_DENIED)
    assert (event.user, event.method, event.path) == (inspector, "GET", "/security-events/")
    assert event.detail == "Only administrators can see the security event log."


def test_a_failed_csrf_check_is_a_recorded_refusal_in_words(inspector):
    client = Client(enforce_csrf_checks=True)
    client.force_login(inspector)
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    event = SecurityEvent.objects.get(kind=EventKind.PERMISSION_DENIED)
    assert event.detail.startswith("The form's security check failed (CSRF")


def test_downloads_are_recorded_with_the_object(rf, inspector, framework):
    inspection = InspectionFactory()
    request = rf.get("/inspections/x/report.pdf", REMOTE_ADDR="198.51.100.4")
    request.user = inspector
    event = security_event_record(
        kind=EventKind.DOWNLOAD, request=request, obj=inspection, detail="PDF report"
    )
    event.refresh_from_db()
    assert (event.user, event.ip_address, event.object_type, event.object_id, event.object_repr) == (
        inspector,
        "198.51.100.4",
        "inspections.inspection",
        str(inspection.pk),
        str(inspection),
    )


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(rf, settings, inspector):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert (
        security_event_record(kind=EventKind.EXPORT, request=request, user=inspector).ip_address
        == "203.0.113.9"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert (
        security_event_record(kind=EventKind.EXPORT, request=request, user=inspector).ip_address == "10.0.0.2"
    )


def test_events_cannot_be_changed(inspector):
    event = security_event_record(kind=EventKind.EXPORT, user=inspector)
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(detail="nothing to see")
    event.refresh_from_db()
    assert event.detail == ""


def test_the_retention_command_deletes_only_older_events(settings, inspector):
    settings.SECURITY_EVENT_RETENTION_DAYS = 30
    old = security_event_record(kind=EventKind.SIGNED_IN, user=inspector)
    SecurityEvent.objects.filter(pk=old.pk).delete()
    SecurityEvent.objects.create(kind=EventKind.SIGNED_IN, occurred_at=timezone.now() - timedelta(days=31))
    kept = SecurityEvent.objects.create(
        kind=EventKind.SIGNED_IN, occurred_at=timezone.now() - timedelta(days=29)
    )
    out = io.StringIO()
    call_command("delete_old_security_events", stdout=out)
    assert list(SecurityEvent.objects.all()) == [kept]
    assert out.getvalue().strip() == "Deleted 1 security event older than 30 days."
    call_command("delete_old_security_events", days=1, stdout=out)
    assert not SecurityEvent.objects.exists()
    with pytest.raises(CommandError, match="at least one day"):
        call_command("delete_old_security_events", days=0)

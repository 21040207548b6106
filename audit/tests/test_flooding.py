"""Issue 13 item 14: repeated events from one source are counted in one row per interval (a count and the
first and last time seen), not one row each, so an anonymous visitor cannot fill the log."""

import pytest
from django.db import ProgrammingError, transaction
from django.test import Client

from audit.models import EventKind, SecurityEvent

pytestmark = pytest.mark.django_db


def failed_csrf(address="198.51.100.9", path="/accounts/sign-out/"):
    return Client(enforce_csrf_checks=True).post(path, {}, REMOTE_ADDR=address)


def test_repeated_anonymous_failed_csrf_checks_are_one_row_with_a_count(db):
    for _ in range(30):
        assert failed_csrf().status_code == 403
    event = SecurityEvent.objects.get()
    assert (event.kind, event.ip_address, event.count) == (EventKind.PERMISSION_DENIED, "198.51.100.9", 30)
    assert event.last_seen >= event.occurred_at


def test_the_same_address_on_other_paths_is_still_one_row(db):
    for n in range(10):
        failed_csrf(path=f"/inspections/X-{n}/")
    assert SecurityEvent.objects.get().count == 10


def test_another_address_is_another_row(db):
    failed_csrf("198.51.100.9")
    failed_csrf("198.51.100.9")
    failed_csrf("203.0.113.4")
    assert sorted(SecurityEvent.objects.values_list("ip_address", "count")) == [
        ("198.51.100.9", 2),
        ("203.0.113.4", 1),
    ]


def test_a_signed_in_persons_events_are_kept_apart_from_anonymous_ones(inspector):
    failed_csrf()
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(inspector)
    signed_in.post("/accounts/sign-out/", {}, REMOTE_ADDR="198.51.100.9")
    rows = SecurityEvent.objects.filter(kind=EventKind.PERMISSION_DENIED)
    assert {(row.user_id, row.count) for row in rows} == {(None, 1), (inspector.pk, 1)}


def test_the_page_shows_the_count_and_the_last_time(client, administrator):
    for _ in range(3):
        failed_csrf()
    client.force_login(administrator)
    html = client.get("/security-events/").content.decode()
    assert "3 times" in html
    assert "last " in html


def test_only_the_count_and_last_seen_can_change_and_the_count_only_goes_up(db):
    failed_csrf()
    event = SecurityEvent.objects.get()
    for change in ({"detail": "rewritten"}, {"ip_address": "192.0.2.1"}, {"count": 0}):
        with pytest.raises(ProgrammingError), transaction.atomic():
            SecurityEvent.objects.filter(pk=event.pk).update(**change)

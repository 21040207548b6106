from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import EventKind, SecurityEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    SecurityEvent.objects.all().delete()  # the sign-in itself
    return client


@pytest.fixture
def events(administrator_client, inspector):
    now = timezone.now()
    for days in range(60):
        SecurityEvent.objects.create(
            kind=EventKind.DOWNLOAD if days % 2 else EventKind.SIGNED_IN,
            occurred_at=now - timedelta(days=days),
            user=inspector,
            user_email=inspector.email,
            ip_address="192.0.2.1",
            object_repr=f"Report {days}",
        )


def test_administrators_see_the_newest_events_first_in_pages(
    administrator_client, events, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        html = administrator_client.get("/security-events/").content.decode()
    assert "<title>Security events – Inspect youth justice services</title>" in html
    assert "60 events" in html
    assert html.index("Report 0") < html.index("Report 1<")
    assert "Report 49" in html and "Report 50" not in html
    assert "Page 2 of 2" in html
    assert "Report 50" in administrator_client.get("/security-events/?page=2").content.decode()


def test_events_filter_by_kind_and_dates(administrator_client, events):
    html = administrator_client.get("/security-events/", {"kind": EventKind.DOWNLOAD}).content.decode()
    assert "30 events" in html
    week_ago = timezone.localdate() - timedelta(days=7)
    three_days_ago = timezone.localdate() - timedelta(days=3)
    html = administrator_client.get(
        "/security-events/",
        {
            "kind": "",
            "date_from_0": week_ago.day,
            "date_from_1": week_ago.month,
            "date_from_2": week_ago.year,
            "date_to_0": three_days_ago.day,
            "date_to_1": three_days_ago.month,
            "date_to_2": three_days_ago.year,
        },
    ).content.decode()
    assert "5 events" in html
    assert "Report 7" in html and "Report 3" in html and "Report 8" not in html and "Report 2<" not in html


def test_a_wrong_filter_is_explained_and_shows_everything(administrator_client, events):
    html = administrator_client.get(
        "/security-events/",
        {
            "date_from_0": "31",
            "date_from_1": "2",
            "date_from_2": "2024",
            "date_to_0": "1",
            "date_to_1": "1",
            "date_to_2": "2024",
        },
    ).content.decode()
    assert "<title>Error: Security events" in html
    assert "Enter a real date, like 27 3 2025" in html
    assert "60 events" in html


def test_a_filter_with_no_match_says_so(administrator_client, events):
    html = administrator_client.get("/security-events/", {"kind": EventKind.RESTORE}).content.decode()
    assert "No events match." in html

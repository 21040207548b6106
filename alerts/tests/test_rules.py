"""alerts/rules.py: how long an alert has been open, and when it is overdue (calendar days)."""

import datetime

import pytest

from alerts import rules

NOW = datetime.datetime(2021, 7, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("elapsed", "words"),
    [
        (datetime.timedelta(minutes=59), "under an hour"),
        (datetime.timedelta(hours=1), "1 hour"),
        (datetime.timedelta(hours=23, minutes=59), "23 hours"),
        (datetime.timedelta(days=1), "1 day"),
        (datetime.timedelta(days=2, hours=23), "2 days"),
    ],
)
def test_age_in_words(elapsed, words):
    assert rules.age_in_words(since=NOW - elapsed, now=NOW) == words


def test_overdue_after_two_calendar_days():
    assert not rules.is_overdue(notified_at=NOW - datetime.timedelta(days=2), now=NOW)
    assert rules.is_overdue(notified_at=NOW - datetime.timedelta(days=2, seconds=1), now=NOW)
    # A weekend counts: told on Friday afternoon, overdue on Sunday evening.
    friday = datetime.datetime(2021, 7, 16, 15, 0, tzinfo=datetime.UTC)
    assert rules.is_overdue(notified_at=friday, now=friday + datetime.timedelta(days=2, hours=3))

"""The scheduled jobs (Celery beat): the schedule names each task, each task is registered with the worker's
app, and each does its job against the real database."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from audit.models import EventKind, SecurityEvent
from audit.tasks import delete_old_security_events
from config.celery import app
from inspections.factories import InspectionFactory
from reports import services as report_services
from reports.models import Render, RenderStatus
from reports.tasks import sweep_stale_renders

JOBS = {
    "clear-expired-sessions": "accounts.tasks.clear_expired_sessions",
    "delete-old-security-events": "audit.tasks.delete_old_security_events",
    "sweep-stale-renders": "reports.tasks.sweep_stale_renders",
}


def test_the_beat_schedule_names_each_job_and_the_worker_knows_each_task():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {name: entry["task"] for name, entry in schedule.items()} == JOBS
    app.autodiscover_tasks(force=True)  # as the worker does at start
    for task in JOBS.values():
        assert task in app.tasks, task
    # Each runs at least daily; the sweep within the time after which a render counts as stuck.
    for entry in schedule.values():
        every = entry["schedule"]
        if not isinstance(every, timedelta):
            every = every.remaining_estimate(timezone.localtime())
        assert every <= timedelta(days=1)
    assert schedule["sweep-stale-renders"]["schedule"] <= report_services.RENDER_STALE_AFTER


@pytest.mark.django_db
def test_clearing_sessions_deletes_only_expired_ones():
    expired, live = SessionStore(), SessionStore()
    expired["unsaved"] = "x" * 1000
    expired.set_expiry(-60)
    expired.create()
    live["unsaved"] = "kept"
    live.create()
    clear_expired_sessions.apply().get()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


@pytest.mark.django_db
def test_deleting_old_security_events_keeps_the_retention_period(settings):
    settings.SECURITY_EVENT_RETENTION_DAYS = 30
    SecurityEvent.objects.create(kind=EventKind.SIGNED_IN, occurred_at=timezone.now() - timedelta(days=31))
    kept = SecurityEvent.objects.create(
        kind=EventKind.SIGNED_IN, occurred_at=timezone.now() - timedelta(days=29)
    )
    assert delete_old_security_events.apply().get() == 1
    assert list(SecurityEvent.objects.all()) == [kept]


@pytest.mark.django_db
def test_sweeping_queues_a_stuck_render_again_and_leaves_a_fresh_one(framework):
    inspection = InspectionFactory()
    stuck = report_services.render_request(inspection=inspection, user=None)
    fresh = report_services.render_request(inspection=inspection, user=None)
    long_ago = timezone.now() - report_services.RENDER_STALE_AFTER - timedelta(minutes=1)
    Render.objects.filter(pk=stuck.pk).update(status=RenderStatus.RENDERING, attempts=1, updated_at=long_ago)
    Render.objects.filter(pk=fresh.pk).update(status=RenderStatus.RENDERING, attempts=1)
    assert sweep_stale_renders.apply().get() == [stuck.pk]
    assert Render.objects.get(pk=stuck.pk).status == RenderStatus.QUEUED
    assert Render.objects.get(pk=fresh.pk).status == RenderStatus.RENDERING

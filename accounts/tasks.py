"""Scheduled jobs of the accounts app, run by Celery beat (CELERY_BEAT_SCHEDULE in config/settings/base.py)."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Django's `clearsessions`: deletes the expired sessions of the configured session engine."""
    call_command("clearsessions")

"""Scheduled jobs of the audit app, run by Celery beat (CELERY_BEAT_SCHEDULE in config/settings/base.py)."""

from celery import shared_task

from .services import security_events_delete_older_than


@shared_task
def delete_old_security_events() -> int:
    """Deletes security events older than SECURITY_EVENT_RETENTION_DAYS; returns how many."""
    return security_events_delete_older_than()

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .addresses import client_ip
from .models import EventKind, SecurityEvent


def security_event_record(
    *,
    kind: EventKind | str,
    request=None,
    user=None,
    obj: models.Model | None = None,
    detail: str = "",
) -> SecurityEvent:
    """Records a security event: who (the user, or the request's signed-in user), from where (the
    request's address and path), on what (`obj`, e.g. the report downloaded) and any `detail` in words.

    Other apps call it for downloads and exports: `security_event_record(kind=EventKind.DOWNLOAD,
    request=request, obj=render)`.
    """
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    event = SecurityEvent(
        kind=kind,
        user=user,
        user_email=user.email if user is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        method=(request.method or "")[:10] if request is not None else "",
        path=(request.path or "")[:500] if request is not None else "",
        detail=str(detail)[:500],
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk)[:64]
        event.object_repr = str(obj)[:200]
    event.full_clean(exclude=["user"])  # the user is the one at hand: no query to check it exists
    event.save()
    return event


@transaction.atomic
def security_events_delete_older_than(*, days: int | None = None) -> int:
    """Deletes the events older than `days` (by default SECURITY_EVENT_RETENTION_DAYS); returns how many."""
    days = settings.SECURITY_EVENT_RETENTION_DAYS if days is None else days
    if days < 1:
        raise ValueError("Keep security events for at least one day.")
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = SecurityEvent.objects.filter(occurred_at__lt=cutoff).delete()
    return deleted

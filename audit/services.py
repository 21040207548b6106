import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .addresses import client_ip
from .models import EventKind, SecurityEvent

COUNTED_KINDS = frozenset({EventKind.PERMISSION_DENIED, EventKind.PASSWORD_RESET_REQUESTED})
"""Kinds anyone can cause over and over without signing in (a failed CSRF check, a refused page, a reset asked
for): repeated from one source within SECURITY_EVENT_COUNT_SECONDS they are one row with a count and the
first and last time seen. Sign-in failures stay one row each (django-axes limits them)."""


def _bucket(event: SecurityEvent) -> str:
    """The source and the interval a counted event belongs to. An anonymous source is its address (whatever
    path it tries); a signed-in person's is the person, the address, the page and the object."""
    interval = max(1, int(settings.SECURITY_EVENT_COUNT_SECONDS))
    window = int(event.occurred_at.timestamp()) // interval
    source = [event.kind, event.ip_address or "", event.user_email, event.detail]
    if event.user_id is not None:
        source += [str(event.user_id), event.method, event.path, event.object_type, event.object_id]
    return hashlib.sha256("\x1f".join([*source, str(interval), str(window)]).encode()).hexdigest()


def _record_counted(event: SecurityEvent) -> SecurityEvent:
    """Insert the event, or count one more on the row of its source and interval (one statement, so that
    concurrent requests never make two rows)."""
    event.bucket = _bucket(event)
    fields = [f for f in SecurityEvent._meta.concrete_fields if f.name not in ("id", "count", "last_seen")]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    table = connection.ops.quote_name(SecurityEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}, count, last_seen) "
            f"VALUES ({', '.join(['%s'] * len(fields))}, 1, %s) "
            f"ON CONFLICT (bucket) DO UPDATE SET count = {table}.count + 1, last_seen = EXCLUDED.last_seen "
            "RETURNING id, count",
            [*values, event.occurred_at],
        )
        event.pk, event.count = cursor.fetchone()
    event.last_seen = event.occurred_at
    return event


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
    event.full_clean(exclude=["user", "bucket"])  # the user is the one at hand: no query to check it exists
    if event.kind in COUNTED_KINDS:
        return _record_counted(event)
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

from datetime import date

from django.db.models import QuerySet

from .models import SecurityEvent


def security_events_list(
    *, kind: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[SecurityEvent]:
    """Events newest first, of one kind if given, between two dates (inclusive, in UK time) if given."""
    events = SecurityEvent.objects.select_related("user")
    if kind:
        events = events.filter(kind=kind)
    if date_from:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__date__lte=date_to)
    return events

"""The rule of publication, in one place: once an inspection is published its data are frozen.

Every app that writes an inspection's data (cases and answers, quality assurance, sampling, ratings, the
report's text) asks `refuse_if_published` inside its write transaction, before it changes anything. The
refusal is a PermissionDenied, so a page shows its message on the 403 page and a JSON endpoint answers 403.

Publishing locks the inspection's row FOR UPDATE and sets `published_at`; a write that is not holding that
lock itself reads the row FOR SHARE, so a write in flight finishes before a publication starts, and a write
that starts while one is in progress waits for it and then sees it.
"""

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import dateformat, timezone

from .models import Inspection

PUBLISHED_MESSAGE = "This inspection was published on {day}. Its data can no longer be changed."


def published_message(inspection: Inspection) -> str:
    day = dateformat.format(timezone.localtime(inspection.published_at), "j F Y")
    return PUBLISHED_MESSAGE.format(day=day)


class InspectionPublished(PermissionDenied):
    """A write to a published inspection's data was refused; the message says since when."""

    def __init__(self, inspection: Inspection):
        self.inspection = inspection
        super().__init__(published_message(inspection))


def refuse_if_published(inspection: Inspection, *, reread: bool = True) -> None:
    """Raises InspectionPublished if the inspection is published. Call it inside the write's transaction.

    The row is read again FOR SHARE (held until the transaction ends) and `inspection` updated, unless
    `reread=False`: the caller has just read it with select_for_update, so its `published_at` is current
    (or only wants to know early, before the service's own check).
    """
    if reread:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT published_at FROM {Inspection._meta.db_table} WHERE id = %s FOR SHARE",
                [inspection.pk],
            )
            row = cursor.fetchone()
        inspection.published_at = row[0] if row else None
    if inspection.published_at is not None:
        raise InspectionPublished(inspection)


def lock_unpublished(inspection_id: int) -> Inspection:
    """The inspection's row, locked FOR UPDATE until the transaction ends (writes that must not overlap,
    such as numbering or a sign-off, go one at a time), refusing if it is published. Call it in a transaction."""
    locked = Inspection.objects.select_for_update().get(pk=inspection_id)
    refuse_if_published(locked, reread=False)
    return locked

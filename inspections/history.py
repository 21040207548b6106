"""The history every table whose change matters to a rating or a published word keeps (README, Security).

`kept_history()` tracks a model's inserts, updates and deletions with django-pghistory; the event tables are
append-only (PGHISTORY_APPEND_ONLY puts triggers on them that refuse UPDATE and DELETE, even by direct SQL).
Who made a change comes from pghistory's context: the request's user (pghistory's middleware), or the
`pghistory.context(user=...)` a service opens.
"""

import pghistory


def kept_history(**kwargs):
    """pghistory.track with inserts, updates and deletions; keyword arguments go to pghistory.track."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs
    )

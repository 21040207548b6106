"""Putting work on the Celery queue so that a person asking for it always gets an answer."""

from celery import Task, current_app
from celery.result import AsyncResult
from kombu.exceptions import OperationalError as BrokerUnreachable


class QueueUnavailable(Exception):
    """The job queue (Redis) did not answer, so nothing was queued. Show `message` and let the person try
    again; the 503 page shows it too if a view does not catch it."""

    message = (
        "The service cannot start this at the moment because its job queue is not answering. "
        "Nothing has been lost: try again in a few minutes."
    )

    def __str__(self):
        return self.message


def enqueue(task: Task | str, *, args: tuple = (), kwargs: dict | None = None, **options) -> AsyncResult:
    """Queues `task` (a task, or a task's registered name, which lets a service queue a task whose module
    imports that service without an import cycle) now, or raises QueueUnavailable within a few seconds if the broker is unreachable
    (the connection timeouts are in CELERY_BROKER_TRANSPORT_OPTIONS; Celery's own publish retries are
    off, so the request does not hang).

    Call it once the rows the task needs are committed (for example in `transaction.on_commit`, or
    after the atomic block), and on QueueUnavailable mark them as not queued, so the person's request
    can be repeated and nothing waits for a job that was never queued.
    """
    try:
        if isinstance(task, str):
            return current_app.send_task(task, args=args, kwargs=kwargs or {}, retry=False, **options)
        return task.apply_async(args=args, kwargs=kwargs or {}, retry=False, **options)
    except BrokerUnreachable as exc:
        raise QueueUnavailable() from exc

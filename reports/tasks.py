"""The Celery tasks that make the report's files. `acks_late` (settings) means a task whose worker dies is
delivered again; `render_run` then picks the render up where it was, and the stale-render sweep catches
any render whose task was lost altogether."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import exports, services
from .edition import edition_bytes
from .models import PublishedReport, Render, RenderFormat
from .pdf import report_pdf
from .selectors import export_snapshot, report_snapshot


def make_file(render: Render) -> tuple[dict, bytes]:
    """What a render is built from, and the file's bytes."""
    inspection = render.inspection
    if render.format in (RenderFormat.PDF, RenderFormat.HTML):
        if render.publication_id:
            # A published report: always the snapshot frozen at publication, so always the same bytes.
            snapshot = PublishedReport.objects.get(publication_id=render.publication_id).snapshot
        else:
            snapshot = report_snapshot(inspection)
        if render.format == RenderFormat.HTML:
            return snapshot, edition_bytes(snapshot)
        return snapshot, report_pdf(snapshot)
    data = export_snapshot(inspection)
    data["is_draft"] = data["status"] != "final"
    content = exports.to_csv(data) if render.format == RenderFormat.CSV else exports.to_xlsx(data)
    return data, content


@shared_task(name=services.RENDER_TASK, bind=True, max_retries=3, default_retry_delay=5)
def render_task(self, render_id: int) -> None:
    try:
        services.render_run(render_id=render_id, make=make_file, task_id=self.request.id or "")
    except (OperationalError, InterfaceError) as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def sweep_stale_renders() -> list[int]:
    """Scheduled (Celery beat): queues again, or fails after the last attempt, every render whose worker
    stopped touching it for RENDER_STALE_AFTER, so that no render stays 'queued' or 'rendering' for ever
    even when nobody opens the report page (whose status request sweeps that inspection's renders)."""
    return services.renders_sweep_stale()

"""A real Celery worker makes the report's files: end to end through Redis and the test database."""

import contextlib
import csv
import datetime
import hashlib
import io
import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports import services
from reports.models import Render, RenderStatus
from reports.pdf import report_pdf

from .conftest import Worker, wait_for
from .helpers import cheshire_demo, cheshire_with_content

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DEMO_CASES = ("CH-C04", "CH-C09", "CH-C12", "CH-C34", "CH-O03", "CH-O07")


@pytest.fixture
def cheshire(framework):
    return cheshire_with_content()


def finished(render_id):
    render = Render.objects.get(pk=render_id)
    return render if render.status in (RenderStatus.READY, RenderStatus.FAILED) else None


def test_the_worker_makes_the_pdf_and_the_data_files(framework, celery_worker_process):
    cheshire = cheshire_demo()
    pdf = services.render_request(inspection=cheshire, user=cheshire.lead_inspector)
    data = services.render_request(inspection=cheshire, user=cheshire.lead_inspector, format="csv")
    pdf = wait_for(lambda: finished(pdf.pk), what="the PDF")
    assert pdf.status == RenderStatus.READY, pdf.failure_reason
    content = pdf.file.read()
    assert content.startswith(b"%PDF-")
    assert hashlib.sha256(content).hexdigest() == pdf.sha256 and pdf.size == len(content)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) > 30
    assert "Cheshire Youth Justice Service" in reader.pages[0].extract_text()
    # The title is one line: the place alone reads as the published title does ("… services in Cheshire").
    assert (
        not pdf.is_draft and pdf.snapshot["title"] == "An inspection of youth offending services in Cheshire"
    )
    assert pdf.snapshot_sha256 and pdf.attempts == 1 and pdf.requested_by == cheshire.lead_inspector
    # The snapshot kept with the render makes the same file again.
    assert hashlib.sha256(report_pdf(pdf.snapshot)).hexdigest() == pdf.sha256
    data = wait_for(lambda: finished(data.pk), what="the CSV")
    assert data.status == RenderStatus.READY, data.failure_reason
    rows = list(csv.DictReader(io.StringIO(data.file.read().decode("utf-8-sig"))))
    assert (rows[0]["level"], rows[0]["rating"], rows[0]["score"]) == ("overall", "Good", "26")
    planning = next(r for r in rows if r["key_question"] == "2.2.3" and r["level"] == "key_question")
    assert (planning["yes"], planning["applicable"], planning["percent_yes"], planning["lowest"]) == (
        "15",
        "28",
        "54",
        "yes",
    )
    assert [r["prompt"] for r in rows if r["level"] == "prompt"][:2] == ["2.1.1.a", "2.1.1.b"]


def test_a_render_whose_worker_process_dies_is_made_again(cheshire, celery_worker_process):
    render = services.render_request(inspection=cheshire, user=None)
    wait_for(
        lambda: Render.objects.get(pk=render.pk).status == RenderStatus.RENDERING,
        every=0.05,
        what="rendering",
    )
    for child in celery_worker_process.children():
        os.kill(child, signal.SIGKILL)  # the pool process making the PDF dies; the worker itself lives on
    render = wait_for(lambda: finished(render.pk), what="the render made again")
    assert render.status == RenderStatus.READY, render.failure_reason
    assert render.attempts == 2


def test_asking_for_a_pdf_while_the_queue_is_down_says_so_and_can_be_repeated(client, cheshire, redis_server):
    client.force_login(cheshire.lead_inspector)
    url = f"/inspections/{cheshire.reference}/report/renders/"
    redis_server.stop()
    try:
        response = client.post(url, {"format": "pdf"}, follow=True)
    finally:
        redis_server.start()
    assert "job queue is not answering" in response.content.decode()
    render = Render.objects.get(inspection=cheshire)
    assert render.status == RenderStatus.FAILED and "Nothing has been lost" in render.failure_reason
    response = client.post(f"{url}{render.pk}/retry/", follow=True)
    render.refresh_from_db()
    assert render.status == RenderStatus.QUEUED and render.failure_reason == ""


@contextlib.contextmanager
def worker_with_media(tmp_path, media: Path, **options):
    worker = Worker(tmp_path / "worker.log", MEDIA_ROOT=str(media), **options)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_a_render_into_an_unwritable_media_folder_fails_with_the_reason_and_can_be_tried_again(
    cheshire, tmp_path, client
):
    media = tmp_path / "media"
    media.write_text("A file where the media folder should be: nobody, not even root, can write inside it.")
    with worker_with_media(tmp_path, media):
        render = services.render_request(inspection=cheshire, user=cheshire.lead_inspector)
        render = wait_for(lambda: finished(render.pk), what="the render to end")
        assert render.status == RenderStatus.FAILED
        assert "could not be saved: the server's file store folder is missing or is not a folder" in (
            render.failure_reason
        )
        assert not render.file and render.size is None and render.finished_at is not None
        client.force_login(cheshire.lead_inspector)
        page = client.get(f"/inspections/{cheshire.reference}/report/").content.decode()
        assert "Failed" in page and "Tell the service&#x27;s support team, then try again." in page

        media.unlink()  # support mends the folder; the same worker then saves the file
        media.mkdir()
        services.render_retry(render=render, user=cheshire.lead_inspector)
        render = wait_for(lambda: finished(render.pk), what="the render tried again")
    assert render.status == RenderStatus.READY, render.failure_reason
    (saved,) = files_in(media)  # the test settings keep media in a "test" folder under MEDIA_ROOT
    assert saved.as_posix().endswith(f"/{render.file.name}")
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == render.sha256


@contextlib.contextmanager
def small_disk(folder: Path, kib: int):
    """`folder` with room for only `kib` KiB, for a worker. A tmpfs of that size where this process may mount
    one (./dev test runs as root in CI); otherwise the worker gets a file-size limit of `kib` KiB, which fails
    its writes the same way part-way through (EFBIG instead of ENOSPC). Yields the worker's preexec_fn and
    the words the failure reason should use."""
    folder.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", f"size={kib}k,mode=0777", "tmpfs", str(folder)]
    if os.geteuid() == 0 and subprocess.run(mount, capture_output=True).returncode == 0:
        try:
            yield None, "the server's disk is full"
        finally:
            subprocess.run(["umount", str(folder)], check=True)
        return

    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (kib * 1024, kib * 1024))

    yield limit_file_size, "the file is larger than the server allows"


def test_a_render_that_fills_the_disk_fails_with_the_reason_and_leaves_no_part_file(cheshire, tmp_path):
    media = tmp_path / "media"
    with (
        small_disk(media, kib=64) as (preexec_fn, words),
        worker_with_media(tmp_path, media, preexec_fn=preexec_fn) as worker,
    ):
        render = services.render_request(inspection=cheshire, user=cheshire.lead_inspector)
        render = wait_for(lambda: finished(render.pk), what="the render to end")
        assert render.status == RenderStatus.FAILED
        assert f"The file was made but could not be saved: {words}. Nothing else has been lost." in (
            render.failure_reason
        )
        assert not render.file and render.sha256 == "" and render.attempts == 1
        assert files_in(media) == []  # the part written before the disk filled is removed
        assert worker.process.poll() is None  # the worker lives on for the next job


def test_a_published_report_renders_to_the_same_bytes_every_time(framework, celery_worker_process):
    cheshire = cheshire_demo()
    first = services.report_publish(inspection=cheshire, user=cheshire.lead_inspector)
    first = wait_for(lambda: finished(first.pk), what="the published PDF")
    assert first.status == RenderStatus.READY, first.failure_reason
    again = [services.render_request(inspection=cheshire, user=cheshire.lead_inspector) for _ in range(2)]
    again = [wait_for(lambda r=r: finished(r.pk), what="a PDF made again") for r in again]
    assert [r.status for r in again] == [RenderStatus.READY, RenderStatus.READY]
    contents = [r.file.read() for r in (first, *again)]
    digests = {hashlib.sha256(content).hexdigest() for content in contents}
    assert len(digests) == 1 and digests == {first.sha256, again[0].sha256, again[1].sha256}
    assert contents[0] == contents[1] == contents[2]
    assert all(r.publication_id == first.publication_id for r in again) and not first.is_draft
    reader = PdfReader(io.BytesIO(contents[0]))
    assert not any("DRAFT" in page.extract_text() for page in reader.pages)
    # The PDF's dates are the moment of publication; its permanent identifier is the publication's own.
    published_at = first.publication.published_at.astimezone(datetime.UTC).replace(microsecond=0)
    assert reader.metadata.creation_date == published_at and reader.metadata.modification_date == published_at
    identifier = first.publication.published_report.snapshot["published"]["identifier"]
    assert str(reader.trailer["/ID"][0]) == identifier

"""The accessible HTML edition (issue 14): the same figures as the PDF, stored like it, frozen at
publication, and written by render_report --format html."""

import io
import re
from collections import Counter
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from reports import services
from reports.edition import edition_bytes, report_edition
from reports.models import PublishedReport, Render, RenderFormat, RenderStatus, Report
from reports.pdf import report_pdf
from reports.selectors import report_snapshot
from reports.tasks import make_file

from .helpers import cheshire_demo, pdf_pages

pytestmark = pytest.mark.django_db


def page_text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.DOTALL)
    html = re.sub(r'<sup class="note-call">.*?</sup>', "", html, flags=re.DOTALL)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def figures(text: str) -> Counter:
    """Every percentage, 'per cent' figure and score the text prints."""
    text = " ".join(text.split())
    return Counter(
        re.findall(r"\b\d+%", text) + re.findall(r"\b\d+ per cent", text) + re.findall(r"\b\d+/\d+\b", text)
    )


@pytest.fixture
def cheshire(framework):
    return cheshire_demo()


def test_the_edition_prints_the_same_figures_as_the_pdf(cheshire):
    snapshot = report_snapshot(cheshire)
    pdf = figures(" ".join(pdf_pages(report_pdf(snapshot))))
    html = report_edition(snapshot)
    edition = figures(page_text(html.split("<main", 1)[1]))
    assert sum(pdf.values()) > 150  # the key-question tables, Annexe 2, the facts and the prose
    assert edition == pdf
    # One page with the contents as links, the ratings table, the chapters and both annexes.
    for anchor in ("ratings", "chapter-1", "chapter-2", "chapter-3", "annexe-1", "annexe-2", "standard-2.1"):
        assert f'<a href="#{anchor}">' in html and f'id="{anchor}"' in html
    assert html.count('<table class="kq-table">') == 8
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    # Footnotes are notes, linked both ways; nothing is fetched from anywhere.
    assert 'href="#note-1"' in html and 'id="note-call-1"' in html
    assert "<link" not in html and "<script" not in html and 'class="footnote"' not in html


def test_render_report_writes_the_edition(cheshire, tmp_path):
    out = io.StringIO()
    target = tmp_path / "cheshire.html"
    call_command("render_report", cheshire.reference, "--format", "html", "--output", str(target), stdout=out)
    assert out.getvalue().startswith(f"Wrote {target}")
    assert target.read_bytes() == edition_bytes(report_snapshot(cheshire))


def test_the_edition_is_viewed_or_downloaded_by_the_team_with_a_policy_of_its_own(cheshire, client):
    render = Render.objects.create(inspection=cheshire, format=RenderFormat.HTML, number=1)
    render.file.save(render.filename, ContentFile(edition_bytes(report_snapshot(cheshire))), save=False)
    render.status = RenderStatus.READY
    render.save()
    url = reverse("reports:render-download", kwargs={"reference": cheshire.reference, "pk": render.pk})
    client.force_login(cheshire.lead_inspector)
    viewed = client.get(url + "?view")
    assert viewed.status_code == 200 and viewed["Content-Type"] == "text/html; charset=utf-8"
    assert "attachment" not in viewed.get("Content-Disposition", "")
    assert "sandbox" in viewed["Content-Security-Policy"]
    assert "script-src" not in viewed["Content-Security-Policy"]  # default-src 'none': no script at all
    downloaded = client.get(url)
    assert downloaded["Content-Disposition"] == 'attachment; filename="cheshire-2021-html-v1-draft.html"'
    client.logout()
    assert client.get(url + "?view").status_code in (302, 403, 404)


def test_the_edition_is_frozen_at_publication_like_the_pdf(cheshire):
    services.report_publish(inspection=cheshire, user=cheshire.lead_inspector)
    edition = Render.objects.get(inspection=cheshire, format=RenderFormat.HTML)
    assert edition.publication_id is not None
    frozen = PublishedReport.objects.get(publication=edition.publication).snapshot
    first = make_file(edition)
    # The data change behind the freeze's back: the edition still prints the report as published.
    Report.objects.filter(inspection=cheshire).update(foreword="Changed after publication.")
    second = make_file(edition)
    assert first == second == (frozen, edition_bytes(frozen))
    assert b"Changed after publication." not in second[1]
    assert b"Draft." not in second[1]
    asked_again = services.render_request(
        inspection=cheshire, user=cheshire.lead_inspector, format=RenderFormat.HTML
    )
    assert asked_again.publication_id == edition.publication_id

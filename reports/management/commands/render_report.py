import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from reports import exports
from reports.edition import edition_bytes
from reports.pdf import html_to_pdf, report_html, report_pdf_identifier
from reports.selectors import export_snapshot, print_snapshot
from sampling.management.commands._common import inspection_named


class Command(BaseCommand):
    help = (
        "Makes an inspection's report as a PDF (or its HTML edition, or its data as CSV or XLSX) now, without "
        "the worker: the same "
        "file the 'Generate PDF' button makes (for a published inspection, from its frozen snapshot). Prints how long each step took."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The inspection's reference, for example CHESHIRE-2021.")
        parser.add_argument("--output", required=True, help="Where to write the file.")
        parser.add_argument("--format", choices=("pdf", "html", "csv", "xlsx"), default="pdf")
        parser.add_argument("--html", help="Also write the HTML that WeasyPrint lays out, to this file.")

    def handle(self, *args, reference, output, format, html=None, **options):
        inspection = inspection_named(reference)
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        started = time.perf_counter()
        try:
            if format == "pdf":
                snapshot = print_snapshot(inspection)
                built = time.perf_counter()
                document = report_html(snapshot, for_pdf=True)
                laid_out = time.perf_counter()
                content = html_to_pdf(document, identifier=report_pdf_identifier(snapshot))
                done = time.perf_counter()
                if html:
                    Path(html).write_text(document, encoding="utf-8")
                timings = (
                    f"data and text {built - started:.2f} s, HTML {laid_out - built:.2f} s, "
                    f"WeasyPrint {done - laid_out:.2f} s, total {done - started:.2f} s"
                )
            elif format == "html":
                snapshot = print_snapshot(inspection)
                built = time.perf_counter()
                content = edition_bytes(snapshot)
                done = time.perf_counter()
                timings = f"data and text {built - started:.2f} s, HTML edition {done - built:.2f} s"
            else:
                data = export_snapshot(inspection)
                content = exports.to_csv(data) if format == "csv" else exports.to_xlsx(data)
                timings = f"total {time.perf_counter() - started:.2f} s"
        except Http404 as exc:
            raise CommandError(str(exc)) from exc
        target.write_bytes(content)
        self.stdout.write(f"Wrote {target} ({len(content):,} bytes): {timings}.")
        if format in ("pdf", "html") and snapshot.get("missing"):
            self.stderr.write("The report does not say these yet (the draft prints a placeholder for each):")
            for item in snapshot["missing"]:
                self.stderr.write(f"- {item['message']}")

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.services import report_content_import
from sampling.management.commands._common import inspection_named


class Command(BaseCommand):
    help = (
        "Replaces an inspection's authored report content with a report-content/1 JSON file (for example "
        "reports/demo_data/cheshire-2021-report.json), all or nothing: any problem is listed and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference")
        parser.add_argument("file")

    def handle(self, *args, reference, file, **options):
        inspection = inspection_named(reference)
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        if not isinstance(data, dict):
            raise CommandError(f"{file} is not a report-content/1 document.")
        try:
            report_content_import(inspection=inspection, data=data)
        except ValidationError as error:
            problems = "\n".join(f"  - {m}" for m in error.messages)
            raise CommandError(f"{file} was not imported; nothing was written:\n{problems}") from error
        self.stdout.write(f"Imported the report content of {reference}.")

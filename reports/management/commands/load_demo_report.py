import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inspections.models import Inspection
from reports.demo import DEMO_CONTENT
from reports.models import Report
from reports.services import report_content_import


class Command(BaseCommand):
    help = (
        "Writes the demo report (the text of the published Cheshire report, with tokens) for the demo "
        "inspection, if it exists and has no report yet. For development: ./dev run calls it."
    )

    def handle(self, *args, **options):
        data = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))
        inspection = Inspection.objects.filter(reference=data["inspection"]).first()
        if inspection is None:
            self.stdout.write(f"There is no demo inspection {data['inspection']}: no demo report written.")
            return
        if Report.objects.filter(inspection=inspection).exists():
            self.stdout.write(
                f"{inspection.reference} has a report already: the demo report was not written."
            )
            return
        try:
            report_content_import(inspection=inspection, data=data)
        except ValidationError as error:
            raise CommandError(
                "The demo report could not be written:\n" + "\n".join(error.messages)
            ) from error
        self.stdout.write(f"Wrote the demo report of {inspection.reference}.")

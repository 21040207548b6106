import json

from django.core.management.base import BaseCommand, CommandError

from inspections.models import Inspection
from ratings.data_format import export_document


class Command(BaseCommand):
    help = (
        "Writes one inspection as an inspection-data/1 JSON document (to standard output, or to --output). "
        "Importing it gives the same inspection back."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The inspection's reference, for example CHESHIRE-2021.")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args, reference, output=None, **options):
        inspection = (
            Inspection.objects.select_related("service", "framework").filter(reference=reference).first()
        )
        if inspection is None:
            raise CommandError(f"There is no inspection {reference}.")
        document, left_out = export_document(inspection)
        text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text)
        else:
            self.stdout.write(text, ending="")
        for note in left_out:
            self.stderr.write(f"Left out: {note}")

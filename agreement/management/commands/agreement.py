import json

from django.core.management.base import BaseCommand, CommandError

from agreement import statistics
from agreement.selectors import agreement_json
from inspections.models import Inspection


class Command(BaseCommand):
    help = (
        "Prints how far the two markers of an inspection's second-marked cases agree: pairs, observed agreement, "
        "Cohen's kappa and Gwet's AC1, per key question, per domain and overall."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The inspection's reference, for example CHESHIRE-2021.")
        parser.add_argument("--json", action="store_true", help="Print the JSON document instead of lines.")

    def handle(self, *args, reference, json=False, **options):
        inspection = Inspection.objects.filter(reference__iexact=reference).first()
        if inspection is None:
            raise CommandError(f"There is no inspection {reference}.")
        document = agreement_json(inspection)
        if json:
            self.stdout.write(_dumps(document))
            return
        self.stdout.write(
            f"{inspection.reference}: {document['cases']} case{'s' if document['cases'] != 1 else ''} "
            "marked by both markers."
        )
        rows = [("Overall", document["overall"])]
        rows += [(f"Domain {code}", figures) for code, figures in document["domains"].items()]
        rows += list(document["key_questions"].items())
        self.stdout.write(f"  {'':<12} {'pairs':>6} {'agreement':>10} {'kappa':>8} {'AC1':>8}")
        for label, figures in rows:
            self.stdout.write(
                f"  {label:<12} {figures['pairs']:>6} {_shown(figures['agreement']):>10} "
                f"{_shown(figures['kappa']):>8} {_shown(figures['ac1']):>8}"
            )
        overall = statistics.Agreement(**document["overall"])
        self.stdout.write(statistics.reading(overall))


def _shown(value) -> str:
    return "-" if value is None else f"{value:.4f}"


def _dumps(document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)

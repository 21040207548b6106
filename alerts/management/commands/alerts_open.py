import json

from django.core.management.base import BaseCommand, CommandError

from alerts.selectors import open_alerts_json
from inspections.models import Inspection


class Command(BaseCommand):
    help = (
        "Prints an inspection's open alerts for its lead inspector, longest open first: the alert and its case, "
        "how long since the service was told, the concern, and who was told."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The inspection's reference, for example CHESHIRE-2021.")
        parser.add_argument("--json", action="store_true", help="Print a JSON list instead of lines.")

    def handle(self, *args, reference, json=False, **options):
        inspection = Inspection.objects.filter(reference__iexact=reference).first()
        if inspection is None:
            raise CommandError(f"There is no inspection {reference}.")
        alerts = open_alerts_json(inspection)
        if json:
            self.stdout.write(_dumps(alerts))
            return
        if not alerts:
            self.stdout.write(f"{inspection.reference}: no open alerts.")
            return
        self.stdout.write(
            f"{inspection.reference}: {len(alerts)} open alert{'s' if len(alerts) != 1 else ''}"
        )
        for alert in alerts:
            notified = alert["notified"]
            self.stdout.write(
                f"  Alert {alert['alert']} on case {alert['case']}: open {alert['open_for']}"
                + (" (over 2 days)" if alert["overdue"] else "")
                + f"; {alert['concern']}; told {notified['name']}, {notified['role']} "
                f"({notified['how'].lower()}, {notified['at'][:16].replace('T', ' ')})"
            )


def _dumps(document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)

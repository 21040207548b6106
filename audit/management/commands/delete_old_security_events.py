from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.services import security_events_delete_older_than


class Command(BaseCommand):
    help = (
        "Deletes security events older than SECURITY_EVENT_RETENTION_DAYS (or --days). "
        "Celery beat runs it nightly (audit.tasks.delete_old_security_events); this runs it now."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Keep this many days instead (the setting says {settings.SECURITY_EVENT_RETENTION_DAYS}).",
        )

    def handle(self, *args, days=None, **options):
        try:
            deleted = security_events_delete_older_than(days=days)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        kept = settings.SECURITY_EVENT_RETENTION_DAYS if days is None else days
        self.stdout.write(
            f"Deleted {deleted} security event{'s' if deleted != 1 else ''} older than {kept} days."
        )

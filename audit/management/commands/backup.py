from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.backups import BackupError, backup_default_path, backup_make
from audit.models import EventKind
from audit.services import security_event_record


class Command(BaseCommand):
    help = (
        "Backs up the database and the media files into one .tar file (by default under BACKUP_DIR, "
        "var/backups/). The file holds children's case data: keep it encrypted and off the web server."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="The file to write, or a folder to write it in (default: BACKUP_DIR)."
        )

    def handle(self, *args, output=None, **options):
        destination = output
        if destination is not None and destination.is_dir():
            destination = destination / backup_default_path().name
        try:
            path = backup_make(destination=destination)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        security_event_record(kind=EventKind.BACKUP, detail=f"Backup written to {path}")
        self.stdout.write(f"Backup written to {path}")

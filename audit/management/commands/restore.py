import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.backups import BackupError, backup_restore
from audit.models import EventKind
from audit.services import security_event_record


class Command(BaseCommand):
    help = (
        "Restores the database and the media files from a backup made by `backup`, replacing what is "
        "there now. Stop the web and worker processes first. Nothing changes if the backup is damaged."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="The backup file (.tar) to restore.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, backup, yes=False, **options):
        database = settings.DATABASES["default"]["NAME"]
        if not yes:
            warning = (
                f"This replaces every record in database {database} and every media file with the backup's."
            )
            if not sys.stdin.isatty():
                raise CommandError(f"{warning} Add --yes to confirm.")
            if input(f"{warning}\nType the database name ({database}) to go on: ").strip() != database:
                raise CommandError("Nothing was restored.")
        try:
            manifest = backup_restore(source=backup)
        except BackupError as exc:
            raise CommandError(f"{exc} Nothing was restored.") from exc
        security_event_record(
            kind=EventKind.RESTORE, detail=f"Restored {backup.name}, made {manifest['created_at']}"
        )
        self.stdout.write(
            f"Restored database {database} and {manifest['media_files']} media files from the backup made "
            f"{manifest['created_at']}."
        )

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inspections.services import DEFAULT_FRAMEWORK_FILE, framework_load_file


class Command(BaseCommand):
    help = "Loads an inspection framework version from its YAML file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FRAMEWORK_FILE))

    def handle(self, *args, path, **options):
        try:
            framework, outcome = framework_load_file(path=Path(path))
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(f"Framework {framework.code}: {outcome}.")

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ratings.services import inspection_import


class Command(BaseCommand):
    help = (
        "Imports one inspection from an inspection-data/1 JSON file, all or nothing: any problem rejects the "
        "whole file, every problem is listed with its JSON path, and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file (inspection-data/1).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace an inspection with the same reference, whole (its team is kept).",
        )

    def handle(self, *args, file, replace=False, **options):
        document = read_json(file)
        try:
            result = inspection_import(document=document, replace=replace)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            count = len(exc.messages)
            raise CommandError(
                f"{file}: {count} problem{'s' if count != 1 else ''} found. Nothing was imported."
            ) from exc
        inspection = result.inspection
        cases = inspection.cases.count()
        self.stdout.write(
            f"{'Replaced' if result.replaced else 'Imported'} {inspection.reference} ({inspection.service}): "
            f"{cases} case{'s' if cases != 1 else ''}, "
            f"ratings {'signed off' if inspection.ratings_sign_offs.exists() else 'not signed off'}."
        )
        for flag in result.flagged:
            self.stdout.write(f"Flagged for the lead inspector: {flag}")


def read_json(file: str):
    try:
        return json.loads(Path(file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"Cannot read {file}: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{file} is not UTF-8 text.") from exc
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{file} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc

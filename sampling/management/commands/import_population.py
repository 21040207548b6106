from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sampling.management.commands._common import inspection_named
from sampling.population_file import MAX_BYTES, PopulationFileError, describe_size
from sampling.services import population_import


class Command(BaseCommand):
    help = (
        "Imports an inspection's eligible population from a CSV or .xlsx file, as the population page does: "
        "every problem is listed and nothing is written if there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the inspection's reference, for example CHESHIRE-2021")
        parser.add_argument("file", help="the population file (.csv or .xlsx)")

    def handle(self, *args, reference, file, **options):
        inspection = inspection_named(reference)
        path = Path(file)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise CommandError(
                    f"{path.name} is {describe_size(size)}; the largest file accepted is {describe_size(MAX_BYTES)}."
                )
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            population = population_import(inspection=inspection, file_name=path.name, content=content)
        except PopulationFileError as exc:
            count = len(exc.problems)
            raise CommandError(
                f"{path.name} was not imported: {count} problem{'s' if count != 1 else ''}.\n"
                + "\n".join(str(problem) for problem in exc.problems)
            ) from None
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        eligible = population.cases.filter(excluded_reason="").count()
        self.stdout.write(
            f"{inspection.reference}: {population.rows} cases imported from {path.name}, {eligible} eligible, "
            f"{population.rows - eligible} left out."
        )
        for case in population.cases.exclude(excluded_reason="").order_by("row"):
            self.stdout.write(f"  left out: row {case.row}, {case.reference}: {case.excluded_reason}")

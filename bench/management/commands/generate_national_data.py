import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bench.generator import generate


class Command(BaseCommand):
    help = (
        "Writes synthetic inspections at national scale for the benchmarks: services and inspections of 14 to 91 "
        "cases (60/40 court and out-of-court), every answer complete and approved, panel decisions on some "
        "flagged standards. Refuses if the seed's data exists, unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--inspections", type=int, default=200, help="How many inspections (default 200)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed; names the data (default 1).")
        parser.add_argument("--replace", action="store_true", help="Replace this seed's generated data.")

    def handle(self, *args, inspections, seed, replace, **options):
        if not 1 <= inspections <= 2000:
            raise CommandError("--inspections must be a whole number from 1 to 2000.")
        if seed < 0:
            raise CommandError("--seed must be zero or a positive whole number.")
        started = time.perf_counter()

        def progress(number, reference, size):
            if number % 20 == 0 or number == inspections:
                self.stdout.write(f"  {number}/{inspections} inspections ({reference}, {size} cases)")

        try:
            references = generate(inspections=inspections, seed=seed, replace=replace, progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(
            f"Generated {len(references)} inspections ({references[0]} to {references[-1]}) in "
            f"{time.perf_counter() - started:.1f} s."
        )

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sampling.management.commands._common import inspection_named
from sampling.selectors import draw_summary
from sampling.services import MAX_SEED, sample_draw


class Command(BaseCommand):
    help = (
        "Draws an inspection's sample, as the sample page does. Without --seed a seed is chosen at random; "
        "the same population, settings and seed always give the same sample."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the inspection's reference, for example CHESHIRE-2021")
        parser.add_argument("--seed", type=int, help=f"a whole number from 0 to {MAX_SEED}")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the sample as JSON")

    def handle(self, *args, reference, seed, as_json: bool, **options):
        inspection = inspection_named(reference)
        try:
            draw = sample_draw(inspection=inspection, seed=seed)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        summary = draw_summary(draw)
        if as_json:
            self.stdout.write(json.dumps(summary))
            return
        self.stdout.write(f"{inspection.reference}: sample drawn with seed {summary['seed']}.")
        for category, words in (("court", "Court"), ("out_of_court", "Out-of-court")):
            part = summary[category]
            self.stdout.write(
                f"{words}: {len(part['cases'])} of {part['population']} eligible cases (size {part['size']}): "
                + (", ".join(part["cases"]) or "none")
            )
        self.stdout.write("Reserve: " + (", ".join(summary["reserve"]) or "none"))

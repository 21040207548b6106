import json

from django.core.management.base import BaseCommand, CommandError

from inspections.models import Inspection
from ratings import rules
from ratings.selectors import inspection_ratings_json


class Command(BaseCommand):
    help = (
        "Prints an inspection's ratings: as signed off by the ratings panel ('final'), or worked out from the "
        "submitted and approved cases ('provisional')."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The inspection's reference, for example CHESHIRE-2021.")
        parser.add_argument(
            "--json", action="store_true", help="Print the JSON document of docs/inspection-data-format.md."
        )

    def handle(self, *args, reference, json=False, **options):
        inspection = Inspection.objects.select_related("framework").filter(reference=reference).first()
        if inspection is None:
            raise CommandError(f"There is no inspection {reference}.")
        document = inspection_ratings_json(inspection)
        if json:
            self.stdout.write(_dumps(document))
            return
        self.stdout.write(f"{document['inspection']} ({document['framework']}): {document['status']} ratings")
        for standard in document["standards"]:
            rating = _label(standard["rating"])
            computed = standard["computed_rating"]
            extra = []
            if computed is not None and computed != standard["rating"]:
                extra.append(f"computed {_label(computed)}")
            if standard["discretion_applied"]:
                extra.append(f"discretion on {standard['discretion_key_question']}")
            if standard["triggers"]:
                extra.append("triggers: " + ", ".join(standard["triggers"]))
            self.stdout.write(
                f"  {standard['id']:<4} {standard['title']:<28} {rating:<21}" + ("; ".join(extra))
            )
            for kq in standard["key_questions"]:
                percent = "–" if kq["percent"] is None else f"{kq['percent']}%"
                self.stdout.write(
                    f"         {kq['id']:<7} {kq['yes']:>3} of {kq['applicable']:<3} {percent:>5}"
                    + ("  lowest" if kq["lowest"] else "")
                )
        overall = document["overall"]
        if overall is None:
            missing = [s["id"] for s in document["standards"] if s["rating"] is None]
            self.stdout.write(f"Overall: none yet; not rated: {', '.join(missing)}")
        else:
            self.stdout.write(
                f"Overall: {overall['score']}/{overall['max_score']}, {_label(overall['rating'])}"
            )


def _label(rating):
    return rules.RATING_LABELS[rating] if rating else "not rated"


def _dumps(document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)

from inspections.tests.permissions_matrix import LEAD_ONLY, reference
from tests.test_permissions import team_only


def extend_world(world):
    """A population imported and a sample drawn, so that every sampling page has something to show."""
    from cases.models import Case
    from sampling.factories import as_csv, population_rows
    from sampling.services import population_import, sample_draw

    inspection = world["inspection"]
    rows = population_rows(inspection.fieldwork_start, court=12, out_of_court=8)
    population_import(inspection=inspection, file_name="cases.csv", content=as_csv(rows))
    sample_draw(inspection=inspection, seed=1)
    world["sampled_case"] = Case.objects.filter(inspection=inspection).order_by("pk").first()


MATRIX = {
    "sampling:population": ("get", reference, LEAD_ONLY),
    "sampling:population-example": ("get", reference, team_only(200)),
    "sampling:population-columns": ("get", reference, team_only(200)),
    "sampling:sample": ("get", reference, LEAD_ONLY),
    "sampling:settings": ("get", reference, LEAD_ONLY),
    "sampling:size": ("get", lambda world: {**reference(world), "category": "out-of-court"}, LEAD_ONLY),
    "sampling:draw": ("get", reference, LEAD_ONLY),
    "sampling:swap": (
        "get",
        lambda world: {**reference(world), "case_id": world["sampled_case"].pk},
        LEAD_ONLY,
    ),
    "sampling:allocation": ("get", reference, LEAD_ONLY),
}

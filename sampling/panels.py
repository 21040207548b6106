"""What the sample adds to the inspection page (registered in apps.py), and its say on team changes."""

from django.core.exceptions import ValidationError

from cases.models import Case
from inspections.models import TeamRole

from .selectors import cases_allocated_to, setup_progress

NOT_NEEDED = "not_needed"
IMPORTED_CASES = "The cases were imported from an inspection data file"


def setup(request, inspection) -> dict | None:
    """The lead inspector's task list of set-up steps (the rest of the team sees only their own cases)."""
    if not request.user.has_perm("inspections.manage_sample", inspection):
        return None
    progress = setup_progress(inspection)
    tasks = {}
    others = progress["team"] - 1
    tasks["team_status"] = "completed" if others else "incomplete"
    tasks["team_hint"] = f"{others} {'person' if others == 1 else 'people'} besides you" if others else ""
    population = progress["population"]
    tasks["population_status"] = "completed" if population else "incomplete"
    tasks["population_hint"] = (
        f"{population.rows} cases imported, {progress['eligible']} eligible" if population else ""
    )
    draw = progress["draw"]
    # Cases that no draw made came whole from an inspection data file (import_inspection): there is no
    # population to import and no sample to draw, and the pages would refuse to replace those cases.
    if draw is None and progress["cases"]:
        tasks["sample_status"], tasks["sample_hint"] = NOT_NEEDED, IMPORTED_CASES
        if population is None:
            tasks["population_status"], tasks["population_hint"] = NOT_NEEDED, IMPORTED_CASES
    elif population is None:
        tasks["sample_status"], tasks["sample_hint"] = "cannot_start", ""
    elif draw is None:
        tasks["sample_status"], tasks["sample_hint"] = "incomplete", "Check the sizes, then draw"
    else:
        tasks["sample_status"] = "completed"
        tasks["sample_hint"] = f"{progress['cases']} cases, seed {draw.seed}"
    if not progress["cases"]:
        tasks["allocation_status"], tasks["allocation_hint"] = "cannot_start", ""
    else:
        allocated, total = progress["allocated"], progress["cases"]
        tasks["allocation_status"] = (
            "completed" if allocated == total else "in_progress" if allocated else "incomplete"
        )
        tasks["allocation_hint"] = f"{allocated} of {total} cases allocated"
    return tasks


def my_cases(request, inspection) -> dict | None:
    """The cases allocated to the person, with their status; left out for those who assess no cases."""
    user = request.user
    cases = cases_allocated_to(user, inspection)
    membership = next((m for m in inspection.team.all() if m.user_id == user.pk), None) if not cases else None
    if not cases and (membership is None or membership.role not in (TeamRole.INSPECTOR, TeamRole.COLLEAGUE)):
        return None
    return {"cases": cases}


def refuse_if_cases_allocated(sender, membership, **kwargs) -> None:
    count = Case.objects.filter(inspection=membership.inspection_id, inspector=membership.user_id).count()
    if count:
        raise ValidationError(
            f"{membership.user} has {count} case{'s' if count != 1 else ''} allocated on this inspection. "
            "Allocate them to someone else first."
        )

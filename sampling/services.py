"""Writes of the sample: importing the population, settings and sizes, drawing, swapping and allocating.

Every function checks everything first and writes nothing when anything is wrong (one transaction each).
The arithmetic is sampling/rules.py's; these functions feed it the stored data and store what it returns.
"""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, QuerySet

from accounts.models import User
from cases.models import Case, CaseStatus
from inspections.models import Inspection, InspectionStatus, TeamMembership
from inspections.publication import lock_unpublished
from inspections.services import ConcurrentEditError

from . import rules
from .models import CaseSwap, Draw, Population, PopulationCase, SampleSettings, SizeOverride
from .population_file import PopulationFileError, read_population_file
from .selectors import (
    ASSESSING_ROLES,
    allocation_version,
    current_draw,
    manager_key,
    population_is_stale,
    sample_inputs,
    sample_settings_for,
    started_cases,
)

__all__ = ["PopulationFileError"]

MAX_SEED = 10**12 - 1
"""Seeds are whole numbers people can read out and type: up to twelve digits."""

CASE_FACTS = (
    "child_id",
    "date_of_birth",
    "gender",
    "ethnicity",
    "category",
    "disposal_type",
    "disposal_date",
    "rosh",
    "safety_wellbeing",
    "case_manager",
)


def _refuse_if_started(inspection: Inspection, what: str) -> None:
    started = list(started_cases(inspection).values_list("reference", flat=True)[:6])
    if started:
        listed = ", ".join(started[:5]) + (" and others" if len(started) > 5 else "")
        raise ValidationError(
            f"{what}: inspectors have started cases of this sample ({listed}) and their answers would be "
            "lost. Swap single cases for reserve cases instead."
        )


def _delete_cases(cases: QuerySet[Case], what: str) -> None:
    """Deletes cases, or refuses in words when records of the floors above depend on them (an alert raised
    on a case not yet started, say): those must never go silently with the case."""
    try:
        cases.delete()
    except ProtectedError as exc:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise ValidationError(
            f"{what}: cases of this sample have {' and '.join(kinds)} that depend on them."
        ) from exc


def _mark_sampling(inspection: Inspection) -> None:
    if inspection.status == InspectionStatus.SETUP:
        inspection.status = InspectionStatus.SAMPLING
        inspection.save(update_fields=["status", "updated_at"])


# Settings and sizes -----------------------------------------------------------------------------------


@transaction.atomic
def sample_settings_save(
    *, inspection: Inspection, version: int, by: User | None, **values
) -> SampleSettings:
    """Changes the inspection's sampling settings, refusing if someone else saved them since `version`."""
    lock_unpublished(inspection.pk)
    settings = SampleSettings.objects.filter(inspection=inspection).first() or SampleSettings(
        inspection=inspection
    )
    if settings.version != version:
        raise ConcurrentEditError("the sampling settings")
    for name, value in values.items():
        setattr(settings, name, value)
    settings.full_clean()
    try:
        settings.as_rules()
    except ValueError as exc:
        raise ValidationError(f"These settings cannot give a sample: {exc}.") from None
    settings.updated_by = by
    settings.version += 1
    settings.save()
    return settings


@transaction.atomic
def sample_size_override(
    *, inspection: Inspection, category: str, size: int | None, reason: str, by: User | None
) -> SizeOverride | None:
    """Sets the lead inspector's own sample size for a category with its reason; None goes back to the
    computed size."""
    lock_unpublished(inspection.pk)
    if category not in rules.CATEGORIES:
        raise ValidationError(f"There is no {category} category.")
    if size is None:
        SizeOverride.objects.filter(inspection=inspection, category=category).delete()
        return None
    reason = reason.strip()
    problems = {}
    if not reason:
        problems["reason"] = "Give the reason for using a different sample size"
    if size < 0:
        problems["size"] = "The sample size cannot be negative"
    population = Population.objects.filter(inspection=inspection).first()
    if population is not None:
        eligible = population.cases.filter(category=category, excluded_reason="").count()
        if size > eligible:
            problems["size"] = (
                f"The sample size cannot be more than the {eligible} eligible "
                f"{rules.CATEGORY_WORDS[category]} cases"
            )
    if problems:
        raise ValidationError(problems)
    override, _ = SizeOverride.objects.update_or_create(
        inspection=inspection,
        category=category,
        defaults={"size": size, "reason": reason, "recorded_by": by},
    )
    override.full_clean()
    return override


# The population ---------------------------------------------------------------------------------------


@transaction.atomic
def population_import(
    *, inspection: Inspection, file_name: str, content: bytes, by: User | None = None
) -> Population:
    """Imports the service's eligible population file, replacing any earlier one (and its sample).

    Raises PopulationFileError listing every problem in the file, or ValidationError when the population
    can no longer be replaced; either way nothing is written. Cases outside their window and repeated
    children are kept as left out, with the reason and without the child's details.
    """
    rows = read_population_file(file_name, content)
    inspection = lock_unpublished(inspection.pk)
    _refuse_if_started(inspection, "The population cannot be replaced")
    settings = sample_settings_for(inspection)
    candidates = [rules.PopulationCase.from_facts(row.case_reference, row) for row in rows]
    _eligible, excluded = rules.screen_population(candidates, inspection.fieldwork_start, settings.as_rules())
    reasons = {case.reference: reason for case, reason in excluded}

    _delete_cases(Case.objects.filter(inspection=inspection), "The population cannot be replaced")
    Population.objects.filter(inspection=inspection).delete()
    population = Population(
        inspection=inspection,
        file_name=file_name[-255:],
        file_sha256=hashlib.sha256(content).hexdigest(),
        rows=len(rows),
        fieldwork_start=inspection.fieldwork_start,
        windows=settings.windows(),
        imported_by=by,
    )
    population.full_clean()
    population.save()
    cases = []
    for row in rows:
        reason = reasons.get(row.case_reference, "")
        case = PopulationCase(
            population=population,
            row=row.row,
            reference=row.case_reference,
            category=row.category,
            disposal_type=row.disposal_type,
            disposal_date=row.disposal_date,
            excluded_reason=reason,
        )
        if not reason:
            case.child_id, case.date_of_birth, case.gender = row.child_id, row.date_of_birth, row.gender
            case.ethnicity, case.rosh, case.safety_wellbeing = row.ethnicity, row.rosh, row.safety_wellbeing
            case.case_manager = row.case_manager
        case.full_clean(exclude=["population"], validate_unique=False, validate_constraints=False)
        cases.append(case)
    PopulationCase.objects.bulk_create(cases, batch_size=2000)
    _mark_sampling(inspection)
    return population


# Drawing the sample -----------------------------------------------------------------------------------


def _category_data(draw: rules.CategoryDraw) -> dict:
    return {
        "population": draw.population,
        "n0": str(draw.size.n0),
        "before_rounding": str(draw.size.before_rounding),
        "computed_size": draw.size.size,
        "target": draw.target,
        "shortfall": draw.shortfall,
        "selected": list(draw.selected),
        "reserve": list(draw.reserve),
    }


def draw_as_data(draw: rules.Draw) -> dict:
    """What a draw gave, as plain data to store: sizes with their working, cases, reserves, analyse table."""
    return {
        "court": _category_data(draw.court),
        "out_of_court": _category_data(draw.out_of_court),
        "reserve": list(draw.reserve),
        "analysis": [
            {
                "category": row.category,
                "gender": row.stratum[0],
                "disposal_type": row.stratum[1],
                "rosh": row.stratum[2],
                "safety_wellbeing": row.stratum[3],
                "population": row.population,
                "population_share": str(row.population_share),
                "sample": row.sample,
                "sample_share": str(row.sample_share),
                "allocated": row.allocated,
            }
            for row in draw.analysis
        ],
    }


def _case_from(row: PopulationCase, inspection: Inspection, inspector_id: int | None = None) -> Case:
    case = Case(
        inspection=inspection,
        reference=row.reference,
        inspector_id=inspector_id,
        **{name: getattr(row, name) for name in CASE_FACTS},
    )
    case.full_clean(exclude=["inspection", "inspector"], validate_unique=False, validate_constraints=False)
    return case


@transaction.atomic
def sample_draw(*, inspection: Inspection, seed: int | None = None, by: User | None = None) -> Draw:
    """Draws the sample (or draws it again), and makes the drawn cases the inspection's cases.

    With no seed the service chooses one at random; the seed is stored and shown, and drawing again with
    the same population, settings, sizes and seed gives the same cases. Drawing again replaces the cases
    (and their allocation), so it is refused once any case has been started.
    """
    inspection = lock_unpublished(inspection.pk)
    population = Population.objects.filter(inspection=inspection).first()
    if population is None:
        raise ValidationError("Import the eligible population before drawing the sample.")
    settings = sample_settings_for(inspection)
    if population_is_stale(population, inspection, settings):
        raise ValidationError(
            "The fieldwork start or the eligibility windows have changed since the population was imported. "
            "Import the population again, so that the right cases are eligible, then draw the sample."
        )
    _refuse_if_started(inspection, "The sample cannot be drawn again")
    chosen_by = "lead"
    if seed is None:
        seed, chosen_by = secrets.randbelow(900_000) + 100_000, "app"
    if not 0 <= seed <= MAX_SEED:
        raise ValidationError({"seed": f"The seed must be a whole number from 0 to {MAX_SEED:,}"})

    eligible = {case.reference: case for case in population.cases.filter(excluded_reason="")}
    overrides = dict(SizeOverride.objects.filter(inspection=inspection).values_list("category", "size"))
    try:
        drawn = rules.draw_sample(
            [case.as_rules() for case in eligible.values()], seed, settings.as_rules(), overrides
        )
    except ValueError as exc:
        raise ValidationError(f"The sample cannot be drawn: {exc}.") from None

    _delete_cases(Case.objects.filter(inspection=inspection), "The sample cannot be drawn again")
    Case.objects.bulk_create(
        _case_from(eligible[reference], inspection)
        for reference in drawn.court.selected + drawn.out_of_court.selected
    )
    draw = Draw(
        inspection=inspection,
        population=population,
        seed=seed,
        seed_chosen_by=chosen_by,
        inputs=sample_inputs(inspection, population, settings, overrides),
        result=draw_as_data(drawn),
        drawn_by=by,
    )
    draw.full_clean()
    draw.save()
    _mark_sampling(inspection)
    return draw


@transaction.atomic
def case_swap(
    *, inspection: Inspection, case: Case, reserve_reference: str, reason: str, by: User | None
) -> Case:
    """Replaces a sampled case by a reserve case of the same category, recording why.

    The reserve case takes the replaced case's inspector. Refused for a case already started, for a reserve
    already used, and where the reserve's case manager already has as many cases as the cap allows.
    """
    inspection = lock_unpublished(inspection.pk)
    draw = current_draw(inspection)
    if draw is None:
        raise ValidationError("Draw the sample before swapping cases.")
    case = Case.objects.select_for_update().get(pk=case.pk, inspection=inspection)
    problems = {}
    if not reason.strip():
        problems["reason"] = "Give the reason for swapping the case"
    if started_cases(inspection).filter(pk=case.pk).exists():
        raise ValidationError(
            f"Case {case.reference} has been started, so it cannot be swapped: its answers would be lost."
        )
    reserves = draw.result[case.category]["reserve"]
    used = set(draw.swaps.values_list("reserve_reference", flat=True))
    in_sample = set(Case.objects.filter(inspection=inspection).values_list("reference", flat=True))
    if reserve_reference not in reserves:
        problems["reserve"] = (
            f"Choose a case from the reserve list of {rules.CATEGORY_WORDS[case.category]} cases"
        )
    elif reserve_reference in used or reserve_reference in in_sample:
        problems["reserve"] = f"Reserve case {reserve_reference} is already in the sample"
    if problems:
        raise ValidationError(problems)

    row = draw.population.cases.get(reference=reserve_reference)
    cap = sample_settings_for(inspection).case_manager_cap
    if cap is not None and manager_key(row.case_manager):
        load = sum(
            manager_key(manager) == manager_key(row.case_manager)
            for manager in Case.objects.filter(inspection=inspection)
            .exclude(pk=case.pk)
            .values_list("case_manager", flat=True)
        )
        if load >= cap:
            raise ValidationError(
                {
                    "reserve": f"Case manager {row.case_manager} already has {load} cases in the sample, the "
                    f"most allowed: choose another reserve case"
                }
            )
    replacement = _case_from(row, inspection, inspector_id=case.inspector_id)
    swap = CaseSwap(
        draw=draw,
        category=case.category,
        replaced_reference=case.reference,
        reserve_reference=reserve_reference,
        reason=reason.strip(),
        swapped_by=by,
    )
    swap.full_clean(exclude=["draw"])
    _delete_cases(Case.objects.filter(pk=case.pk), f"Case {case.reference} cannot be swapped")
    replacement.save()
    swap.save()
    return replacement


# Allocation -------------------------------------------------------------------------------------------


@transaction.atomic
def cases_allocate(
    *, inspection: Inspection, allocation: dict[int, int | None], version: str, by: User | None = None
) -> int:
    """Allocates the inspection's cases to inspectors ({case id: user id or None}); returns how many changed.

    Refused if the allocation changed since the page showing `version` was opened, or if a case is given
    to someone who is not on the team in a role that assesses cases.
    """
    lock_unpublished(inspection.pk)
    cases = list(Case.objects.select_for_update().filter(inspection=inspection).order_by("pk"))
    if allocation_version(cases) != version:
        raise ConcurrentEditError("the allocation")
    by_pk = {case.pk: case for case in cases}
    allowed = dict(
        TeamMembership.objects.filter(inspection=inspection, role__in=ASSESSING_ROLES).values_list(
            "user_id", "user__email"
        )
    )
    problems = []
    unknown = sorted(set(allocation) - set(by_pk))
    if unknown:
        problems.append("Some of the cases are no longer in the sample. Open the page again.")
    for case_pk, user_pk in allocation.items():
        if user_pk is not None and user_pk not in allowed and case_pk in by_pk:
            problems.append(
                f"Case {by_pk[case_pk].reference} cannot go to that person: they do not assess cases on "
                "this inspection."
            )
    if problems:
        raise ValidationError(problems)
    changed = [case for case in cases if case.pk in allocation and case.inspector_id != allocation[case.pk]]
    # A case with quality assurance keeps its inspector: the one who submitted it is the one it is returned to
    # (README, Security: who may write a case).
    held = [case for case in changed if case.status in (CaseStatus.SUBMITTED, CaseStatus.APPROVED)]
    if held:
        raise ValidationError(
            [
                f"Case {case.reference} has been {case.get_status_display().lower()}: return it to its "
                "inspector before giving it to someone else."
                if case.status == CaseStatus.SUBMITTED
                else f"Case {case.reference} has been approved, so it stays with its inspector."
                for case in held
            ]
        )
    for case in changed:
        case.inspector_id = allocation[case.pk]
    Case.objects.bulk_update(changed, ["inspector"])
    return len(changed)

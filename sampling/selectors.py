"""Reads of the sample that span relations: what the population, sample and allocation pages show."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from cases.models import (
    Case,
    CaseStatus,
    Category,
    DisposalType,
    Gender,
    KeyQuestionAnswer,
    Level,
    PromptAnswer,
)
from inspections.models import Inspection, TeamMembership, TeamRole

from . import rules
from .models import Draw, Population, SampleSettings, SizeOverride

ASSESSING_ROLES = (TeamRole.LEAD, TeamRole.QA, TeamRole.INSPECTOR, TeamRole.COLLEAGUE)
"""Team roles whose members may be allocated cases to assess."""

manager_key = rules.manager_key

CATEGORY_SLUGS = {"court": rules.COURT, "out-of-court": rules.OUT_OF_COURT}
SLUG_OF_CATEGORY = {category: slug for slug, category in CATEGORY_SLUGS.items()}
CATEGORY_LABELS = dict(Category.choices)
DISPOSAL_LABELS = dict(DisposalType.choices)
GENDER_LABELS = dict(Gender.choices)
LEVEL_LABELS = dict(Level.choices)


def sample_settings_for(inspection: Inspection) -> SampleSettings:
    """The inspection's sampling settings: the saved ones, or the standard ones (not saved) if none."""
    return SampleSettings.objects.filter(inspection=inspection).first() or SampleSettings(
        inspection=inspection
    )


def population_is_stale(population: Population, inspection: Inspection, settings: SampleSettings) -> bool:
    """Whether the fieldwork start or the windows changed since the population was screened on import."""
    return (
        population.fieldwork_start != inspection.fieldwork_start or population.windows != settings.windows()
    )


def sample_inputs(
    inspection: Inspection, population: Population, settings: SampleSettings, overrides: dict[str, int]
) -> dict:
    """Everything a draw depends on besides its seed, as plain data (stored with the draw)."""
    return {
        "population_sha256": population.file_sha256,
        "fieldwork_start": population.fieldwork_start.isoformat(),
        "settings": settings.snapshot(),
        "size_overrides": {category: overrides[category] for category in sorted(overrides)},
    }


def current_draw(inspection: Inspection) -> Draw | None:
    """The latest draw of the inspection's sample, or None before the first."""
    return (
        Draw.objects.filter(inspection=inspection)
        .select_related("population", "drawn_by")
        .order_by("-drawn_at", "-pk")
        .first()
    )


def started_cases(inspection: Inspection) -> QuerySet[Case]:
    """The inspection's cases that an inspector has started: any status past not started, or any answer."""
    return Case.objects.filter(inspection=inspection).filter(
        ~Q(status=CaseStatus.NOT_STARTED)
        | Exists(KeyQuestionAnswer.objects.filter(case=OuterRef("pk")))
        | Exists(PromptAnswer.objects.filter(case=OuterRef("pk")))
    )


def allocation_version(cases: list[Case]) -> str:
    """A fingerprint of who has which case, to notice an allocation saved by someone else meanwhile."""
    text = ";".join(f"{case.pk}:{case.inspector_id or ''}" for case in sorted(cases, key=lambda c: c.pk))
    return hashlib.sha256(text.encode()).hexdigest()


def percent(share: Decimal | str) -> str:
    """A share (0.125) as a percentage to one decimal place (12.5%)."""
    value = (Decimal(share) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def stratum_words(gender: str, disposal_type: str, rosh: str, safety_wellbeing: str) -> dict:
    return {
        "gender": GENDER_LABELS.get(gender, gender),
        "disposal_type": DISPOSAL_LABELS.get(disposal_type, disposal_type),
        "rosh": LEVEL_LABELS.get(rosh, rosh),
        "safety_wellbeing": LEVEL_LABELS.get(safety_wellbeing, safety_wellbeing),
    }


# The population page ----------------------------------------------------------------------------------


def population_overview(inspection: Inspection) -> dict:
    """The imported population: counts per category, the cases left out and why, whether it is stale."""
    settings = sample_settings_for(inspection)
    population = Population.objects.filter(inspection=inspection).select_related("imported_by").first()
    windows = {
        category: rules.eligibility_window(category, inspection.fieldwork_start, settings.as_rules())
        for category in rules.CATEGORIES
    }
    overview = {
        "population": population,
        "settings": settings,
        "windows": [
            {
                "category": CATEGORY_LABELS[category],
                "first": first,
                "last": last,
                "months": settings.as_rules().window_months(category),
            }
            for category, (first, last) in windows.items()
        ],
    }
    if population is None:
        return overview
    counts = population.cases.aggregate(
        **{
            f"{category}_{kind}": Count("pk", filter=Q(category=category) & condition)
            for category in rules.CATEGORIES
            for kind, condition in (("eligible", Q(excluded_reason="")), ("excluded", ~Q(excluded_reason="")))
        }
    )
    overview.update(
        counts=[
            {
                "category": CATEGORY_LABELS[category],
                "eligible": counts[f"{category}_eligible"],
                "excluded": counts[f"{category}_excluded"],
            }
            for category in rules.CATEGORIES
        ],
        eligible=sum(counts[f"{category}_eligible"] for category in rules.CATEGORIES),
        excluded=list(population.cases.exclude(excluded_reason="").order_by("row")),
        drawn=current_draw(inspection) is not None,
        stale=population_is_stale(population, inspection, settings),
    )
    return overview


# The sample page --------------------------------------------------------------------------------------


@dataclass
class CategorySize:
    """One category's sample size with its working, before or after a draw."""

    category: str
    slug: str
    label: str
    working: rules.SampleSize
    override: SizeOverride | None
    target: int
    drawn: dict | None = None
    cases: list[Case] = field(default_factory=list)
    reserve: list[dict] = field(default_factory=list)
    analysis: list[dict] = field(default_factory=list)

    @property
    def before_rounding(self) -> str:
        return str(self.working.before_rounding.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    @property
    def n0(self) -> str:
        return str(self.working.n0.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def sample_overview(inspection: Inspection) -> dict:
    """What the sample page shows, in a fixed number of queries whatever the size of the sample."""
    settings = sample_settings_for(inspection)
    rules_settings = settings.as_rules()
    population = Population.objects.filter(inspection=inspection).first()
    eligible = Counter()
    if population is not None:
        eligible.update(
            dict(
                population.cases.filter(excluded_reason="")
                .values_list("category")
                .annotate(n=Count("pk"))
                .values_list("category", "n")
            )
        )
    overrides = {
        override.category: override
        for override in SizeOverride.objects.filter(inspection=inspection).select_related("recorded_by")
    }
    draw = current_draw(inspection)
    cases = list(
        Case.objects.filter(inspection=inspection)
        .select_related("inspector")
        .order_by("category", "reference")
    )
    swaps = list(draw.swaps.select_related("swapped_by")) if draw else []
    used = {swap.reserve_reference for swap in swaps}
    in_sample = {case.reference for case in cases}
    reserve_rows = {}
    if draw is not None:
        reserve_rows = {
            row.reference: row for row in draw.population.cases.filter(reference__in=draw.result["reserve"])
        }
    started = set(started_cases(inspection).values_list("pk", flat=True)) if cases else set()

    sizes = []
    for category in rules.CATEGORIES:
        working = rules.sample_size(eligible[category], rules_settings)
        override = overrides.get(category)
        size = CategorySize(
            category=category,
            slug=SLUG_OF_CATEGORY[category],
            label=CATEGORY_LABELS[category],
            working=working,
            override=override,
            target=min(override.size, working.population) if override else working.size,
        )
        if draw is not None:
            size.drawn = draw.result[category]
            size.cases = [case for case in cases if case.category == category]
            for case in size.cases:
                case.is_started = case.pk in started
            size.reserve = [
                {
                    "reference": reference,
                    "row": reserve_rows.get(reference),
                    "used": reference in used or reference in in_sample,
                }
                for reference in draw.result[category]["reserve"]
            ]
        sizes.append(size)

    current_inputs = None
    if population is not None:
        current_inputs = sample_inputs(
            inspection, population, settings, {c: o.size for c, o in overrides.items()}
        )
    if draw is not None:
        by_category = {size.category: size for size in sizes}
        for row in draw.result["analysis"]:
            by_category[row["category"]].analysis.append(
                {
                    **row,
                    **stratum_words(
                        row["gender"], row["disposal_type"], row["rosh"], row["safety_wellbeing"]
                    ),
                    "population_percent": percent(row["population_share"]),
                    "sample_percent": percent(row["sample_share"]),
                }
            )
    return {
        "strata_summaries": strata_summaries(sizes) if draw is not None else [],
        "settings": settings,
        "population": population,
        "population_stale": population is not None and population_is_stale(population, inspection, settings),
        "sizes": sizes,
        "total_target": sum(size.target for size in sizes),
        "draw": draw,
        "inputs_changed": draw is not None and current_inputs != draw.inputs,
        "cases": cases,
        "started_count": len(started),
        "swaps": swaps,
    }


def _summary_row(label: str, population: int, due: int, sample: int, totals: tuple[int, int]) -> dict:
    return {
        "label": label,
        "population": population,
        "population_percent": percent(Decimal(population) / totals[0]) if totals[0] else "–",
        "due": due,
        "sample": sample,
        "sample_percent": percent(Decimal(sample) / totals[1]) if totals[1] else "–",
    }


def strata_summaries(sizes: list[CategorySize]) -> list[dict]:
    """The analyse table summed by one dimension at a time (category, sex, risk of serious harm, safety and
    wellbeing) over the whole sample, each with its total row; and each category's full table's total."""
    rows = [(size, row) for size in sizes for row in size.analysis]
    population_total = sum(row["population"] for _, row in rows)
    sample_total = sum(row["sample"] for _, row in rows)
    totals = (population_total, sample_total)
    for size in sizes:
        size.analysis_total = _summary_row(
            "Total",
            sum(row["population"] for row in size.analysis),
            sum(row["allocated"] for row in size.analysis),
            sum(row["sample"] for row in size.analysis),
            (
                sum(row["population"] for row in size.analysis),
                sum(row["sample"] for row in size.analysis),
            ),
        )
    dimensions = [
        ("category", "Category", lambda size, row: size.label),
        ("gender", "Sex", lambda size, row: row["gender"]),
        ("rosh", "Risk of serious harm", lambda size, row: row["rosh"]),
        ("safety_wellbeing", "Safety and wellbeing", lambda size, row: row["safety_wellbeing"]),
    ]
    summaries = []
    for slug, title, value_of in dimensions:
        groups: dict[str, list[int]] = {}
        for size, row in rows:
            group = groups.setdefault(value_of(size, row), [0, 0, 0])
            group[0] += row["population"]
            group[1] += row["allocated"]
            group[2] += row["sample"]
        summaries.append(
            {
                "slug": slug,
                "title": title,
                "rows": [_summary_row(label, *figures, totals) for label, figures in groups.items()],
                "total": _summary_row(
                    "Total", population_total, sum(row["allocated"] for _, row in rows), sample_total, totals
                ),
            }
        )
    return summaries


def draw_summary(draw: Draw) -> dict:
    """The draw as `draw_sample --json` prints it (the cases as drawn, before any swap)."""
    return {
        "seed": draw.seed,
        **{
            category: {
                "population": draw.result[category]["population"],
                "size": draw.result[category]["target"],
                "cases": draw.result[category]["selected"],
            }
            for category in rules.CATEGORIES
        },
        "reserve": draw.result["reserve"],
    }


def reserve_choices(inspection: Inspection, draw: Draw, case: Case) -> list[dict]:
    """The reserve cases that could replace this case: same category, not yet in the sample."""
    in_sample = set(Case.objects.filter(inspection=inspection).values_list("reference", flat=True))
    used = set(draw.swaps.values_list("reserve_reference", flat=True))
    references = [
        reference
        for reference in draw.result[case.category]["reserve"]
        if reference not in in_sample and reference not in used
    ]
    rows = {row.reference: row for row in draw.population.cases.filter(reference__in=references)}
    stratum = (case.gender, case.disposal_type, case.rosh, case.safety_wellbeing)
    choices = []
    for reference in references:
        row = rows[reference]
        choices.append(
            {
                "reference": reference,
                "row": row,
                "same_stratum": (row.gender, row.disposal_type, row.rosh, row.safety_wellbeing) == stratum,
            }
        )
    # Cases of the same stratum first: they keep the sample's proportions.
    choices.sort(key=lambda choice: not choice["same_stratum"])
    return choices


# Allocation -------------------------------------------------------------------------------------------


def assessors(inspection: Inspection) -> list[TeamMembership]:
    """The team members who may be allocated cases, inspectors first."""
    order = {TeamRole.INSPECTOR: 0, TeamRole.COLLEAGUE: 1, TeamRole.QA: 2, TeamRole.LEAD: 3}
    members = TeamMembership.objects.filter(inspection=inspection, role__in=ASSESSING_ROLES).select_related(
        "user"
    )
    return sorted(members, key=lambda m: (order[m.role], str(m.user), m.user_id))


def suggested_allocation(
    cases: list[Case], members: list[TeamMembership], started: set[int]
) -> dict[int, int]:
    """A balanced allocation {case id: user id}: started cases stay where they are; the others are shared
    among the inspectors (colleague inspectors included), or among the lead and quality assurance
    inspectors when the team has no inspectors yet."""
    people = [m.user_id for m in members if m.role in (TeamRole.INSPECTOR, TeamRole.COLLEAGUE)]
    if not people:
        people = [m.user_id for m in members]
    if not people:
        return {}
    fixed = {case.reference: case.inspector_id for case in cases if case.pk in started and case.inspector_id}
    offered = [*people, *sorted({p for p in fixed.values() if p not in people})]
    by_reference = rules.suggest_allocation(
        [rules.CaseToAllocate(case.reference, case.category, case.case_manager) for case in cases],
        offered,
        fixed,
    )
    return {case.pk: by_reference[case.reference] for case in cases}


def allocation_page(inspection: Inspection, *, suggest: bool) -> dict:
    """The cases with their inspector (or the suggested one), and the people they can go to."""
    cases = list(
        Case.objects.filter(inspection=inspection)
        .select_related("inspector")
        .order_by("category", "reference")
    )
    members = assessors(inspection)
    started = set(started_cases(inspection).values_list("pk", flat=True)) if cases else set()
    unallocated = sum(case.inspector_id is None for case in cases)
    use_suggestion = suggest or (cases and unallocated == len(cases))
    proposed = suggested_allocation(cases, members, started) if use_suggestion else {}
    return {
        "cases": cases,
        "members": members,
        "started": started,
        "proposed": proposed,
        "is_suggestion": bool(proposed),
        "version": allocation_version(cases),
        "unallocated": unallocated,
    }


def allocation_totals(
    cases: list[Case], members: list[TeamMembership], allocation: dict[int, int | None]
) -> list[dict]:
    """How many cases of each category each person has in the allocation {case id: user id} shown."""
    counts = Counter((allocation.get(case.pk), case.category) for case in cases)
    return [
        {
            "member": member,
            "court": counts[(member.user_id, rules.COURT)],
            "out_of_court": counts[(member.user_id, rules.OUT_OF_COURT)],
            "total": counts[(member.user_id, rules.COURT)] + counts[(member.user_id, rules.OUT_OF_COURT)],
        }
        for member in members
    ]


# The inspection page's panels -------------------------------------------------------------------------


def setup_progress(inspection: Inspection) -> dict:
    """The set-up steps and how far each has got, for the lead inspector's task list (five queries)."""
    population = Population.objects.filter(inspection=inspection).first()
    eligible = population.cases.filter(excluded_reason="").count() if population else 0
    draw = current_draw(inspection)
    allocated = Case.objects.filter(inspection=inspection).aggregate(
        total=Count("pk"), allocated=Count("pk", filter=Q(inspector__isnull=False))
    )
    return {
        "team": TeamMembership.objects.filter(inspection=inspection).count(),
        "population": population,
        "eligible": eligible,
        "draw": draw,
        "cases": allocated["total"],
        "allocated": allocated["allocated"],
    }


def cases_allocated_to(user: User, inspection: Inspection) -> list[Case]:
    return list(Case.objects.filter(inspection=inspection, inspector=user).order_by("category", "reference"))


def stage_facts(inspection_ids: list[int]) -> dict[int, dict]:
    """For the inspection's stage (inspections/stage.py): whether an eligible population was imported."""
    ids = Population.objects.filter(inspection_id__in=inspection_ids).values_list("inspection_id", flat=True)
    return {pk: {"population": True} for pk in ids}

"""Case sampling: choosing which of the service's cases the inspectors will read.

The rules are those of docs/rules.md section 5. In short:

- The eligible population is the service's court disposals made 6 to 9 months before fieldwork starts and
  its out-of-court disposals made 3 to 5 months before. Each child counts once.
- Each category (court, out-of-court) gets its own sample size, set for 80% confidence with a margin of
  error of five points, corrected for the size of the population.
- The sample is stratified by gender, disposal type, risk of serious harm and safety and wellbeing, so that
  it keeps the proportions of the eligible population.
- Within each stratum the cases are chosen at random from a stored seed: the same population, settings
  and seed always give the same sample, on any machine and any later version of Python.

This module is plain Python with no Django: the pages and commands call it and store what it returns.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal, localcontext
from fractions import Fraction

COURT = "court"
OUT_OF_COURT = "out_of_court"
CATEGORIES: tuple[str, str] = (COURT, OUT_OF_COURT)
"""The two categories, in the order they are drawn: court first."""

CATEGORY_WORDS = {COURT: "court", OUT_OF_COURT: "out-of-court"}

DISPOSAL_TYPES: dict[str, tuple[str, ...]] = {
    COURT: ("referral_order", "youth_rehabilitation_order", "detention_and_training_order", "other_court"),
    OUT_OF_COURT: (
        "community_resolution",
        "youth_caution",
        "youth_conditional_caution",
        "no_further_action",
        "other_out_of_court",
    ),
}
GENDERS = ("male", "female", "other")
LEVELS = ("low", "medium", "high", "very_high")
"""The scale used for both risk of serious harm and safety and wellbeing."""

Stratum = tuple[str, str, str, str]
"""(gender, disposal type, risk of serious harm, safety and wellbeing)."""

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class PopulationCase:
    """One row of the eligible population the service sends us: only what sampling needs."""

    reference: str
    child_id: str
    gender: str
    category: str
    disposal_type: str
    disposal_date: datetime.date
    rosh: str
    safety_wellbeing: str
    case_manager: str

    def __post_init__(self) -> None:
        problems = _code_problems(self)
        if problems:
            raise ValueError(f"case {self.reference}: " + "; ".join(problems))

    @classmethod
    def from_facts(cls, reference: str, source: object) -> PopulationCase:
        """The case with this reference, its other facts read from the attributes of the same names."""
        names = [field.name for field in fields(cls) if field.name != "reference"]
        return cls(reference=reference, **{name: getattr(source, name) for name in names})

    @property
    def stratum(self) -> Stratum:
        """The group the case is sampled in: gender, disposal type, risk of harm, safety and wellbeing."""
        return (self.gender, self.disposal_type, self.rosh, self.safety_wellbeing)


def _code_problems(case: PopulationCase) -> list[str]:
    """Every code on the case that is not one of docs/inspection-data-format.md, in words."""
    problems = []
    if case.category not in CATEGORIES:
        problems.append(f"category {case.category!r} is neither court nor out-of-court")
    elif case.disposal_type not in DISPOSAL_TYPES[case.category]:
        problems.append(
            f"disposal type {case.disposal_type!r} is not a {CATEGORY_WORDS[case.category]} disposal"
        )
    if case.gender not in GENDERS:
        problems.append(f"gender {case.gender!r} is not one of {', '.join(GENDERS)}")
    for label, value in (
        ("risk of serious harm", case.rosh),
        ("safety and wellbeing", case.safety_wellbeing),
    ):
        if value not in LEVELS:
            problems.append(f"{label} {value!r} is not one of {', '.join(LEVELS)}")
    return problems


@dataclass(frozen=True)
class SamplingSettings:
    """The inspection's sampling settings; the defaults are the inspectorate's standard ones.

    z, p and margin set the sample size (80% confidence, margin of error 0.05, that is five points).
    The windows are (nearest, furthest) whole months before fieldwork starts.
    """

    z: Decimal = Decimal("1.2816")
    p: Decimal = Decimal("0.5")
    margin: Decimal = Decimal("0.05")
    reserve_per_stratum: int = 1
    case_manager_cap: int | None = None
    court_window_months: tuple[int, int] = (6, 9)
    out_of_court_window_months: tuple[int, int] = (3, 5)

    def __post_init__(self) -> None:
        for name in ("z", "p", "margin"):
            value = getattr(self, name)
            if isinstance(value, (int, float, str)) and not isinstance(value, bool):
                object.__setattr__(self, name, Decimal(str(value)))
        problems = _settings_problems(self)
        if problems:
            raise ValueError("; ".join(problems))

    def window_months(self, category: str) -> tuple[int, int]:
        """How many months before fieldwork a disposal of this category may be made: (nearest, furthest)."""
        if category == COURT:
            return self.court_window_months
        if category == OUT_OF_COURT:
            return self.out_of_court_window_months
        raise ValueError(f"category {category!r} is neither court nor out-of-court")


def _settings_problems(settings: SamplingSettings) -> list[str]:
    """Every setting that cannot give a sensible sample, in words."""
    problems = []
    if not settings.z > 0:
        problems.append("z must be more than 0")
    if not 0 < settings.p < 1:
        problems.append("p must be between 0 and 1")
    if not 0 < settings.margin < 1:
        problems.append("the margin of error must be between 0 and 1 (0.05 for five points)")
    if settings.reserve_per_stratum < 0:
        problems.append("reserve cases per stratum cannot be negative")
    if settings.case_manager_cap is not None and settings.case_manager_cap < 1:
        problems.append("the cap per case manager must be at least 1 (or none)")
    for label, (nearest, furthest) in (
        ("court", settings.court_window_months),
        ("out-of-court", settings.out_of_court_window_months),
    ):
        if not 0 <= nearest <= furthest:
            problems.append(f"the {label} window must run from fewer months to more months, not below 0")
    return problems


# Sample size ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSize:
    """The sample size for one category, with the working shown to the lead inspector.

    population is N, n0 the size for an unlimited population, size the result n.
    """

    population: int
    n0: Decimal
    size: int

    @property
    def before_rounding(self) -> Decimal:
        """n0 / (1 + (n0 - 1) / N) before rounding up (0 when there are no cases); for display only."""
        if self.population == 0:
            return Decimal(0)
        with localcontext() as context:
            context.prec = 28
            return self.n0 / (1 + (self.n0 - 1) / self.population)


def _initial_size(settings: SamplingSettings) -> Fraction:
    """n0 = z² p (1 - p) / e², kept as an exact fraction."""
    z, p, e = Fraction(settings.z), Fraction(settings.p), Fraction(settings.margin)
    return z * z * p * (1 - p) / (e * e)


def _as_decimal(value: Fraction) -> Decimal:
    """A fraction as a decimal, exact where it terminates (164.249856), else to 28 significant figures."""
    with localcontext() as context:
        context.prec = 28
        return Decimal(value.numerator) / Decimal(value.denominator)


def sample_size(population: int, settings: SamplingSettings = SamplingSettings()) -> SampleSize:
    """How many cases to read from a population of N cases.

    n0 = z² p (1 - p) / e² (164.249856 with the standard settings); for N cases
    n = n0 / (1 + (n0 - 1) / N), rounded up, and never more than N. No cases means a sample of 0.
    The arithmetic is exact (fractions), so a result that is a whole number is not rounded up by mistake.
    """
    if population < 0:
        raise ValueError("the population cannot be negative")
    n0 = _initial_size(settings)
    size = 0 if population == 0 else min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))
    return SampleSize(population=population, n0=_as_decimal(n0), size=size)


# Eligibility ------------------------------------------------------------------------------------------


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month, that many months earlier.

    When the earlier month is too short, its last day is used: 31 August less six months is 28 February
    (29 February in a leap year).
    """
    index = day.year * 12 + (day.month - 1) - months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def eligibility_window(
    category: str, fieldwork_start: datetime.date, settings: SamplingSettings = SamplingSettings()
) -> tuple[datetime.date, datetime.date]:
    """The first and last disposal dates that are eligible, both included.

    For court disposals with fieldwork starting on 12 July 2021: 12 October 2020 (nine months before) to
    12 January 2021 (six months before).
    """
    nearest, furthest = settings.window_months(category)
    return months_before(fieldwork_start, furthest), months_before(fieldwork_start, nearest)


def format_date(day: datetime.date) -> str:
    """A date as inspectors write it: 3 March 2021."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def eligibility_problem(
    case: PopulationCase, fieldwork_start: datetime.date, settings: SamplingSettings = SamplingSettings()
) -> str | None:
    """Why the case cannot be sampled, in words; None if its disposal falls inside its window."""
    first, last = eligibility_window(case.category, fieldwork_start, settings)
    if first <= case.disposal_date <= last:
        return None
    nearest, furthest = settings.window_months(case.category)
    return (
        f"{CATEGORY_WORDS[case.category]} disposal made on {format_date(case.disposal_date)}, "
        f"outside the window {format_date(first)} to {format_date(last)} "
        f"({nearest} to {furthest} months before fieldwork)"
    )


def _child_key(case: PopulationCase) -> str:
    """The child's identifier compared without case or stray spaces ("ab 12 " is "AB 12")."""
    return " ".join(case.child_id.split()).casefold()


def exclude_duplicate_children(
    cases: Iterable[PopulationCase],
) -> tuple[list[PopulationCase], list[tuple[PopulationCase, str]]]:
    """Keep one case per child and list the others with the reason.

    The case kept is the child's most recent disposal (of either category); on the same date, the lowest
    case reference. A blank child identifier matches no other case. Both lists keep the order given.
    """
    cases = list(cases)
    by_child: dict[str, list[PopulationCase]] = defaultdict(list)
    for case in cases:
        if _child_key(case):
            by_child[_child_key(case)].append(case)
    kept_for = {
        child: min(group, key=lambda c: (-c.disposal_date.toordinal(), c.reference))
        for child, group in by_child.items()
    }
    kept: list[PopulationCase] = []
    excluded: list[tuple[PopulationCase, str]] = []
    for case in cases:
        keeper = kept_for.get(_child_key(case), case)
        if keeper is case:
            kept.append(case)
        else:
            excluded.append((case, f"same child as case {keeper.reference}"))
    return kept, excluded


def screen_population(
    cases: Iterable[PopulationCase],
    fieldwork_start: datetime.date,
    settings: SamplingSettings = SamplingSettings(),
) -> tuple[list[PopulationCase], list[tuple[PopulationCase, str]]]:
    """The eligible population, and every case left out with its reason.

    Cases outside their window go first; duplicates of a child are then looked for among the cases that
    remain, so a child's ineligible case never pushes out their eligible one.
    """
    eligible: list[PopulationCase] = []
    excluded: list[tuple[PopulationCase, str]] = []
    for case in cases:
        problem = eligibility_problem(case, fieldwork_start, settings)
        if problem is None:
            eligible.append(case)
        else:
            excluded.append((case, problem))
    kept, duplicates = exclude_duplicate_children(eligible)
    return kept, excluded + duplicates


# Allocation -------------------------------------------------------------------------------------------


def _largest_remainder(weights: Mapping[Stratum, int], seats: int) -> dict[Stratum, int]:
    """Share out whole seats in proportion to the weights (Hamilton's largest-remainder method).

    Each stratum first gets the whole part of its exact share; the seats left over go one each to the
    largest remainders, ties going to the larger stratum and then to the first in sorted order.
    """
    keys = sorted(weights)
    total = sum(weights.values())
    if total == 0:
        return dict.fromkeys(keys, 0)
    quotas = {key: Fraction(seats * weights[key], total) for key in keys}
    shares = {key: math.floor(quotas[key]) for key in keys}
    left_over = seats - sum(shares.values())
    by_claim = sorted(keys, key=lambda key: (-(quotas[key] - shares[key]), -weights[key], key))
    for key in by_claim[:left_over]:
        shares[key] += 1
    return shares


def allocate(stratum_counts: Mapping[Stratum, int], size: int) -> dict[Stratum, int]:
    """How many of the sample to take from each stratum, in proportion to its share of the population.

    The numbers add up to the sample size exactly, no stratum is asked for more cases than it has, and each
    is within one case of its exact proportional share.
    """
    if any(count < 0 for count in stratum_counts.values()):
        raise ValueError("a stratum cannot have a negative number of cases")
    total = sum(stratum_counts.values())
    if not 0 <= size <= total:
        raise ValueError(f"cannot take {size} cases from a population of {total}")
    return _largest_remainder(stratum_counts, size)


# Drawing the sample -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryDraw:
    """The sample for one category (court or out-of-court).

    size is the computed size with its working; target the size used (the lead inspector's override where
    there is one); selected the chosen case references in the order drawn; shortfall how many fewer than
    the target could be chosen because of the cap per case manager.
    """

    category: str
    population: int
    size: SampleSize
    target: int
    allocation: dict[Stratum, int]
    selected: tuple[str, ...]
    reserve: tuple[str, ...]
    shortfall: int


@dataclass(frozen=True)
class AnalysisRow:
    """One line of the analyse table: a stratum's share of the population and of the sample.

    allocated is how many cases the stratum should have given; sample how many it gave.
    """

    category: str
    stratum: Stratum
    population: int
    population_share: Decimal
    sample: int
    sample_share: Decimal
    allocated: int


@dataclass(frozen=True)
class Draw:
    """The whole sample: the seed it came from, each category, the reserve list and the analyse table."""

    seed: int
    court: CategoryDraw
    out_of_court: CategoryDraw
    reserve: tuple[str, ...]
    analysis: tuple[AnalysisRow, ...]


def _shuffled(cases: list[PopulationCase], rng: random.Random) -> list[PopulationCase]:
    """The cases in random order (Fisher-Yates).

    Only rng.random() is used because Python promises that its sequence never changes for a given seed;
    random.shuffle makes no such promise. random() returns k / 2**53 exactly, so k * (i + 1) // 2**53 is
    a whole number from 0 to i with no rounding (any bias is below one in 2**40 for a stratum of under
    8,000 cases).
    """
    order = list(cases)
    for i in range(len(order) - 1, 0, -1):
        k = int(rng.random() * 2**53)
        j = (k * (i + 1)) >> 53
        order[i], order[j] = order[j], order[i]
    return order


def _draw_order(
    cases: list[PopulationCase], seed: int, category: str, stratum: Stratum
) -> list[PopulationCase]:
    """The order in which a stratum's cases are drawn.

    The cases are put in reference order and shuffled with a generator seeded from the seed, the category
    and the stratum, so the order depends neither on the order of the uploaded file nor on other strata.
    """
    rng = random.Random("|".join((str(seed), category, *stratum)))
    return _shuffled(sorted(cases, key=lambda case: case.reference), rng)


def manager_key(name: str) -> str:
    """A case manager's name compared without case or stray spaces; blank when none is recorded."""
    return " ".join(name.split()).casefold()


def _manager_key(case: PopulationCase | CaseToAllocate) -> str:
    return manager_key(case.case_manager)


def _at_cap(case: PopulationCase, load: Counter[str], cap: int | None) -> bool:
    """Whether the case's manager already has as many selected cases as the cap allows."""
    manager = _manager_key(case)
    return cap is not None and manager != "" and load[manager] >= cap


def _select(
    order: list[PopulationCase], wanted: int, load: Counter[str], cap: int | None
) -> list[PopulationCase]:
    """Take up to `wanted` cases in draw order, passing over any whose manager is at the cap."""
    chosen: list[PopulationCase] = []
    for case in order:
        if len(chosen) == wanted:
            break
        if not _at_cap(case, load, cap):
            chosen.append(case)
            load[_manager_key(case)] += 1
    return chosen


def _reserve(
    order: list[PopulationCase], wanted: int, chosen: set[str], load: Counter[str], cap: int | None
) -> list[PopulationCase]:
    """The next unselected cases in draw order whose manager could still take one more case."""
    spare = (case for case in order if case.reference not in chosen and not _at_cap(case, load, cap))
    return list(itertools.islice(spare, wanted))


def _check_references(cases: Sequence[PopulationCase]) -> None:
    """Refuse a population in which two cases share a reference: the sample is a list of references."""
    repeated = sorted(ref for ref, count in Counter(case.reference for case in cases).items() if count > 1)
    if repeated:
        raise ValueError(f"case references used more than once: {', '.join(repeated)}")


def _targets(
    populations: Mapping[str, int], sizes: Mapping[str, SampleSize], overrides: Mapping[str, int] | None
) -> dict[str, int]:
    """The size to draw per category: the lead inspector's override (at most N) or the computed size."""
    overrides = overrides or {}
    unknown = sorted(set(overrides) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"sizes given for unknown categories: {', '.join(unknown)}")
    if any(size < 0 for size in overrides.values()):
        raise ValueError("a sample size cannot be negative")
    return {
        category: min(overrides[category], populations[category])
        if category in overrides
        else sizes[category].size
        for category in CATEGORIES
    }


def _shares(counts: Mapping[Stratum, int]) -> dict[Stratum, Decimal]:
    """Each stratum's share of the total (0 when the total is 0).

    Shares are not rounded here, so strata of equal size show equal shares; to 28 significant figures they
    add up to 1. The page rounds them for display.
    """
    total = sum(counts.values())
    with localcontext() as context:
        context.prec = 28
        return {key: Decimal(count) / total if total else Decimal(0) for key, count in counts.items()}


def _analysis(
    category: str,
    population: Mapping[Stratum, int],
    allocation: Mapping[Stratum, int],
    sample: Mapping[Stratum, int],
) -> list[AnalysisRow]:
    """The analyse table for one category: every stratum of the population, in stratum order."""
    sample_counts = {stratum: sample.get(stratum, 0) for stratum in population}
    population_shares, sample_shares = _shares(population), _shares(sample_counts)
    return [
        AnalysisRow(
            category=category,
            stratum=stratum,
            population=population[stratum],
            population_share=population_shares[stratum],
            sample=sample_counts[stratum],
            sample_share=sample_shares[stratum],
            allocated=allocation[stratum],
        )
        for stratum in sorted(population)
    ]


def _strata_in_draw_order(
    cases: Sequence[PopulationCase], seed: int, category: str
) -> dict[Stratum, list[PopulationCase]]:
    """Each stratum of the category, in stratum order, with its cases in the order they will be drawn."""
    strata: dict[Stratum, list[PopulationCase]] = defaultdict(list)
    for case in cases:
        if case.category == category:
            strata[case.stratum].append(case)
    return {
        stratum: _draw_order(members, seed, category, stratum) for stratum, members in sorted(strata.items())
    }


def _category_draw(
    category: str,
    size: SampleSize,
    target: int,
    allocation: dict[Stratum, int],
    picks: Mapping[Stratum, list[PopulationCase]],
    reserve: list[PopulationCase],
) -> CategoryDraw:
    """Gather one category's sample, reserve and shortfall."""
    selected = tuple(case.reference for stratum_picks in picks.values() for case in stratum_picks)
    return CategoryDraw(
        category=category,
        population=size.population,
        size=size,
        target=target,
        allocation=allocation,
        selected=selected,
        reserve=tuple(case.reference for case in reserve),
        shortfall=target - len(selected),
    )


def draw_sample(
    cases: Sequence[PopulationCase],
    seed: int,
    settings: SamplingSettings = SamplingSettings(),
    size_overrides: Mapping[str, int] | None = None,
) -> Draw:
    """Draw the stratified sample from the eligible population.

    The cases given must already be eligible and one per child (see screen_population); they are not
    checked again. Court cases are drawn first, then out-of-court, and within each category stratum by
    stratum in sorted order. The cap per case manager counts selected cases across both categories; where
    it leaves a stratum short, the shortfall is reported, not made up from other strata. Reserve cases are
    chosen once the whole sample is drawn: per stratum, the next cases in draw order whose manager is below
    the cap. The same cases, seed, settings and overrides always give the same Draw.
    """
    _check_references(cases)
    orders = {category: _strata_in_draw_order(cases, seed, category) for category in CATEGORIES}
    counts = {category: {s: len(order) for s, order in orders[category].items()} for category in CATEGORIES}
    populations = {category: sum(counts[category].values()) for category in CATEGORIES}
    sizes = {category: sample_size(populations[category], settings) for category in CATEGORIES}
    targets = _targets(populations, sizes, size_overrides)
    allocations = {category: allocate(counts[category], targets[category]) for category in CATEGORIES}

    cap, load = settings.case_manager_cap, Counter[str]()
    picks = {
        category: {
            stratum: _select(order, allocations[category][stratum], load, cap)
            for stratum, order in orders[category].items()
        }
        for category in CATEGORIES
    }
    chosen = {
        case.reference for by_stratum in picks.values() for cases_ in by_stratum.values() for case in cases_
    }
    reserves = {
        category: [
            case
            for order in orders[category].values()
            for case in _reserve(order, settings.reserve_per_stratum, chosen, load, cap)
        ]
        for category in CATEGORIES
    }

    draws = {
        category: _category_draw(
            category,
            sizes[category],
            targets[category],
            allocations[category],
            picks[category],
            reserves[category],
        )
        for category in CATEGORIES
    }
    analysis = [
        row
        for category in CATEGORIES
        for row in _analysis(
            category,
            counts[category],
            allocations[category],
            {stratum: len(stratum_picks) for stratum, stratum_picks in picks[category].items()},
        )
    ]
    return Draw(
        seed=seed,
        court=draws[COURT],
        out_of_court=draws[OUT_OF_COURT],
        reserve=draws[COURT].reserve + draws[OUT_OF_COURT].reserve,
        analysis=tuple(analysis),
    )


# Allocating cases to inspectors -----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseToAllocate:
    """What the suggested allocation needs to know about a sampled case."""

    reference: str
    category: str
    case_manager: str


def suggest_allocation(
    cases: Sequence[CaseToAllocate],
    inspectors: Sequence[int],
    fixed: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """A balanced allocation of the cases to the inspectors (given by their ids, in a stable order).

    Cases in `fixed` keep their inspector (a case already started stays with the inspector who started it)
    and count towards that inspector's load. Each other case goes to the inspector with the fewest cases of
    its category, then the fewest cases in all, then the fewest of its case manager's cases, then the first
    in the order given. Cases are taken court first, a case manager's cases together, so that each category
    and the totals are shared out within one case of each other (when nothing is fixed) and a case manager's
    cases are spread over the inspectors rather than landing with one.
    """
    if not inspectors:
        raise ValueError("there is nobody to allocate the cases to")
    fixed = dict(fixed or {})
    unknown = sorted({inspector for inspector in fixed.values() if inspector not in inspectors}, key=str)
    if unknown:
        raise ValueError(f"fixed cases are allocated to people who are not offered: {unknown}")
    by_category: dict[str, Counter[int]] = defaultdict(Counter)
    totals: Counter[int] = Counter()
    by_manager: dict[str, Counter[int]] = defaultdict(Counter)
    allocation: dict[str, int] = {}

    def give(case: CaseToAllocate, inspector: int) -> None:
        allocation[case.reference] = inspector
        by_category[case.category][inspector] += 1
        totals[inspector] += 1
        by_manager[_manager_key(case)][inspector] += 1

    for case in cases:
        if case.reference in fixed:
            give(case, fixed[case.reference])
    position = {inspector: index for index, inspector in enumerate(inspectors)}
    category_order = {category: index for index, category in enumerate(CATEGORIES)}
    to_share = sorted(
        (case for case in cases if case.reference not in fixed),
        key=lambda case: (
            category_order.get(case.category, len(CATEGORIES)),
            _manager_key(case),
            case.reference,
        ),
    )
    for case in to_share:
        manager = _manager_key(case)
        inspector = min(
            inspectors,
            key=lambda person: (
                by_category[case.category][person],
                totals[person],
                by_manager[manager][person] if manager else 0,
                position[person],
            ),
        )
        give(case, inspector)
    return allocation

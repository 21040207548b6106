"""Tests of case sampling (docs/rules.md section 5). Plain Python: no database is needed."""

import datetime
import math
import random
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sampling.rules import (
    CATEGORIES,
    COURT,
    DISPOSAL_TYPES,
    GENDERS,
    LEVELS,
    OUT_OF_COURT,
    CaseToAllocate,
    PopulationCase,
    SamplingSettings,
    allocate,
    draw_sample,
    eligibility_problem,
    eligibility_window,
    exclude_duplicate_children,
    format_date,
    months_before,
    sample_size,
    screen_population,
    suggest_allocation,
)

date = datetime.date


def make_case(reference="C01", **facts) -> PopulationCase:
    """A court case with ordinary facts; any fact can be given."""
    values = {
        "child_id": f"child-{reference}",
        "gender": "male",
        "category": COURT,
        "disposal_type": "referral_order",
        "disposal_date": date(2021, 1, 1),
        "rosh": "medium",
        "safety_wellbeing": "medium",
        "case_manager": "Alex Morgan",
    }
    if facts.get("category") == OUT_OF_COURT and "disposal_type" not in facts:
        values["disposal_type"] = "community_resolution"
    values.update(facts)
    return PopulationCase(reference=reference, **values)


def random_population(size: int, rng_seed: int, managers: int = 12) -> list[PopulationCase]:
    """A population with a few strata of several cases each, so that reserves exist."""
    rng = random.Random(rng_seed)
    cases = []
    for i in range(size):
        category = rng.choice(CATEGORIES)
        cases.append(
            make_case(
                f"R{i:04d}",
                category=category,
                gender=rng.choice(("male", "female")),
                disposal_type=rng.choice(DISPOSAL_TYPES[category][:2]),
                rosh=rng.choice(("low", "high")),
                safety_wellbeing=rng.choice(("medium", "high")),
                case_manager=f"Manager {rng.randrange(managers)}",
            )
        )
    return cases


# Sample size -----------------------------------------------------------------------------------------
#
# Worked by hand with the standard settings (z = 1.2816, p = 0.5, e = 0.05):
#   n0 = 1.2816² × 0.25 / 0.0025 = 1.64249856 × 0.25 / 0.0025 = 164.249856, so n0 - 1 = 163.249856
#   N = 50:   164.249856 / (1 + 163.249856 / 50)   = 164.249856 / 4.26499712   = 38.511… → 39
#   N = 100:  164.249856 / (1 + 163.249856 / 100)  = 164.249856 / 2.63249856   = 62.393… → 63
#   N = 500:  164.249856 / (1 + 163.249856 / 500)  = 164.249856 / 1.326499712  = 123.822… → 124
#   N = 5000: 164.249856 / (1 + 163.249856 / 5000) = 164.249856 / 1.0326499712 = 159.056… → 160
#   N = 1:    164.249856 / (1 + 163.249856)        = 164.249856 / 164.249856   = 1 exactly → 1


@pytest.mark.parametrize(("population", "expected"), [(50, 39), (100, 63), (500, 124), (5000, 160)])
def test_sample_size_matches_the_hand_worked_values(population, expected):
    result = sample_size(population)
    assert result.population == population
    assert result.n0 == Decimal("164.249856")
    assert result.size == expected


def test_sample_size_shows_the_working_before_rounding():
    assert sample_size(50).before_rounding.quantize(Decimal("0.001")) == Decimal("38.511")
    assert sample_size(0).before_rounding == 0


def test_no_cases_means_no_sample():
    assert sample_size(0).size == 0


def test_one_case_is_a_sample_of_one_even_though_the_formula_gives_exactly_1():
    assert sample_size(1).size == 1


def test_sample_size_refuses_a_negative_population():
    with pytest.raises(ValueError):
        sample_size(-1)


def test_sample_size_follows_the_settings():
    # 95% confidence: n0 = 1.96² × 0.25 / 0.0025 = 384.16; N = 100 → 384.16 / 4.8316 = 79.5… → 80
    result = sample_size(100, SamplingSettings(z=Decimal("1.96")))
    assert result.n0 == Decimal("384.16")
    assert result.size == 80


@given(st.integers(min_value=1, max_value=100_000))
def test_sample_size_is_the_formula_rounded_up_and_never_more_than_n(population):
    # n = 164.249856 N / (N + 163.249856) = 164249856 N / (1000000 N + 163249856), checked in whole numbers.
    numerator, denominator = 164_249_856 * population, 1_000_000 * population + 163_249_856
    size = sample_size(population).size
    assert (size - 1) * denominator < numerator <= size * denominator
    assert 1 <= size <= population


@given(st.integers(min_value=0, max_value=20_000))
def test_a_bigger_population_never_gets_a_smaller_sample(population):
    assert sample_size(population).size <= sample_size(population + 1).size


def test_settings_that_cannot_work_are_refused():
    for bad in (
        {"p": Decimal(1)},
        {"margin": Decimal(5)},
        {"z": Decimal(0)},
        {"reserve_per_stratum": -1},
        {"case_manager_cap": 0},
        {"court_window_months": (9, 6)},
    ):
        with pytest.raises(ValueError):
            SamplingSettings(**bad)


# Eligibility windows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2021, 8, 31), 6, date(2021, 2, 28)),
        (date(2020, 8, 31), 6, date(2020, 2, 29)),
        (date(2021, 7, 31), 9, date(2020, 10, 31)),
        (date(2021, 7, 31), 3, date(2021, 4, 30)),
        (date(2021, 3, 15), 5, date(2020, 10, 15)),
        (date(2021, 1, 12), 0, date(2021, 1, 12)),
        (date(2021, 1, 31), 13, date(2019, 12, 31)),
    ],
)
def test_months_before_uses_the_last_day_of_a_shorter_month(day, months, expected):
    assert months_before(day, months) == expected


def test_court_window_runs_from_nine_to_six_months_before_fieldwork():
    assert eligibility_window(COURT, date(2021, 7, 12)) == (date(2020, 10, 12), date(2021, 1, 12))


def test_out_of_court_window_runs_from_five_to_three_months_before_fieldwork():
    assert eligibility_window(OUT_OF_COURT, date(2021, 7, 12)) == (date(2021, 2, 12), date(2021, 4, 12))


def test_window_after_a_month_end_start_is_clamped():
    assert eligibility_window(COURT, date(2021, 8, 31)) == (date(2020, 11, 30), date(2021, 2, 28))


@pytest.mark.parametrize(
    ("category", "inside", "outside"),
    [
        (COURT, [date(2020, 10, 12), date(2021, 1, 12)], [date(2020, 10, 11), date(2021, 1, 13)]),
        (OUT_OF_COURT, [date(2021, 2, 12), date(2021, 4, 12)], [date(2021, 2, 11), date(2021, 4, 13)]),
    ],
)
def test_both_ends_of_the_window_are_included(category, inside, outside):
    fieldwork = date(2021, 7, 12)
    for day in inside:
        assert eligibility_problem(make_case(category=category, disposal_date=day), fieldwork) is None
    for day in outside:
        assert eligibility_problem(make_case(category=category, disposal_date=day), fieldwork) is not None


def test_the_reason_for_exclusion_is_given_in_words():
    case = make_case(disposal_date=date(2021, 3, 3))
    assert eligibility_problem(case, date(2021, 7, 12)) == (
        "court disposal made on 3 March 2021, outside the window 12 October 2020 to 12 January 2021 "
        "(6 to 9 months before fieldwork)"
    )


def test_out_of_court_reason_names_its_own_window():
    case = make_case(category=OUT_OF_COURT, disposal_date=date(2021, 6, 1))
    assert eligibility_problem(case, date(2021, 7, 12)) == (
        "out-of-court disposal made on 1 June 2021, outside the window 12 February 2021 to 12 April 2021 "
        "(3 to 5 months before fieldwork)"
    )


def test_windows_follow_the_settings():
    wider = SamplingSettings(court_window_months=(6, 12))
    assert eligibility_problem(make_case(disposal_date=date(2020, 8, 1)), date(2021, 7, 12), wider) is None


def test_dates_are_written_as_inspectors_write_them():
    assert format_date(date(2021, 3, 3)) == "3 March 2021"


# Duplicate children ----------------------------------------------------------------------------------


def test_a_child_is_kept_once_with_their_most_recent_disposal():
    older = make_case("C01", child_id="K1", disposal_date=date(2020, 11, 1))
    newer = make_case("C02", child_id="K1", disposal_date=date(2021, 1, 1), category=OUT_OF_COURT)
    other = make_case("C03", child_id="K2")
    kept, excluded = exclude_duplicate_children([older, newer, other])
    assert kept == [newer, other]
    assert excluded == [(older, "same child as case C02")]


def test_on_the_same_date_the_lowest_reference_is_kept():
    cases = [make_case(ref, child_id="K1") for ref in ("C09", "C03", "C05")]
    kept, excluded = exclude_duplicate_children(cases)
    assert [case.reference for case in kept] == ["C03"]
    assert [(case.reference, reason) for case, reason in excluded] == [
        ("C09", "same child as case C03"),
        ("C05", "same child as case C03"),
    ]


def test_child_identifiers_are_compared_without_case_or_spaces():
    kept, excluded = exclude_duplicate_children(
        [make_case("C01", child_id="ab 12"), make_case("C02", child_id=" AB  12 ")]
    )
    assert [case.reference for case in kept] == ["C01"]
    assert len(excluded) == 1


def test_blank_child_identifiers_are_not_treated_as_the_same_child():
    kept, excluded = exclude_duplicate_children(
        [make_case("C01", child_id=""), make_case("C02", child_id=" ")]
    )
    assert len(kept) == 2 and excluded == []


def test_screening_drops_ineligible_cases_before_looking_for_duplicates():
    fieldwork = date(2021, 7, 12)
    too_recent = make_case("C01", child_id="K1", disposal_date=date(2021, 6, 1))
    eligible = make_case("C02", child_id="K1", disposal_date=date(2020, 12, 1))
    also_eligible = make_case("C03", child_id="K1", disposal_date=date(2020, 11, 1))
    kept, excluded = screen_population([too_recent, eligible, also_eligible], fieldwork)
    assert kept == [eligible]
    assert [(case.reference, reason.split(",")[0]) for case, reason in excluded] == [
        ("C01", "court disposal made on 1 June 2021"),
        ("C03", "same child as case C02"),
    ]


def test_a_case_with_an_unknown_code_cannot_be_made():
    with pytest.raises(ValueError, match="not a court disposal"):
        make_case(disposal_type="youth_caution")
    with pytest.raises(ValueError, match="risk of serious harm"):
        make_case(rosh="severe")


# Allocation ------------------------------------------------------------------------------------------

strata = st.tuples(
    st.sampled_from(GENDERS),
    st.sampled_from(DISPOSAL_TYPES[COURT]),
    st.sampled_from(LEVELS),
    st.sampled_from(LEVELS),
)


@st.composite
def counts_and_size(draw):
    counts = draw(st.dictionaries(strata, st.integers(min_value=0, max_value=60), max_size=25))
    size = draw(st.integers(min_value=0, max_value=sum(counts.values())))
    return counts, size


@given(counts_and_size())
def test_allocation_adds_up_and_each_stratum_is_within_one_case_of_its_share(case):
    counts, size = case
    allocation = allocate(counts, size)
    total = sum(counts.values())
    assert set(allocation) == set(counts)
    assert sum(allocation.values()) == size
    for stratum, count in counts.items():
        assert 0 <= allocation[stratum] <= count
        exact_share = Fraction(size * count, total) if total else Fraction(0)
        assert abs(allocation[stratum] - exact_share) < 1
        assert allocation[stratum] in (math.floor(exact_share), math.ceil(exact_share))


@given(counts_and_size())
def test_allocation_does_not_depend_on_the_order_of_the_strata(case):
    counts, size = case
    reversed_counts = dict(reversed(list(counts.items())))
    assert allocate(counts, size) == allocate(reversed_counts, size) == allocate(counts, size)


def test_allocation_worked_example():
    # 10 cases from 7 + 5 + 3 = 15: exact shares 4.67, 3.33, 2.00 → 4, 3, 2 and the spare case goes to the
    # largest remainder (0.67).
    a, b, c = (("male", "referral_order", level, "low") for level in ("low", "medium", "high"))
    assert allocate({a: 7, b: 5, c: 3}, 10) == {a: 5, b: 3, c: 2}


def test_equal_remainders_go_to_the_larger_stratum_then_the_first_in_order():
    small, big, other = (("male", "referral_order", "low", level) for level in ("low", "medium", "high"))
    # 2 cases from 1 + 3: shares 0.5 and 1.5, equal remainders, so the larger stratum gets the spare case.
    assert allocate({small: 1, big: 3}, 2) == {small: 0, big: 2}
    # 1 case from 1 + 1: shares 0.5 and 0.5, same size, so the first in order ("high" before "medium").
    assert allocate({big: 1, other: 1}, 1) == {other: 1, big: 0}


def test_allocation_cannot_take_more_than_the_population():
    with pytest.raises(ValueError):
        allocate({("male", "referral_order", "low", "low"): 3}, 4)


# Drawing the sample ----------------------------------------------------------------------------------


def test_the_same_population_settings_and_seed_give_the_same_sample():
    population = random_population(400, rng_seed=1)
    options = SamplingSettings(case_manager_cap=18, reserve_per_stratum=2)
    assert draw_sample(population, 2021, options) == draw_sample(list(population), 2021, options)


def test_the_order_of_the_uploaded_rows_does_not_matter():
    population = random_population(400, rng_seed=2)
    shuffled = list(population)
    random.Random(99).shuffle(shuffled)
    options = SamplingSettings(case_manager_cap=18)
    assert draw_sample(population, 7, options) == draw_sample(shuffled, 7, options)


def test_a_different_seed_gives_a_different_sample():
    population = random_population(600, rng_seed=3)
    first, second = draw_sample(population, 1), draw_sample(population, 2)
    assert first.court.selected != second.court.selected
    assert first.out_of_court.selected != second.out_of_court.selected
    assert first.court.allocation == second.court.allocation


def test_the_sample_is_stored_with_its_seed_and_the_working():
    population = random_population(300, rng_seed=4)
    draw = draw_sample(population, 123)
    assert draw.seed == 123
    court_population = sum(case.category == COURT for case in population)
    assert draw.court.population == court_population
    assert draw.court.size == sample_size(court_population)
    assert draw.court.target == draw.court.size.size == len(draw.court.selected)
    assert draw.court.shortfall == 0


def test_without_a_cap_every_stratum_gives_exactly_its_allocation():
    population = random_population(300, rng_seed=5)
    draw = draw_sample(population, 5)
    by_reference = {case.reference: case for case in population}
    for category_draw in (draw.court, draw.out_of_court):
        drawn = Counter(by_reference[ref].stratum for ref in category_draw.selected)
        assert {s: n for s, n in category_draw.allocation.items() if n} == dict(drawn)
        assert all(by_reference[ref].category == category_draw.category for ref in category_draw.selected)


def test_an_override_replaces_the_computed_size_and_is_capped_at_the_population():
    population = random_population(300, rng_seed=6)
    draw = draw_sample(population, 1, size_overrides={COURT: 10, OUT_OF_COURT: 10_000})
    assert draw.court.target == 10 and len(draw.court.selected) == 10
    assert draw.court.size == sample_size(draw.court.population)
    assert draw.out_of_court.target == draw.out_of_court.population == len(draw.out_of_court.selected)


def test_an_override_for_an_unknown_category_is_refused():
    with pytest.raises(ValueError):
        draw_sample(random_population(20, rng_seed=7), 1, size_overrides={"custody": 3})


def test_case_references_must_be_unique():
    with pytest.raises(ValueError, match="C01"):
        draw_sample([make_case("C01", child_id="K1"), make_case("C01", child_id="K2")], 1)


def test_the_cap_counts_court_and_out_of_court_together_and_reports_the_shortfall():
    court = [make_case(f"C{i:03d}", case_manager="Sam") for i in range(12)]
    court += [make_case(f"C{i:03d}", case_manager="Jo") for i in range(12, 20)]
    out_of_court = [make_case(f"O{i:03d}", category=OUT_OF_COURT, case_manager="Sam") for i in range(10)]
    draw = draw_sample(court + out_of_court, 3, SamplingSettings(case_manager_cap=5))
    # 20 court cases → a sample of 18, but Sam and Jo can take only 5 each; court is drawn first, so Sam has
    # no room left for out-of-court cases.
    assert draw.court.target == 18 and len(draw.court.selected) == 10 and draw.court.shortfall == 8
    assert draw.out_of_court.selected == () and draw.out_of_court.shortfall == draw.out_of_court.target
    assert draw.reserve == ()


def test_case_managers_are_compared_without_case_or_spaces_and_blank_ones_are_not_capped():
    cases = [make_case(f"C{i:02d}", case_manager=name) for i, name in enumerate(["Sam", " sam", "SAM "] * 4)]
    cases += [make_case(f"D{i:02d}", case_manager="") for i in range(6)]
    draw = draw_sample(cases, 1, SamplingSettings(case_manager_cap=2))
    selected = set(draw.court.selected)
    assert len(selected & {case.reference for case in cases[:12]}) == 2
    assert {f"D{i:02d}" for i in range(6)} <= selected


@st.composite
def populations(draw):
    size = draw(st.integers(min_value=0, max_value=120))
    cases = []
    for i in range(size):
        category = draw(st.sampled_from(CATEGORIES))
        cases.append(
            make_case(
                f"P{i:03d}",
                category=category,
                gender=draw(st.sampled_from(GENDERS[:2])),
                disposal_type=draw(st.sampled_from(DISPOSAL_TYPES[category][:2])),
                rosh=draw(st.sampled_from(LEVELS[:2])),
                safety_wellbeing=draw(st.sampled_from(LEVELS[2:])),
                case_manager=draw(st.sampled_from(["Ann", "Bea", "Cal", "Dev", ""])),
            )
        )
    return cases


draw_settings = st.builds(
    SamplingSettings,
    reserve_per_stratum=st.integers(min_value=0, max_value=3),
    case_manager_cap=st.none() | st.integers(min_value=1, max_value=15),
)


@settings(max_examples=150, deadline=None)
@given(populations(), st.integers(), draw_settings, st.randoms(use_true_random=False))
def test_every_draw_keeps_the_rules(population, seed, options, rng):
    draw = draw_sample(population, seed, options)
    by_reference = {case.reference: case for case in population}
    selected = draw.court.selected + draw.out_of_court.selected

    shuffled = list(population)
    rng.shuffle(shuffled)
    assert draw_sample(shuffled, seed, options) == draw

    assert len(set(selected)) == len(selected)
    assert len(set(draw.reserve)) == len(draw.reserve)
    assert not set(draw.reserve) & set(selected)
    assert draw.reserve == draw.court.reserve + draw.out_of_court.reserve

    load = Counter(by_reference[ref].case_manager for ref in selected if by_reference[ref].case_manager)
    if options.case_manager_cap is not None:
        assert max(load.values(), default=0) <= options.case_manager_cap
        for ref in draw.reserve:
            manager = by_reference[ref].case_manager
            assert not manager or load[manager] < options.case_manager_cap
    reserve_per_stratum = Counter(
        (by_reference[ref].category, by_reference[ref].stratum) for ref in draw.reserve
    )
    assert max(reserve_per_stratum.values(), default=0) <= options.reserve_per_stratum

    for category_draw in (draw.court, draw.out_of_court):
        assert category_draw.shortfall == category_draw.target - len(category_draw.selected) >= 0
        if options.case_manager_cap is None:
            assert category_draw.shortfall == 0
        rows = [row for row in draw.analysis if row.category == category_draw.category]
        assert sum(row.population for row in rows) == category_draw.population
        assert sum(row.sample for row in rows) == len(category_draw.selected)
        assert sum(row.allocated for row in rows) == category_draw.target
        if rows:
            assert abs(sum(row.population_share for row in rows) - 1) < Decimal("1e-20")
        if category_draw.selected:
            assert abs(sum(row.sample_share for row in rows) - 1) < Decimal("1e-20")


def test_analysis_compares_population_and_sample_shares_per_stratum():
    population = random_population(300, rng_seed=8)
    draw = draw_sample(population, 8)
    court_rows = [row for row in draw.analysis if row.category == COURT]
    assert [row.stratum for row in court_rows] == sorted(draw.court.allocation)
    for row in court_rows:
        assert row.population_share == Decimal(row.population) / draw.court.population
        assert row.sample_share == Decimal(row.sample) / len(draw.court.selected)
        assert abs(row.sample_share - row.population_share) < Decimal(1) / len(draw.court.selected)


def test_reserves_are_the_next_cases_of_each_stratum():
    cases = [make_case(f"C{i:02d}") for i in range(40)]
    draw = draw_sample(cases, 11, SamplingSettings(reserve_per_stratum=3))
    assert len(draw.court.selected) == sample_size(40).size
    assert len(draw.court.reserve) == 3
    redrawn_bigger = draw_sample(cases, 11, size_overrides={COURT: sample_size(40).size + 3})
    assert redrawn_bigger.court.selected == draw.court.selected + draw.court.reserve


def test_an_empty_population_gives_an_empty_draw():
    draw = draw_sample([], 1)
    assert draw.court.selected == draw.out_of_court.selected == draw.reserve == draw.analysis == ()
    assert draw.court.target == 0 and draw.court.shortfall == 0


def test_a_stratum_is_drawn_the_same_whatever_the_other_strata_hold():
    first = [make_case(f"A{i:02d}", gender="female") for i in range(30)]
    others = [make_case(f"B{i:02d}") for i in range(30)]
    different_others = [make_case(f"Z{i:02d}", rosh="high") for i in range(30)]
    overrides = {COURT: 20}
    draw = draw_sample(first + others, 5, size_overrides=overrides)
    redrawn = draw_sample(different_others + first, 5, size_overrides=overrides)
    assert [ref for ref in draw.court.selected if ref.startswith("A")] == [
        ref for ref in redrawn.court.selected if ref.startswith("A")
    ]


def test_a_stored_seed_keeps_drawing_the_same_cases():
    # Pinned output: if this changes, samples already drawn and stored could no longer be redrawn from
    # their seeds. Change the drawing only with a new, versioned method.
    cases = [make_case(f"C{i:02d}", gender=("male", "female")[i % 2]) for i in range(12)]
    cases += [make_case(f"O{i:02d}", category=OUT_OF_COURT) for i in range(6)]
    draw = draw_sample(cases, 2021, size_overrides={COURT: 5, OUT_OF_COURT: 3})
    assert draw.court.selected == ("C09", "C05", "C03", "C10", "C00")
    assert draw.out_of_court.selected == ("O02", "O01", "O04")
    assert draw.reserve == ("C01", "C02", "O00")


# Allocating cases to inspectors ----------------------------------------------------------------------


def cases_to_allocate(court: int, out_of_court: int, managers=("Ann", "Bea", "Cal")) -> list[CaseToAllocate]:
    cases = [CaseToAllocate(f"C{i:02d}", COURT, managers[i % len(managers)]) for i in range(court)]
    cases += [
        CaseToAllocate(f"O{i:02d}", OUT_OF_COURT, managers[i % len(managers)]) for i in range(out_of_court)
    ]
    return cases


@given(
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=1, max_value=7),
)
def test_the_suggested_allocation_shares_each_category_and_the_totals_within_one_case(court, ooc, people):
    cases = cases_to_allocate(court, ooc)
    inspectors = list(range(100, 100 + people))
    allocation = suggest_allocation(cases, inspectors)
    assert set(allocation) == {case.reference for case in cases}
    assert set(allocation.values()) <= set(inspectors)
    totals = Counter(allocation.values())
    assert max(totals[i] for i in inspectors) - min(totals[i] for i in inspectors) <= 1
    for category in CATEGORIES:
        counts = Counter(allocation[case.reference] for case in cases if case.category == category)
        assert max(counts[i] for i in inspectors) - min(counts[i] for i in inspectors) <= 1


def test_a_case_managers_cases_are_spread_over_the_inspectors():
    # Six court cases: three of Ann's, three of Bea's, for three inspectors: each gets one of each.
    cases = [CaseToAllocate(f"C{i}", COURT, "Ann" if i < 3 else "Bea") for i in range(6)]
    allocation = suggest_allocation(cases, [1, 2, 3])
    for manager in ("Ann", "Bea"):
        assert sorted(allocation[c.reference] for c in cases if c.case_manager == manager) == [1, 2, 3]


def test_fixed_cases_stay_with_their_inspector_and_count_towards_their_load():
    cases = cases_to_allocate(6, 0)
    allocation = suggest_allocation(cases, [1, 2], fixed={"C00": 2, "C01": 2, "C02": 2})
    assert [allocation[f"C0{i}"] for i in range(3)] == [2, 2, 2]
    assert Counter(allocation.values()) == {1: 3, 2: 3}


def test_the_suggestion_is_the_same_every_time_and_needs_somebody_to_allocate_to():
    cases = cases_to_allocate(9, 5)
    assert suggest_allocation(cases, [3, 1, 2]) == suggest_allocation(list(reversed(cases)), [3, 1, 2])
    with pytest.raises(ValueError, match="nobody"):
        suggest_allocation(cases, [])
    with pytest.raises(ValueError, match="not offered"):
        suggest_allocation(cases, [1], fixed={"C00": 9})

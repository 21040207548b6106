"""Choosing cases for second marking and the ratings' sensitivity (agreement/rules.py, free of Django)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreement import rules
from agreement.rules import CaseToDraw, category_size, draw, sensitivity


def population(court: int, out_of_court: int) -> list[CaseToDraw]:
    cases = []
    for i in range(court):
        stratum = ("male" if i % 3 else "female", "referral_order", "medium", "low")
        cases.append(CaseToDraw(i + 1, f"C{i:03d}", "court", stratum))
    for i in range(out_of_court):
        stratum = ("male", "youth_caution" if i % 2 else "community_resolution", "low", "low")
        cases.append(CaseToDraw(1000 + i, f"O{i:03d}", "out_of_court", stratum))
    return cases


def test_ten_per_cent_rounded_up_and_at_least_one_per_category():
    assert category_size(34, 10) == 4  # 3.4 rounded up
    assert category_size(23, 10) == 3
    assert category_size(5, 10) == 1  # at least one
    assert category_size(0, 10) == 0
    assert category_size(3, 100) == 3


def test_the_draw_is_stratified_repeatable_and_shows_its_working():
    cases = population(34, 23)
    first = draw(cases, percent=10, seed=2021)
    assert first == draw(list(reversed(cases)), percent=10, seed=2021)  # the file's order does not matter
    assert [w.size for w in first.categories] == [4, 3]
    assert len(first.chosen) == 7
    court = first.categories[0]
    assert sum(n for _, n, _ in court.allocation) == 34
    assert sum(k for _, _, k in court.allocation) == 4
    # Proportional: 12 female and 22 male court cases give 1 and 3 (or within one of 4 * share).
    shares = {stratum[0]: k for stratum, _, k in court.allocation}
    assert shares == {"female": 1, "male": 3}
    assert {c.category for c in first.chosen} == {"court", "out_of_court"}


def test_a_share_out_of_range_is_refused():
    with pytest.raises(ValueError, match="from 1 to 100"):
        draw(population(3, 3), percent=0, seed=1)


@given(st.integers(0, 40), st.integers(0, 40), st.integers(1, 100), st.integers(0, 10**9))
def test_every_category_with_cases_gives_at_least_one_and_no_case_twice(court, ooc, percent, seed):
    result = draw(population(court, ooc), percent=percent, seed=seed)
    ids = [c.id for c in result.chosen]
    assert len(ids) == len(set(ids))
    for working, n in zip(result.categories, (court, ooc), strict=True):
        assert working.size == (0 if n == 0 else max(1, min(n, -(-n * percent // 100))))
        assert sum(1 for c in result.chosen if c.category == working.category) == working.size


def test_sensitivity_counts_the_disagreements_that_would_move_the_rating():
    # 2.2.3 is the limiting key question at 13 of 20 (65%, Good). Each disagreement on its own:
    # yes -> no gives 12/20 = 60% (Requires improvement: across the Good boundary);
    # no -> yes gives 14/20 = 70% (still Good). Together: 13/20 again.
    found = sensitivity(
        "2.2",
        {"2.2.1": (18, 20), "2.2.2": (17, 20), "2.2.3": (13, 20)},
        ["2.2.1", "2.2.2", "2.2.3"],
        {"2.2.3": [("yes", "no"), ("no", "yes"), ("yes", "no")], "2.2.1": [("yes", "no")]},
    )
    assert (found.key_question, found.rating, found.disagreements, found.moving) == ("2.2.3", "good", 3, 2)
    assert found.words.startswith(
        "2 of the 3 disagreements on 2.2.3 would move 2.2 across the Good boundary."
    )
    assert "together would make it Requires improvement" in found.words  # 13 - 2 + 1 = 12 of 20


def test_sensitivity_without_disagreement_or_without_rating():
    counts = {"3.1.1": (9, 10)}
    assert sensitivity("3.1", counts, ["3.1.1"], {}).words == (
        "No disagreement on 3.1.1, the limiting key question of 3.1."
    )
    assert sensitivity("3.1", {}, ["3.1.1"], {}) is None
    held = sensitivity("3.1", counts, ["3.1.1"], {"3.1.1": [("yes", "no")]})
    assert held.moving == 0 and "would, on its own, move it from Outstanding" in held.words


def test_sensitivity_of_not_applicable_answers():
    # A yes that the second marker thought not applicable leaves the case out: 7 of 9 (78%) from 8 of 10 (80%).
    found = sensitivity("2.1", {"2.1.1": (8, 10)}, ["2.1.1"], {"2.1.1": [("yes", "na")]})
    assert found.moving == 1 and "across the Outstanding boundary" in found.words
    assert rules._delta("na", "yes") == (1, 1)

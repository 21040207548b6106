"""The agreement statistics against tables worked out by hand, and their properties (agreement/statistics.py)."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreement import statistics
from agreement.statistics import agreement, exact, reading

answers = st.sampled_from(statistics.CATEGORIES)
pairs_ = st.lists(st.tuples(answers, answers), max_size=60)


def table(**cells) -> list[tuple[str, str]]:
    """Pairs from a contingency table: yes_no=3 is three pairs with the first marker yes, the second no."""
    out = []
    for cell, count in cells.items():
        first, second = cell.split("_")
        out += [(first, second)] * count
    return out


def test_a_two_by_two_table_worked_by_hand():
    # 20 pairs: yes/yes 12, yes/no 3, no/yes 1, no/no 4. p_o = 16/20 = 0.8.
    # First: yes 15/20, no 5/20. Second: yes 13/20, no 7/20.
    # kappa: p_e = 0.75 * 0.65 + 0.25 * 0.35 = 0.575; (0.8 - 0.575) / 0.425 = 0.529411...
    # AC1: pi_yes = 0.7, pi_no = 0.3, pi_na = 0; p_e = (0.7 * 0.3 + 0.3 * 0.7 + 0) / 2 = 0.21;
    #      (0.8 - 0.21) / 0.79 = 0.746835...
    pairs = table(yes_yes=12, yes_no=3, no_yes=1, no_no=4)
    assert exact(pairs) == (20, Fraction(4, 5), Fraction(9, 17), Fraction(59, 79))
    assert agreement(pairs) == statistics.Agreement(20, 0.8, 0.5294, 0.7468)


def test_a_three_category_table_worked_by_hand():
    # 10 pairs: yes/yes 5, no/no 2, na/na 1, yes/na 1, no/yes 1. p_o = 8/10.
    # First: yes 6, no 3, na 1 (of 10). Second: yes 6, no 2, na 2.
    # kappa: p_e = .6*.6 + .3*.2 + .1*.2 = 0.44; (0.8 - 0.44) / 0.56 = 0.642857...
    # AC1: pi = .6, .25, .15; sum pi(1-pi) = .24 + .1875 + .1275 = .555; p_e = .2775;
    #      (0.8 - 0.2775) / 0.7225 = 0.723183...
    pairs = table(yes_yes=5, no_no=2, na_na=1, yes_na=1, no_yes=1)
    assert agreement(pairs) == statistics.Agreement(10, 0.8, 0.6429, 0.7232)


def test_the_paradox_high_agreement_kappa_near_zero_ac1_high():
    # 100 pairs, almost all yes: yes/yes 95, yes/no 3, no/yes 2. p_o = 0.95.
    # First: yes 98, no 2. Second: yes 97, no 3. kappa p_e = .98*.97 + .02*.03 = 0.9512;
    # kappa = (0.95 - 0.9512) / 0.0488 = -0.02459 (near zero, below it).
    # AC1: pi_yes = .975, pi_no = .025; p_e = (.975*.025 * 2) / 2 = 0.024375;
    # AC1 = (0.95 - 0.024375) / 0.975625 = 0.948750...
    pairs = table(yes_yes=95, yes_no=3, no_yes=2)
    figures = agreement(pairs)
    assert figures == statistics.Agreement(100, 0.95, -0.0246, 0.9488)
    assert abs(figures.kappa) < 0.05 and figures.ac1 > 0.9
    assert "read AC1 here" in reading(figures)


def test_no_pairs_give_nulls():
    assert agreement([]) == statistics.Agreement(0, None, None, None)
    assert agreement([]).as_json() == {"pairs": 0, "agreement": None, "kappa": None, "ac1": None}


def test_every_answer_in_one_category_leaves_kappa_null_but_not_ac1():
    # kappa's p_e = 1 * 1 = 1: denominator 0. AC1's p_e = 0, so AC1 = p_o = 1.
    assert agreement([("yes", "yes")] * 4) == statistics.Agreement(4, 1.0, None, 1.0)


def test_rounding_is_half_up_on_the_exact_fraction():
    # p_o = 1/8 = 0.125 exactly at 3 places; at 4 places 0.125. 1/3 rounds to 0.3333, 2/3 to 0.6667.
    assert agreement(table(yes_yes=1, yes_no=2)).agreement == 0.3333
    assert agreement(table(yes_yes=2, yes_no=1)).agreement == 0.6667
    # 0.00005 exactly (1 of 20000) rounds up to 0.0001.
    assert statistics._rounded(Fraction(1, 20000)) == 0.0001


def test_unknown_answers_are_refused():
    with pytest.raises(ValueError, match="yes, no or na"):
        agreement([("yes", "maybe")])


def test_the_reading_warns_when_the_pairs_are_few():
    assert "mean little" in reading(agreement(table(yes_yes=3, no_no=2)))
    assert "mean little" not in reading(agreement(table(yes_yes=8, no_no=4)))
    assert reading(agreement([])).startswith("No case has been marked by both markers")


@given(pairs_)
def test_every_figure_lies_in_its_range(pairs):
    n, observed, kappa, ac1 = exact(pairs)
    assert n == len(pairs)
    if n == 0:
        assert (observed, kappa, ac1) == (None, None, None)
        return
    assert 0 <= observed <= 1
    # Both coefficients are at most 1; kappa is at least -1, and AC1 (with q = 3, p_e <= 1/3) at least -1/2.
    assert kappa is None or -1 <= kappa <= 1
    assert ac1 is not None and Fraction(-1, 2) <= ac1 <= 1
    rounded = agreement(pairs)
    assert 0 <= rounded.agreement <= 1
    assert rounded.kappa is None or -1 <= rounded.kappa <= 1
    assert -0.5 <= rounded.ac1 <= 1


@given(st.lists(answers, min_size=1, max_size=60))
def test_identical_markings_give_one(answers_):
    figures = agreement([(a, a) for a in answers_])
    assert figures.agreement == 1
    assert figures.ac1 == 1
    # Kappa is 1 too, unless every answer is the same category (then its denominator is 0: null).
    assert figures.kappa == (None if len(set(answers_)) == 1 else 1)


@given(pairs_)
def test_the_figures_do_not_depend_on_the_order_of_the_pairs(pairs):
    assert agreement(pairs) == agreement(list(reversed(pairs)))

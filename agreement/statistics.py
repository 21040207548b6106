"""Agreement between two markers of the same cases: observed agreement, Cohen's kappa and Gwet's AC1.

The definitions are those of the `agreement` command's JSON (README, issue 17), exactly:

- a pair is one key question of one second-marked case with both markers' answers; the categories are
  yes, no and na (q = 3);
- agreement p_o is the share of pairs with equal answers;
- Cohen's kappa is (p_o - p_e) / (1 - p_e), p_e the sum over categories of the product of the two markers'
  marginal proportions;
- Gwet's AC1 is (p_o - p_e) / (1 - p_e), p_e = (1 / (q - 1)) * sum_k pi_k (1 - pi_k), pi_k the mean of the two
  markers' proportions for category k;
- a figure whose denominator is 0 is None; figures are rounded to 4 decimal places (half up, on the exact
  fraction, so that the printed figure never depends on binary floating point).

Plain Python over plain values, free of Django: the pages, the command and the tests all call it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CATEGORIES: tuple[str, ...] = ("yes", "no", "na")
Q = len(CATEGORIES)
PLACES = 4

# Fewer pairs than this and the figures are shown with a warning that they mean little.
FEW_PAIRS = 10


@dataclass(frozen=True)
class Agreement:
    """The figures of one table of pairs. Rounded to 4 places; None where the denominator is 0."""

    pairs: int
    agreement: float | None
    kappa: float | None
    ac1: float | None

    def as_json(self) -> dict:
        return {"pairs": self.pairs, "agreement": self.agreement, "kappa": self.kappa, "ac1": self.ac1}

    @property
    def few_pairs(self) -> bool:
        return self.pairs < FEW_PAIRS


def _rounded(value: Fraction | None) -> float | None:
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-PLACES), rounding=ROUND_HALF_UP))


def _ratio(numerator: Fraction, denominator: Fraction) -> Fraction | None:
    return None if denominator == 0 else numerator / denominator


def exact(pairs: Iterable[tuple[str, str]]) -> tuple[int, Fraction | None, Fraction | None, Fraction | None]:
    """(pairs, p_o, kappa, AC1) as exact fractions. Each pair is (first marker's answer, second marker's)."""
    pairs = list(pairs)
    for first, second in pairs:
        if first not in CATEGORIES or second not in CATEGORIES:
            raise ValueError(f"An answer is yes, no or na, not {(first, second)!r}.")
    n = len(pairs)
    if n == 0:
        return 0, None, None, None
    observed = Fraction(sum(1 for first, second in pairs if first == second), n)
    firsts = Counter(first for first, _ in pairs)
    seconds = Counter(second for _, second in pairs)
    p_first = {k: Fraction(firsts[k], n) for k in CATEGORIES}
    p_second = {k: Fraction(seconds[k], n) for k in CATEGORIES}
    chance_kappa = sum((p_first[k] * p_second[k] for k in CATEGORIES), Fraction(0))
    pi = {k: (p_first[k] + p_second[k]) / 2 for k in CATEGORIES}
    chance_ac1 = Fraction(1, Q - 1) * sum((pi[k] * (1 - pi[k]) for k in CATEGORIES), Fraction(0))
    kappa = _ratio(observed - chance_kappa, 1 - chance_kappa)
    ac1 = _ratio(observed - chance_ac1, 1 - chance_ac1)
    return n, observed, kappa, ac1


def agreement(pairs: Iterable[tuple[str, str]]) -> Agreement:
    """The figures of a table of pairs, rounded to 4 places."""
    n, observed, kappa, ac1 = exact(pairs)
    return Agreement(n, _rounded(observed), _rounded(kappa), _rounded(ac1))


# --- in plain words ---------------------------------------------------------------------------------------

# The customary reading of a chance-corrected coefficient (Landis and Koch's bands, used for kappa and AC1).
READINGS = (
    (Fraction(81, 100), "almost perfect"),
    (Fraction(61, 100), "substantial"),
    (Fraction(41, 100), "moderate"),
    (Fraction(21, 100), "fair"),
    (Fraction(1, 100), "slight"),
)


def coefficient_words(value: float | None) -> str:
    """The customary reading of a kappa or AC1 value, in words."""
    if value is None:
        return "cannot be worked out"
    for low, words in READINGS:
        if Fraction(str(value)) >= low:
            return f"{words} agreement beyond chance"
    return "no agreement beyond chance"


def reading(figures: Agreement) -> str:
    """What the figures say, in a sentence an inspector can read out."""
    if figures.pairs == 0:
        return "No case has been marked by both markers yet, so there is nothing to compare."
    agreed = round(figures.agreement * figures.pairs)
    words = (
        f"The two markers gave the same answer in {agreed} of {figures.pairs} "
        f"{'pair' if figures.pairs == 1 else 'pairs'} ({_percent(figures.agreement)})."
    )
    if figures.kappa is None and figures.ac1 is None:
        words += " Every answer fell in one category, so agreement beyond chance cannot be worked out."
    else:
        words += (
            f" Allowing for chance, Cohen's kappa shows {coefficient_words(figures.kappa)} and Gwet's AC1 "
            f"{coefficient_words(figures.ac1)}."
        )
        if (
            figures.kappa is not None
            and figures.ac1 is not None
            and figures.ac1 - figures.kappa >= 0.4
            and figures.agreement >= 0.8
        ):
            words += (
                " Nearly every answer is the same one, so kappa understates the agreement: read AC1 here."
            )
    if figures.few_pairs:
        words += f" With fewer than {FEW_PAIRS} pairs these figures mean little."
    return words


def _percent(value: float) -> str:
    exact_ = Decimal(str(value)) * 100
    return f"{exact_.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"

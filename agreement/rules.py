"""Choosing the cases to mark twice, and how far the disagreements could move a rating. Plain Python, free of
Django (it uses sampling.rules' proportional allocation and ratings.rules' arithmetic, both pure too).

The draw: each category (court, out-of-court) gives its share of its cases, rounded up, and at least one
(if it has any); within a category the cases are shared out between the sample's strata (gender, disposal
type, risk of serious harm, safety and wellbeing) in proportion, by sampling.rules.allocate, and drawn at
random within each stratum from the stored seed. The same cases, share and seed always give the same draw.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ratings import rules as ratings_rules
from sampling.rules import CATEGORIES, CATEGORY_WORDS, Stratum, allocate

DEFAULT_PERCENT = 10


@dataclass(frozen=True)
class CaseToDraw:
    id: int
    reference: str
    category: str
    stratum: Stratum


@dataclass(frozen=True)
class CategoryWorking:
    category: str
    cases: int
    size: int
    allocation: tuple[tuple[Stratum, int, int], ...]  # (stratum, cases in it, drawn from it)

    @property
    def words(self) -> str:
        return CATEGORY_WORDS[self.category]


@dataclass(frozen=True)
class SecondMarkingDraw:
    seed: int
    percent: int
    categories: tuple[CategoryWorking, ...]
    chosen: tuple[CaseToDraw, ...]


def category_size(cases: int, percent: int) -> int:
    """The share of a category's cases to mark twice: rounded up, at least one if it has any, never more."""
    if cases == 0:
        return 0
    return min(cases, max(1, math.ceil(Fraction(cases * percent, 100))))


def _shuffled(cases: list[CaseToDraw], rng: random.Random) -> list[CaseToDraw]:
    """Fisher-Yates with rng.random() only (whose sequence Python keeps stable for a seed), as sampling does."""
    order = list(cases)
    for i in range(len(order) - 1, 0, -1):
        k = int(rng.random() * 2**53)
        j = (k * (i + 1)) >> 53
        order[i], order[j] = order[j], order[i]
    return order


def draw(cases: Sequence[CaseToDraw], *, percent: int = DEFAULT_PERCENT, seed: int) -> SecondMarkingDraw:
    """The cases to mark twice, with the working: per category the cases, the size and the strata."""
    if not 1 <= percent <= 100:
        raise ValueError("The share of cases to mark twice is a whole number from 1 to 100.")
    chosen: list[CaseToDraw] = []
    working: list[CategoryWorking] = []
    for category in CATEGORIES:
        in_category = [case for case in cases if case.category == category]
        size = category_size(len(in_category), percent)
        strata: dict[Stratum, list[CaseToDraw]] = {}
        for case in in_category:
            strata.setdefault(case.stratum, []).append(case)
        shares = allocate({stratum: len(members) for stratum, members in strata.items()}, size)
        rows = []
        for stratum in sorted(strata):
            members = sorted(strata[stratum], key=lambda case: case.reference)
            rng = random.Random("|".join((str(seed), "second-marking", category, *stratum)))
            chosen += _shuffled(members, rng)[: shares[stratum]]
            rows.append((stratum, len(members), shares[stratum]))
        working.append(CategoryWorking(category, len(in_category), size, tuple(rows)))
    return SecondMarkingDraw(seed, percent, tuple(working), tuple(chosen))


# --- the ratings' sensitivity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sensitivity:
    standard: str
    key_question: str  # the limiting key question
    rating: str | None  # the standard's computed rating now
    disagreements: int
    moving: int  # how many of them, each on its own, would move the rating
    moved_to: str | None  # where one of them alone would move it
    all_together: str | None  # the rating if every disagreement went the second marker's way

    @property
    def words(self) -> str:
        plural = "disagreement" if self.disagreements == 1 else "disagreements"
        on = f"on {self.key_question}, the limiting key question of {self.standard}"
        if self.disagreements == 0:
            return f"No disagreement {on}."
        if self.moving:
            text = (
                f"{self.moving} of the {self.disagreements} {plural} on {self.key_question} would move "
                f"{self.standard} across the {_boundary(self.rating, self.moved_to)} boundary."
            )
        else:
            text = (
                f"None of the {self.disagreements} {plural} {on} would, on its own, move it from "
                f"{_label(self.rating)}."
            )
        if self.all_together != self.rating:
            text += f" All of them together would make it {_label(self.all_together)}."
        return text


def _label(rating: str | None) -> str:
    return ratings_rules.RATING_LABELS[rating] if rating else "no rating"


def _boundary(now: str | None, other: str | None) -> str:
    """The name of the boundary between two ratings: the higher one's ('the Good boundary')."""
    if now is None or other is None:
        return _label(now or other)
    return _label(max(now, other, key=ratings_rules.rating_score))


def _rating(standard: str, key_questions: Sequence[str], counts: Mapping[str, tuple[int, int]]):
    return ratings_rules.standard_compute(
        standard, [ratings_rules.KeyQuestionCount(code, *counts.get(code, (0, 0))) for code in key_questions]
    )


def sensitivity(
    standard: str,
    counts: Mapping[str, tuple[int, int]],
    key_questions: Sequence[str],
    disagreements: Mapping[str, Sequence[tuple[str, str]]],
) -> Sensitivity | None:
    """For a case-based standard: whether the disagreements on its limiting key question could change its
    rating. `counts` is each key question's (yes, applicable) as the ratings count them; `disagreements`
    the (first marker's answer, second marker's) of each key question where they differ. None when the
    standard has no rating to move (no key question applies to any case)."""
    result = _rating(standard, key_questions, counts)
    if not result.lowest_key_questions:
        return None
    limiting = result.lowest_key_questions[0]
    now = result.computed_rating
    differences = list(disagreements.get(limiting, ()))
    yes, applicable = counts.get(limiting, (0, 0))
    moving, moved_to = 0, None
    all_yes, all_applicable = yes, applicable
    for first, second in differences:
        dy, da = _delta(first, second)
        all_yes, all_applicable = all_yes + dy, all_applicable + da
        if not 0 <= yes + dy <= applicable + da:
            continue  # the counts do not hold this answer (the case is not counted in the figures)
        rating = _rating(standard, key_questions, {**counts, limiting: (yes + dy, applicable + da)})
        if rating.computed_rating != now:
            moving += 1
            moved_to = moved_to or rating.computed_rating
    together = now
    if 0 <= all_yes <= all_applicable:
        together = _rating(
            standard, key_questions, {**counts, limiting: (all_yes, all_applicable)}
        ).computed_rating
    return Sensitivity(standard, limiting, now, len(differences), moving, moved_to, together)


def _delta(first: str, second: str) -> tuple[int, int]:
    """How a case's answer changing from `first` to `second` changes its key question's (yes, applicable)."""

    def counted(value: str) -> tuple[int, int]:
        return (1 if value == "yes" else 0, 1 if value in ("yes", "no") else 0)

    a, b = counted(first), counted(second)
    return b[0] - a[0], b[1] - a[1]

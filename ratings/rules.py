"""The rating rules: how case answers become standard ratings, and those an overall rating.

This is the arithmetic of docs/rules.md sections 3 and 4, over plain counts. It imports nothing from Django, so
that an inspector can read it, and a test can check it against a published report, without a database.

In short:

- a key question's percentage is the share of applicable cases answered 'yes', rounded half up to a whole
  number; its band comes from that printed number, so a reader can check it against the band table;
- a standard is rated by its lowest key question;
- the ratings panel is told when discretion may be used (the triggers), and may then move a rating by one
  band;
- the overall rating comes from the sum of the standards' scores.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

INADEQUATE = "inadequate"
REQUIRES_IMPROVEMENT = "requires_improvement"
GOOD = "good"
OUTSTANDING = "outstanding"

RATINGS: tuple[str, ...] = (INADEQUATE, REQUIRES_IMPROVEMENT, GOOD, OUTSTANDING)

RATING_LABELS: dict[str, str] = {
    INADEQUATE: "Inadequate",
    REQUIRES_IMPROVEMENT: "Requires improvement",
    GOOD: "Good",
    OUTSTANDING: "Outstanding",
}

RATING_SCORES: dict[str, int] = {rating: score for score, rating in enumerate(RATINGS)}

# The lowest whole-number percentage of each band above 'Inadequate': 50 is 'Requires improvement',
# 65 'Good', 80 'Outstanding'. There is one boundary fewer than there are ratings, in the same order.
BOUNDARIES = (50, 65, 80)

# Overall score -> overall rating, for the 12 standards of the framework (each scored 0 to 3).
OVERALL_BANDS = (
    (0, 6, INADEQUATE),
    (7, 18, REQUIRES_IMPROVEMENT),
    (19, 30, GOOD),
    (31, 36, OUTSTANDING),
)
OVERALL_MAX_SCORE = OVERALL_BANDS[-1][1]

NEAR_BOUNDARY, ONE_CASE, SMALL_SAMPLE = "near_boundary", "one_case", "small_sample"
TRIGGER_KINDS = (NEAR_BOUNDARY, ONE_CASE, SMALL_SAMPLE)

# How the panel's page and refusals name each trigger.
TRIGGER_NAMES = {
    NEAR_BOUNDARY: "The near-boundary trigger",
    ONE_CASE: "The one-case trigger",
    SMALL_SAMPLE: "The small-sample trigger",
}

NEAR_BOUNDARY_POINTS = 5
SMALL_SAMPLE_CASES = 5


# --- Key questions and bands -------------------------------------------------------------------------------


def percent(yes: int, applicable: int) -> int | None:
    """The percentage of applicable cases answered 'yes', as a whole number rounded half up (72.5 is 73).

    A key question that applies to no case has no percentage (None, printed as a dash).
    """
    _check_counts(yes, applicable)
    if applicable == 0:
        return None
    # yes * 100 / applicable + 1/2, rounded down, in whole numbers: a binary float can hold 72.5 as a hair
    # under the half and round it down, and the printed table would then disagree with the rating.
    return (200 * yes + applicable) // (2 * applicable)


def band(percentage: int) -> str:
    """The rating for a key question's whole-number percentage.

    Below 50 is 'Inadequate', 50 to 64 'Requires improvement', 65 to 79 'Good', 80 or more 'Outstanding'.
    """
    if not _is_whole_number(percentage) or not 0 <= percentage <= 100:
        raise ValueError(f"A key question's percentage is a whole number from 0 to 100, not {percentage!r}.")
    return RATINGS[bisect_right(BOUNDARIES, percentage)]


def rating_score(rating: str) -> int:
    """The score of a rating: 'Inadequate' 0, 'Requires improvement' 1, 'Good' 2, 'Outstanding' 3."""
    _check_rating(rating)
    return RATING_SCORES[rating]


def overall_band(score: int) -> str:
    """The overall rating for the sum of the standards' scores: 0-6, 7-18, 19-30 and 31-36."""
    if _is_whole_number(score):
        for low, high, rating in OVERALL_BANDS:
            if low <= score <= high:
                return rating
    raise ValueError(f"An overall score is a whole number from 0 to {OVERALL_MAX_SCORE}, not {score!r}.")


def bands_apart(a: str, b: str) -> int:
    """How many bands separate two ratings: 'Good' and 'Inadequate' are two bands apart."""
    return abs(rating_score(a) - rating_score(b))


# --- One standard -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyQuestionCount:
    """A key question's answers over the sampled cases: how many 'yes', out of how many applicable."""

    id: str
    yes: int
    applicable: int

    def __post_init__(self) -> None:
        _check_counts(self.yes, self.applicable, self.id)


@dataclass(frozen=True)
class KeyQuestionResult:
    """A key question as the ratings table shows it; `lowest` ones are printed in bold."""

    id: str
    yes: int
    applicable: int
    percent: int | None
    lowest: bool


@dataclass(frozen=True)
class Trigger:
    """A reason the ratings panel may use discretion, explained for the panel, with the ratings it permits
    the panel to move to (never more than one band from the computed rating, and only in the direction the
    trigger points: docs/rules.md section 4)."""

    kind: str
    explanation: str
    key_questions: tuple[str, ...]
    permits: tuple[str, ...] = ()

    @property
    def permitted_move(self) -> str:
        """The move this trigger permits, in words, for the panel's page."""
        return f"Permits a move to {_or_list(_quoted(r) for r in self.permits)}."


@dataclass(frozen=True)
class StandardResult:
    """A standard's computed rating, with everything the ratings panel needs to see beside it."""

    standard_id: str
    key_questions: tuple[KeyQuestionResult, ...]
    lowest_percent: int | None
    computed_rating: str | None
    triggers: tuple[Trigger, ...]

    @property
    def trigger_kinds(self) -> tuple[str, ...]:
        return tuple(trigger.kind for trigger in self.triggers)

    @property
    def lowest_key_questions(self) -> tuple[str, ...]:
        return tuple(kq.id for kq in self.key_questions if kq.lowest)


def standard_compute(standard_id: str, counts: Sequence[KeyQuestionCount]) -> StandardResult:
    """Rate a standard from its key questions' answers.

    The standard takes the band of its lowest key question percentage; every key question at that lowest
    value is marked lowest. Key questions with no applicable case take no part. A standard where no key
    question has a percentage has no computed rating: the ratings panel must rate it.
    The discretion triggers that hold are listed, in the order near boundary, one case, small sample.
    """
    counts = tuple(counts)
    _check_unique_ids(standard_id, counts)
    percents = [percent(count.yes, count.applicable) for count in counts]
    lowest = _lowest(percents)
    key_questions = tuple(
        KeyQuestionResult(
            id=count.id,
            yes=count.yes,
            applicable=count.applicable,
            percent=p,
            lowest=p is not None and p == lowest,
        )
        for count, p in zip(counts, percents, strict=True)
    )
    if lowest is None:
        return StandardResult(standard_id, key_questions, None, None, ())

    computed = band(lowest)
    lowest_kqs = [kq for kq in key_questions if kq.lowest]
    possible = (
        _near_boundary(lowest, lowest_kqs),
        _one_case(counts, computed),
        _small_sample(lowest, lowest_kqs, computed),
    )
    triggers = tuple(trigger for trigger in possible if trigger is not None)
    return StandardResult(standard_id, key_questions, lowest, computed, triggers)


def _near_boundary(lowest: int, lowest_kqs: Sequence[KeyQuestionResult]) -> Trigger | None:
    """The lowest percentage is 5 points or fewer from a band boundary (50, 65 or 80)."""
    for boundary_index, boundary in enumerate(BOUNDARIES):
        distance = lowest - boundary
        if abs(distance) > NEAR_BOUNDARY_POINTS:
            continue
        below, above = RATINGS[boundary_index], RATINGS[boundary_index + 1]
        if distance == 0:
            where, within = "on", ""
        else:
            side = "above" if distance > 0 else "below"
            where = f"{_count(abs(distance), 'point')} {side}"
            within = f", within {NEAR_BOUNDARY_POINTS} points"
        explanation = (
            f"The lowest percentage, {lowest}% on {_and_list(kq.id for kq in lowest_kqs)}, is {where} the "
            f"{boundary}% boundary between {_quoted(below)} and {_quoted(above)}{within}."
        )
        # Boundaries are 15 points apart, so at most one can be this close. The computed rating is on one
        # side of it (on the boundary counts as above); the trigger permits crossing it, to the other side.
        other_side = below if lowest >= boundary else above
        return Trigger(NEAR_BOUNDARY, explanation, tuple(kq.id for kq in lowest_kqs), (other_side,))
    return None


def _one_case(counts: tuple[KeyQuestionCount, ...], computed: str) -> Trigger | None:
    """A different answer in one case, on any one key question, would change the standard's rating.

    One case more or less answered 'yes' on a key question, out of the same applicable cases, and the whole
    standard worked out again: raising the lowest key question can leave another one lowest.
    """
    sentences: list[str] = []
    changed_kqs: list[str] = []
    directions: set[int] = set()
    for index, count in enumerate(counts):
        for step, answer in ((-1, "no"), (+1, "yes")):
            yes = count.yes + step
            if not 0 <= yes <= count.applicable:
                continue
            changed = (*counts[:index], replace(count, yes=yes), *counts[index + 1 :])
            new_percents = [percent(c.yes, c.applicable) for c in changed]
            new_lowest = _lowest(new_percents)
            new_rating = band(new_lowest)
            if new_rating == computed:
                continue
            changed_percent = new_percents[index]
            detail = f"{count.id} would be {yes} of {count.applicable}, {changed_percent}%"
            if new_lowest != changed_percent:
                now_lowest = (c.id for c, p in zip(changed, new_percents, strict=True) if p == new_lowest)
                detail += f"; the lowest would then be {new_lowest}% on {_and_list(now_lowest)}"
            sentences.append(
                f"One more '{answer}' on {count.id} would make this {_quoted(new_rating)} ({detail})."
            )
            if count.id not in changed_kqs:
                changed_kqs.append(count.id)
            # One answer can jump more than a band on a tiny sample; the panel still moves one band at most.
            directions.add(1 if rating_score(new_rating) > rating_score(computed) else -1)
    if not sentences:
        return None
    permits = tuple(RATINGS[rating_score(computed) + step] for step in sorted(directions))
    return Trigger(ONE_CASE, " ".join(sentences), tuple(changed_kqs), permits)


def _small_sample(lowest: int, lowest_kqs: Sequence[KeyQuestionResult], computed: str) -> Trigger | None:
    """A key question at the lowest percentage rests on 5 or fewer applicable cases."""
    small = [kq for kq in lowest_kqs if kq.applicable <= SMALL_SAMPLE_CASES]
    if not small:
        return None
    explanation = " ".join(
        f"{kq.id}, at the lowest percentage ({lowest}%), has only {_count(kq.applicable, 'applicable case')} "
        f"({SMALL_SAMPLE_CASES} or fewer)."
        for kq in small
    )
    return Trigger(SMALL_SAMPLE, explanation, tuple(kq.id for kq in small), _neighbours(computed))


def _neighbours(rating: str) -> tuple[str, ...]:
    """The ratings one band from this one, lower first."""
    return tuple(r for r in RATINGS if bands_apart(rating, r) == 1)


def permitted_ratings(result: StandardResult) -> tuple[str, ...]:
    """The ratings the panel may give a standard other than its computed one: those some trigger permits,
    in the order of RATINGS (none without a trigger; any rating for a standard with no computed rating)."""
    if result.computed_rating is None:
        return RATINGS
    permitted = {rating for trigger in result.triggers for rating in trigger.permits}
    return tuple(r for r in RATINGS if r in permitted)


# --- The ratings panel --------------------------------------------------------------------------------------


def panel_change_check(result: StandardResult, new_rating: str, key_question: str | None) -> list[str]:
    """What stops the ratings panel giving a standard this rating; an empty list means it may.

    Confirming the computed rating is always allowed. Changing it is allowed only where a discretion trigger
    holds, by one band at most, in a direction a trigger permits (`Trigger.permits`: a near-boundary trigger
    across the boundary it is near, a one-case trigger where one more answer would move it, a small-sample
    trigger either way), and the panel must name the key question whose percentage carries the asterisk. A standard with no computed rating is the panel's to rate, with no trigger needed.
    """
    sid = result.standard_id
    if new_rating not in RATINGS:
        return [f"{new_rating!r} is not a rating: use one of {', '.join(RATINGS)}."]
    computed = result.computed_rating
    if new_rating == computed:
        return []

    problems: list[str] = []
    kq_ids = tuple(kq.id for kq in result.key_questions)
    if computed is None:
        if key_question is not None and key_question not in kq_ids:
            problems.append(_not_a_key_question(key_question, sid, kq_ids))
        return problems

    if not result.triggers:
        problems.append(
            f"No discretion trigger holds for {sid}, so its computed rating {_quoted(computed)} "
            "cannot be changed."
        )
    if bands_apart(computed, new_rating) > 1:
        neighbours = [r for r in RATINGS if bands_apart(computed, r) == 1]
        problems.append(
            f"The rating of {sid} can move by one band at most: from {_quoted(computed)} to "
            f"{_or_list(_quoted(r) for r in neighbours)}, not {_quoted(new_rating)}."
        )
    elif result.triggers and new_rating not in permitted_ratings(result):
        reasons = " ".join(
            f"{TRIGGER_NAMES[t.kind]} permits a move to {_or_list(_quoted(r) for r in t.permits)} only."
            for t in result.triggers
        )
        problems.append(
            f"No discretion trigger of {sid} permits moving {_quoted(computed)} to {_quoted(new_rating)}: "
            f"{reasons}"
        )
    if key_question is None:
        problems.append(
            f"A change of rating must name the key question of {sid} that carries the asterisk: "
            f"{_or_list(kq_ids)}."
        )
    elif key_question not in kq_ids:
        problems.append(_not_a_key_question(key_question, sid, kq_ids))
    elif result.key_questions[kq_ids.index(key_question)].percent is None:
        # The asterisk is printed on the key question's percentage; a dash cannot carry it.
        problems.append(
            f"{key_question} has no applicable cases, so it has no percentage to carry the asterisk."
        )
    return problems


def _not_a_key_question(key_question: str, standard_id: str, kq_ids: Sequence[str]) -> str:
    if not kq_ids:
        return f"{key_question} is not a key question of {standard_id}, which has none."
    return f"{key_question} is not a key question of {standard_id}: name {_or_list(kq_ids)}."


# --- Overall ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverallResult:
    """The overall score and rating, or, while any standard is unrated, which standards are missing."""

    score: int | None
    max_score: int
    rating: str | None
    missing: tuple[str, ...]


def overall_compute(ratings: Mapping[str, str | None]) -> OverallResult:
    """Add up the standards' scores and band the total: 0-6 'Inadequate', 7-18 'Requires improvement',
    19-30 'Good', 31-36 'Outstanding'.

    `ratings` maps each standard, in framework order, to its final rating (None while unrated). With any
    standard unrated there is no overall score or rating, and `missing` says which standards they are.
    """
    if not ratings:
        raise ValueError("An overall rating needs at least one standard.")
    for rating in ratings.values():
        if rating is not None:
            _check_rating(rating)
    # The maximum comes from the number of standards, so that it is never printed as a literal 36.
    max_score = RATING_SCORES[OUTSTANDING] * len(ratings)
    missing = tuple(standard for standard, rating in ratings.items() if rating is None)
    if missing:
        return OverallResult(score=None, max_score=max_score, rating=None, missing=missing)
    score = sum(RATING_SCORES[rating] for rating in ratings.values())
    return OverallResult(score=score, max_score=max_score, rating=overall_band(score), missing=())


# --- Helpers ------------------------------------------------------------------------------------------------


def _lowest(percents: Iterable[int | None]) -> int | None:
    present = [p for p in percents if p is not None]
    return min(present) if present else None


def _is_whole_number(value: object) -> bool:
    # bool is an int in Python, but True is not a count of cases.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_counts(yes: int, applicable: int, key_question: str | None = None) -> None:
    where = f" for {key_question}" if key_question else ""
    if not (_is_whole_number(yes) and _is_whole_number(applicable)):
        raise ValueError(f"Case counts{where} must be whole numbers, not {yes!r} of {applicable!r}.")
    if applicable < 0 or not 0 <= yes <= applicable:
        raise ValueError(
            f"'Yes' answers{where} must be from 0 to the number of applicable cases: {yes} of {applicable}."
        )


def _check_rating(rating: str) -> None:
    if rating not in RATINGS:
        raise ValueError(f"{rating!r} is not a rating: use one of {', '.join(RATINGS)}.")


def _check_unique_ids(standard_id: str, counts: Sequence[KeyQuestionCount]) -> None:
    seen: set[str] = set()
    for count in counts:
        if count.id in seen:
            raise ValueError(f"Key question {count.id} appears twice in standard {standard_id}.")
        seen.add(count.id)


def _quoted(rating: str) -> str:
    return f"'{RATING_LABELS[rating]}'"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _and_list(items: Iterable[str]) -> str:
    return _joined(list(items), "and")


def _or_list(items: Iterable[str]) -> str:
    return _joined(list(items), "or")


def _joined(items: list[str], conjunction: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"

"""Tests of the rating rules (docs/rules.md sections 3 and 4).

Tables of worked examples first, including Cheshire's published figures; then properties checked by
hypothesis against an independent reference written here (Decimal rounding, the band table as literals, and a
brute force over every one-case change).
"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratings.rules import (
    BOUNDARIES,
    GOOD,
    INADEQUATE,
    NEAR_BOUNDARY,
    ONE_CASE,
    OUTSTANDING,
    OVERALL_BANDS,
    RATING_LABELS,
    RATING_SCORES,
    RATINGS,
    REQUIRES_IMPROVEMENT,
    SMALL_SAMPLE,
    KeyQuestionCount,
    OverallResult,
    Trigger,
    band,
    bands_apart,
    overall_band,
    overall_compute,
    panel_change_check,
    percent,
    permitted_ratings,
    rating_score,
    standard_compute,
)

RI = REQUIRES_IMPROVEMENT


def kqs(standard_id, *pairs):
    """Key question counts numbered 1, 2, 3... within a standard: kqs("2.2", (29, 34)) is 2.2.1 29/34."""
    return [KeyQuestionCount(f"{standard_id}.{i}", yes, n) for i, (yes, n) in enumerate(pairs, start=1)]


# Cheshire 2021, as published (yes, applicable per key question; see reference/cheshire-2021-published.json).
CHESHIRE = {
    "2.1": (GOOD, [(25, 34), (23, 34), (24, 34)]),
    "2.2": (RI, [(29, 34), (20, 30), (15, 28)]),
    "2.3": (GOOD, [(30, 34), (24, 30), (19, 28)]),
    "2.4": (GOOD, [(19, 23), (15, 23), (15, 21)]),
    "3.1": (GOOD, [(20, 23), (16, 23), (22, 23)]),
    "3.2": (GOOD, [(21, 23), (15, 20), (10, 12)]),
    "3.3": (OUTSTANDING, [(20, 23), (18, 20), (10, 12)]),
    "3.4": (OUTSTANDING, [(23, 23), (2, 2)]),
}

CHESHIRE_FINAL_RATINGS = {
    "1.1": OUTSTANDING,
    "1.2": GOOD,
    "1.3": GOOD,
    "1.4": GOOD,
    "2.1": GOOD,
    "2.2": RI,
    "2.3": GOOD,
    "2.4": GOOD,
    "3.1": GOOD,
    "3.2": GOOD,
    "3.3": OUTSTANDING,
    "3.4": OUTSTANDING,
}


def cheshire(standard_id):
    return standard_compute(standard_id, kqs(standard_id, *CHESHIRE[standard_id][1]))


# --- Vocabulary ---------------------------------------------------------------------------------------------


def test_ratings_ascend_with_labels_and_scores():
    assert RATINGS == ("inadequate", "requires_improvement", "good", "outstanding")
    assert [RATING_SCORES[r] for r in RATINGS] == [0, 1, 2, 3]
    assert RATING_LABELS[RI] == "Requires improvement"
    labels = ["Inadequate", "Requires improvement", "Good", "Outstanding"]
    assert [RATING_LABELS[r] for r in RATINGS] == labels
    assert BOUNDARIES == (50, 65, 80)


def test_overall_bands_cover_every_score_once():
    covered = [score for low, high, _ in OVERALL_BANDS for score in range(low, high + 1)]
    assert covered == list(range(37))
    assert [rating for _, _, rating in OVERALL_BANDS] == list(RATINGS)


# --- Percentages --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "applicable", "expected"),
    [
        (29, 40, 73),  # 72.5 rounds up
        (2, 3, 67),  # 66.67
        (1, 3, 33),  # 33.33
        (1, 8, 13),  # 12.5 rounds up
        (3, 8, 38),  # 37.5 rounds up
        (1, 200, 1),  # 0.5 rounds up
        (1, 201, 0),  # 0.4975 rounds down
        (129, 200, 65),  # 64.5 rounds up, into 'Good'
        (0, 5, 0),
        (0, 1, 0),
        (7, 7, 100),
        (1, 1, 100),
        (15, 28, 54),
        (0, 0, None),  # no applicable case: no percentage
    ],
)
def test_percent(yes, applicable, expected):
    assert percent(yes, applicable) == expected


@pytest.mark.parametrize(
    ("yes", "applicable"),
    [(-1, 5), (6, 5), (0, -1), (1, 0), (1.0, 2), (1, 2.0), (True, 2), ("1", 2)],
)
def test_percent_rejects_impossible_counts(yes, applicable):
    with pytest.raises(ValueError, match="must be"):
        percent(yes, applicable)


def test_key_question_count_rejects_more_yes_than_applicable():
    with pytest.raises(ValueError, match=r"2\.2\.3"):
        KeyQuestionCount("2.2.3", 29, 28)


# --- Bands --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percentage", "expected"),
    [
        (0, INADEQUATE),
        (49, INADEQUATE),
        (50, RI),
        (64, RI),
        (65, GOOD),
        (79, GOOD),
        (80, OUTSTANDING),
        (100, OUTSTANDING),
    ],
)
def test_band_edges(percentage, expected):
    assert band(percentage) == expected


@pytest.mark.parametrize(
    ("yes", "applicable", "expected"),
    [
        (49, 100, INADEQUATE),
        (99, 200, RI),  # 49.5 prints as 50: the band follows the printed number
        (50, 100, RI),
        (64, 100, RI),
        (129, 200, GOOD),  # 64.5 -> 65
        (65, 100, GOOD),
        (79, 100, GOOD),
        (159, 200, OUTSTANDING),  # 79.5 -> 80
        (80, 100, OUTSTANDING),
    ],
)
def test_band_is_taken_from_the_rounded_percentage(yes, applicable, expected):
    assert band(percent(yes, applicable)) == expected


@pytest.mark.parametrize("bad", [-1, 101, 72.5, True, None])
def test_band_rejects_non_percentages(bad):
    with pytest.raises(ValueError, match="percentage is a whole number from 0 to 100"):
        band(bad)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(GOOD, GOOD, 0), (GOOD, RI, 1), (RI, GOOD, 1), (GOOD, INADEQUATE, 2), (INADEQUATE, OUTSTANDING, 3)],
)
def test_bands_apart(a, b, expected):
    assert bands_apart(a, b) == expected


def test_rating_score_rejects_unknown_rating():
    assert rating_score(GOOD) == 2
    with pytest.raises(ValueError, match="not a rating"):
        rating_score("excellent")


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, INADEQUATE),
        (6, INADEQUATE),
        (7, RI),
        (18, RI),
        (19, GOOD),
        (26, GOOD),
        (30, GOOD),
        (31, OUTSTANDING),
        (36, OUTSTANDING),
    ],
)
def test_overall_band_edges(score, expected):
    assert overall_band(score) == expected


@pytest.mark.parametrize("bad", [-1, 37, 6.5, True])
def test_overall_band_rejects_impossible_scores(bad):
    with pytest.raises(ValueError, match="overall score is a whole number from 0 to 36"):
        overall_band(bad)


# --- Standards ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("standard_id", sorted(CHESHIRE))
def test_cheshire_computed_ratings_match_the_published_ones(standard_id):
    assert cheshire(standard_id).computed_rating == CHESHIRE[standard_id][0]


def test_cheshire_planning_is_requires_improvement_near_the_boundary():
    result = cheshire("2.2")
    assert [kq.percent for kq in result.key_questions] == [85, 67, 54]
    assert result.lowest_percent == 54
    assert result.lowest_key_questions == ("2.2.3",)
    assert result.computed_rating == RI
    assert result.trigger_kinds == (NEAR_BOUNDARY,)
    assert result.triggers[0] == Trigger(
        NEAR_BOUNDARY,
        "The lowest percentage, 54% on 2.2.3, is 4 points above the 50% boundary between 'Inadequate' and "
        "'Requires improvement', within 5 points.",
        ("2.2.3",),
        (INADEQUATE,),
    )


def test_cheshire_reviewing_is_good_on_the_boundary_and_one_case_from_requires_improvement():
    result = cheshire("2.4")
    assert [kq.percent for kq in result.key_questions] == [83, 65, 71]
    assert result.lowest_percent == 65
    assert result.computed_rating == GOOD
    assert result.trigger_kinds == (NEAR_BOUNDARY, ONE_CASE)
    near, one_case = result.triggers
    assert near.explanation == (
        "The lowest percentage, 65% on 2.4.2, is on the 65% boundary between 'Requires improvement' and "
        "'Good'."
    )
    assert one_case == Trigger(
        ONE_CASE,
        "One more 'no' on 2.4.2 would make this 'Requires improvement' (2.4.2 would be 14 of 23, 61%).",
        ("2.4.2",),
        (RI,),
    )


def test_cheshire_joint_working_rests_on_two_conditional_cautions():
    result = cheshire("3.4")
    assert result.lowest_key_questions == ("3.4.1", "3.4.2")
    assert result.trigger_kinds == (ONE_CASE, SMALL_SAMPLE)
    one_case, small = result.triggers
    assert one_case.key_questions == ("3.4.2",)
    assert one_case.explanation == (
        "One more 'no' on 3.4.2 would make this 'Requires improvement' (3.4.2 would be 1 of 2, 50%)."
    )
    assert small == Trigger(
        SMALL_SAMPLE,
        "3.4.2, at the lowest percentage (100%), has only 2 applicable cases (5 or fewer).",
        ("3.4.2",),
        (GOOD,),
    )


def test_ties_for_lowest_are_all_lowest():
    result = standard_compute("2.1", kqs("2.1", (27, 36), (15, 20), (30, 34)))
    assert [kq.percent for kq in result.key_questions] == [75, 75, 88]
    assert [kq.lowest for kq in result.key_questions] == [True, True, False]
    assert result.lowest_key_questions == ("2.1.1", "2.1.2")
    assert result.computed_rating == GOOD


def test_key_question_with_no_applicable_case_takes_no_part():
    result = standard_compute("2.2", kqs("2.2", (29, 34), (0, 0), (20, 30)))
    kq = result.key_questions[1]
    assert (kq.id, kq.percent, kq.lowest) == ("2.2.2", None, False)
    assert result.lowest_percent == 67
    assert result.lowest_key_questions == ("2.2.3",)
    assert result.computed_rating == GOOD


@pytest.mark.parametrize("pairs", [[(0, 0), (0, 0)], []])
def test_standard_with_no_percentage_has_no_computed_rating(pairs):
    result = standard_compute("3.4", kqs("3.4", *pairs))
    assert result.lowest_percent is None
    assert result.computed_rating is None
    assert result.triggers == ()
    assert result.lowest_key_questions == ()


def test_key_questions_keep_their_input_order():
    counts = [KeyQuestionCount("2.3.3", 19, 28), KeyQuestionCount("2.3.1", 30, 34)]
    result = standard_compute("2.3", counts)
    assert [kq.id for kq in result.key_questions] == ["2.3.3", "2.3.1"]
    assert [(kq.yes, kq.applicable) for kq in result.key_questions] == [(19, 28), (30, 34)]


def test_a_key_question_cannot_appear_twice():
    with pytest.raises(ValueError, match="twice"):
        standard_compute("2.1", [KeyQuestionCount("2.1.1", 1, 2), KeyQuestionCount("2.1.1", 2, 2)])


# --- Triggers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lowest", "holds"),
    [
        (44, False),
        (45, True),
        (50, True),
        (55, True),
        (56, False),
        (59, False),
        (60, True),
        (70, True),
        (71, False),
        (74, False),
        (75, True),
        (85, True),
        (86, False),
        (100, False),
    ],
)
def test_near_boundary(lowest, holds):
    # Out of 100 cases, so one case is one point and cannot cross a band from these values except at an edge.
    result = standard_compute("2.1", kqs("2.1", (lowest, 100), (95, 100)))
    assert (NEAR_BOUNDARY in result.trigger_kinds) is holds


def test_near_boundary_below_a_boundary_says_so():
    result = standard_compute("2.1", kqs("2.1", (62, 100)))
    (near,) = (t for t in result.triggers if t.kind == NEAR_BOUNDARY)
    assert "62% on 2.1.1, is 3 points below the 65% boundary between 'Requires improvement' and 'Good'" in (
        near.explanation
    )


@pytest.mark.parametrize(
    ("pairs", "expected_kqs"),
    [
        ([(65, 100), (90, 100)], ("2.1.1",)),  # 'no' takes 65 to 64
        ([(79, 100), (90, 100)], ("2.1.1",)),  # 'yes' takes 79 to 80
        ([(7, 10), (68, 100)], ("2.1.1",)),  # not the lowest, but 'no' takes it from 70 to 60
        ([(40, 100), (95, 100)], ()),
        ([(72, 100), (90, 100)], ()),
        ([(49, 100), (49, 100)], ()),  # tied lowest: a 'yes' on either leaves the other at 49
    ],
)
def test_one_case_examples(pairs, expected_kqs):
    result = standard_compute("2.1", kqs("2.1", *pairs))
    found = next((t.key_questions for t in result.triggers if t.kind == ONE_CASE), ())
    assert found == expected_kqs, result


def test_one_case_names_the_key_question_that_would_become_lowest():
    # Raising 2.1.1 from 63% to 67% leaves 2.1.2 lowest at 66%: 'Good' all the same.
    result = standard_compute("2.1", kqs("2.1", (15, 24), (66, 100)))
    (one_case,) = (t for t in result.triggers if t.kind == ONE_CASE)
    assert one_case.explanation == (
        "One more 'yes' on 2.1.1 would make this 'Good' "
        "(2.1.1 would be 16 of 24, 67%; the lowest would then be 66% on 2.1.2)."
    )
    assert one_case.key_questions == ("2.1.1",)


def test_one_case_lists_each_change_that_alters_the_rating():
    # 1 of 2 is 50%: one more 'no' is 0% ('Inadequate'), one more 'yes' 100% ('Outstanding').
    result = standard_compute("3.4", kqs("3.4", (1, 2)))
    (one_case,) = (t for t in result.triggers if t.kind == ONE_CASE)
    assert one_case.explanation == (
        "One more 'no' on 3.4.1 would make this 'Inadequate' (3.4.1 would be 0 of 2, 0%). "
        "One more 'yes' on 3.4.1 would make this 'Outstanding' (3.4.1 would be 2 of 2, 100%)."
    )
    assert one_case.key_questions == ("3.4.1",)


@pytest.mark.parametrize(
    ("pairs", "expected_kqs"),
    [
        ([(4, 5), (30, 34)], ("2.1.1",)),  # lowest 80% on 5 cases
        ([(5, 6), (30, 34)], ()),  # lowest on 6 cases
        ([(20, 30), (2, 2)], ()),  # a small sample, but not at the lowest value
        ([(3, 4), (6, 8), (75, 100)], ("2.1.1",)),  # tied lowest: only the small one is named
        ([(1, 1), (5, 5)], ("2.1.1", "2.1.2")),
        ([(0, 0), (30, 34)], ()),  # no applicable case is not a small sample: it takes no part
    ],
)
def test_small_sample(pairs, expected_kqs):
    result = standard_compute("2.1", kqs("2.1", *pairs))
    found = next((t.key_questions for t in result.triggers if t.kind == SMALL_SAMPLE), ())
    assert found == expected_kqs


def test_triggers_come_in_a_fixed_order():
    # 4 of 5 is 80%: on a boundary, one 'no' from 60%, and only 5 cases.
    result = standard_compute("2.3", kqs("2.3", (4, 5)))
    assert result.trigger_kinds == (NEAR_BOUNDARY, ONE_CASE, SMALL_SAMPLE)
    assert all(t.key_questions == ("2.3.1",) for t in result.triggers)


def test_no_trigger():
    result = standard_compute("2.1", kqs("2.1", (72, 100), (30, 34)))
    assert result.triggers == ()
    assert result.trigger_kinds == ()


# --- Ratings panel ------------------------------------------------------------------------------------------


def no_trigger_standard():
    return standard_compute("2.1", kqs("2.1", (72, 100), (30, 34)))


def test_panel_may_always_confirm():
    assert panel_change_check(no_trigger_standard(), GOOD, None) == []
    assert panel_change_check(cheshire("2.2"), RI, None) == []
    assert panel_change_check(cheshire("2.2"), RI, "9.9.9") == []


def test_panel_may_move_one_band_where_a_trigger_holds():
    assert panel_change_check(cheshire("2.2"), INADEQUATE, "2.2.3") == []
    assert panel_change_check(cheshire("2.4"), RI, "2.4.2") == []


# Which way each trigger lets the panel move a rating (docs/rules.md section 4): (yes, applicable) per key
# question -> computed rating, triggers, and the ratings the panel may move to.
DIRECTION_EXAMPLES = [
    # 68%, 3 points above the 65 boundary: across it to Requires improvement, never up to Outstanding.
    pytest.param([(68, 100)], GOOD, (NEAR_BOUNDARY,), (RI,), id="68%-near-65-down-only"),
    # 62%, 3 below 65: up across it to Good, never down to Inadequate.
    pytest.param([(62, 100)], RI, (NEAR_BOUNDARY,), (GOOD,), id="62%-near-65-up-only"),
    # On the boundary (65% is Good): down across it, as one more 'no' would.
    pytest.param([(65, 100)], GOOD, (NEAR_BOUNDARY, ONE_CASE), (RI,), id="65%-on-the-boundary-down"),
    # 80 of 100 is on the 80 boundary (Outstanding): down to Good only.
    pytest.param([(80, 100)], OUTSTANDING, (NEAR_BOUNDARY, ONE_CASE), (GOOD,), id="80%-outstanding-down"),
    # 2 of 5 and 40 of 100 tie at 40%: a small sample alone, one band (up is the only neighbour).
    pytest.param([(2, 5), (40, 100)], INADEQUATE, (SMALL_SAMPLE,), (RI,), id="40%-small-sample-only"),
    # 13 of 20 is 65%; one more 'no' is 60% (RI): near-boundary and one-case both point down.
    pytest.param([(13, 20)], GOOD, (NEAR_BOUNDARY, ONE_CASE), (RI,), id="13/20-both-down"),
    # 6 of 10 is 60%; one more yes is 70% (Good), one more no 50% (still RI): up only.
    pytest.param([(6, 10)], RI, (NEAR_BOUNDARY, ONE_CASE), (GOOD,), id="6/10-one-case-up"),
    # 3 of 4 is 75%: small sample, one band either way; one more yes is 100%, one more no 50%.
    # (Near 80, so the near-boundary trigger alone would permit Outstanding only.)
    pytest.param(
        [(3, 4)], GOOD, (NEAR_BOUNDARY, ONE_CASE, SMALL_SAMPLE), (RI, OUTSTANDING), id="3/4-small-either-way"
    ),
    # 1 of 2 is 50%: one more 'yes' would make it 100% (two bands), but the panel moves one band at most.
    pytest.param([(1, 2)], RI, (NEAR_BOUNDARY, ONE_CASE, SMALL_SAMPLE), (INADEQUATE, GOOD), id="1/2"),
]


@pytest.mark.parametrize(("pairs", "computed", "kinds", "permitted"), DIRECTION_EXAMPLES)
def test_each_trigger_permits_a_move_in_its_own_direction(pairs, computed, kinds, permitted):
    result = compute(pairs)
    assert (result.computed_rating, result.trigger_kinds) == (computed, kinds)
    assert permitted_ratings(result) == permitted
    for rating in RATINGS:
        if rating == computed:
            continue
        problems = panel_change_check(result, rating, result.lowest_key_questions[0])
        assert (problems == []) == (rating in permitted), (rating, problems)


def test_cheshire_2_1_at_68_percent_may_not_be_moved_to_outstanding():
    """The case the issue reported: 2.1's lowest key question at 68%, near the 65 boundary."""
    result = compute([(68, 100), (90, 100)])
    assert panel_change_check(result, OUTSTANDING, "2.1.1") == [
        "No discretion trigger of 2.1 permits moving 'Good' to 'Outstanding': The near-boundary trigger "
        "permits a move to 'Requires improvement' only."
    ]
    assert panel_change_check(result, RI, "2.1.1") == []


def test_each_trigger_says_which_move_it_permits():
    near, _one_case = cheshire("2.4").triggers
    assert near.permitted_move == "Permits a move to 'Requires improvement'."
    (_, small) = cheshire("3.4").triggers
    assert small.permits == (GOOD,)
    (either,) = [t for t in compute([(3, 4)]).triggers if t.kind == SMALL_SAMPLE]
    assert either.permitted_move == "Permits a move to 'Requires improvement' or 'Outstanding'."


def test_panel_may_not_change_without_a_trigger():
    assert panel_change_check(no_trigger_standard(), RI, "2.1.1") == [
        "No discretion trigger holds for 2.1, so its computed rating 'Good' cannot be changed."
    ]


def test_panel_may_not_move_two_bands():
    assert panel_change_check(cheshire("2.2"), OUTSTANDING, "2.2.3") == [
        (
            "The rating of 2.2 can move by one band at most: from 'Requires improvement' to 'Inadequate' or "
            "'Good', not 'Outstanding'."
        )
    ]


def test_panel_change_lists_every_problem():
    problems = panel_change_check(no_trigger_standard(), INADEQUATE, None)
    assert len(problems) == 3
    assert problems[0].startswith("No discretion trigger holds for 2.1")
    assert "one band at most" in problems[1]
    assert problems[2] == (
        "A change of rating must name the key question of 2.1 that carries the asterisk: 2.1.1 or 2.1.2."
    )


@pytest.mark.parametrize(
    ("key_question", "problem"),
    [
        (None, "A change of rating must name the key question of 2.2 that carries the asterisk: "),
        ("2.1.1", "2.1.1 is not a key question of 2.2: name 2.2.1, 2.2.2 or 2.2.3."),
    ],
)
def test_panel_change_must_name_a_key_question_of_the_standard(key_question, problem):
    (found,) = panel_change_check(cheshire("2.2"), INADEQUATE, key_question)
    assert found.startswith(problem)


def test_panel_change_key_question_must_have_a_percentage():
    result = standard_compute("2.2", kqs("2.2", (29, 34), (0, 0), (15, 28)))
    assert panel_change_check(result, INADEQUATE, "2.2.2") == [
        "2.2.2 has no applicable cases, so it has no percentage to carry the asterisk."
    ]


def test_panel_rates_a_standard_with_no_computed_rating_freely():
    result = standard_compute("3.4", kqs("3.4", (0, 0)))
    for rating in RATINGS:
        assert panel_change_check(result, rating, None) == []
    assert panel_change_check(result, GOOD, "3.4.1") == []
    assert panel_change_check(result, GOOD, "2.2.3") == ["2.2.3 is not a key question of 3.4: name 3.4.1."]


def test_panel_rating_must_be_a_rating():
    assert panel_change_check(cheshire("2.2"), "excellent", "2.2.3") == [
        "'excellent' is not a rating: use one of inadequate, requires_improvement, good, outstanding."
    ]


# --- Overall ------------------------------------------------------------------------------------------------


def test_cheshire_overall_is_good_26_of_36():
    assert overall_compute(CHESHIRE_FINAL_RATINGS) == OverallResult(
        score=26, max_score=36, rating=GOOD, missing=()
    )


def test_overall_with_a_missing_standard_has_no_score():
    ratings = {**CHESHIRE_FINAL_RATINGS, "1.3": None, "2.2": None}
    assert overall_compute(ratings) == OverallResult(
        score=None, max_score=36, rating=None, missing=("1.3", "2.2")
    )


def test_overall_maximum_follows_the_number_of_standards():
    assert overall_compute({"1.1": GOOD, "1.2": GOOD}) == OverallResult(4, 6, INADEQUATE, ())


@pytest.mark.parametrize(
    ("ratings", "problem"), [({}, "at least one standard"), ({"1.1": "excellent"}, "not a rating")]
)
def test_overall_rejects_bad_input(ratings, problem):
    with pytest.raises(ValueError, match=problem):
        overall_compute(ratings)


# --- Properties, against an independent reference -----------------------------------------------------------


def reference_percent(yes, applicable):
    if applicable == 0:
        return None
    exact = Decimal(yes * 100) / Decimal(applicable)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reference_band(p):
    if p < 50:
        return INADEQUATE
    if p < 65:
        return RI
    if p < 80:
        return GOOD
    return OUTSTANDING


def reference_rating(pairs):
    percents = [reference_percent(yes, n) for yes, n in pairs if n > 0]
    return reference_band(min(percents)) if percents else None


def reference_one_case_changes(pairs):
    """Every (key question index, change) where one answer changed would change the rating."""
    before = reference_rating(pairs)
    changes = []
    for index, (yes, n) in enumerate(pairs):
        for step in (-1, 1):
            if 0 <= yes + step <= n:
                changed = list(pairs)
                changed[index] = (yes + step, n)
                if reference_rating(changed) != before:
                    changes.append((index, step))
    return changes


counts_of_one_key_question = st.integers(min_value=0, max_value=40).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)
standards = st.lists(counts_of_one_key_question, min_size=1, max_size=5)


def compute(pairs):
    return standard_compute("2.1", kqs("2.1", *pairs))


@given(st.integers(min_value=1, max_value=10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_percent_is_the_exact_value_rounded_half_up(counts):
    yes, applicable = counts
    p = percent(yes, applicable)
    exact = Fraction(100 * yes, applicable)
    assert abs(p - exact) <= Fraction(1, 2)
    if exact - int(exact) == Fraction(1, 2):
        assert p == int(exact) + 1
    assert p == reference_percent(yes, applicable)


@given(standards)
def test_computed_rating_is_the_band_of_the_lowest_percentage(pairs):
    assert compute(pairs).computed_rating == reference_rating(pairs)


@given(standards)
def test_lowest_flags_mark_exactly_the_key_questions_at_the_minimum(pairs):
    result = compute(pairs)
    present = [kq.percent for kq in result.key_questions if kq.percent is not None]
    for kq in result.key_questions:
        assert kq.lowest == (kq.percent is not None and kq.percent == min(present))
    assert result.lowest_percent == (min(present) if present else None)


@given(standards, st.data())
def test_one_more_no_never_raises_the_rating_and_one_more_yes_never_lowers_it(pairs, data):
    before = compute(pairs).computed_rating
    index = data.draw(st.integers(min_value=0, max_value=len(pairs) - 1))
    yes, n = pairs[index]
    if yes > 0:
        fewer = list(pairs)
        fewer[index] = (yes - 1, n)
        assert RATING_SCORES[compute(fewer).computed_rating] <= RATING_SCORES[before]
    if yes < n:
        more = list(pairs)
        more[index] = (yes + 1, n)
        assert RATING_SCORES[compute(more).computed_rating] >= RATING_SCORES[before]


@settings(max_examples=500)
@given(standards)
def test_one_case_holds_exactly_when_one_answer_would_change_the_rating(pairs):
    result = compute(pairs)
    changes = reference_one_case_changes(pairs)
    assert (ONE_CASE in result.trigger_kinds) == bool(changes)
    if changes:
        (one_case,) = (t for t in result.triggers if t.kind == ONE_CASE)
        assert one_case.key_questions == tuple(dict.fromkeys(f"2.1.{i + 1}" for i, _ in changes))
        assert one_case.explanation.count("One more") == len(changes)


@settings(max_examples=500)
@given(standards)
def test_no_permitted_move_goes_away_from_a_triggering_boundary(pairs):
    """Every move a trigger permits is one band, and a near-boundary trigger's move crosses its boundary
    (towards it, never away); a one-case trigger's move is the way one more answer would move the rating."""
    result = compute(pairs)
    computed = result.computed_rating
    if computed is None:
        return
    lowest = result.lowest_percent
    for trigger in result.triggers:
        for rating in trigger.permits:
            assert abs(RATING_SCORES[rating] - RATING_SCORES[computed]) == 1
            if trigger.kind == NEAR_BOUNDARY:
                (boundary,) = [b for b in (50, 65, 80) if abs(lowest - b) <= 5]
                moves_up = RATING_SCORES[rating] > RATING_SCORES[computed]
                # Moving up is towards a boundary above the percentage, down towards one at or below it.
                assert moves_up == (lowest < boundary)
            if trigger.kind == ONE_CASE:
                ways = {
                    reference_rating(
                        [(y + step, n) if i == index else (y, n) for i, (y, n) in enumerate(pairs)]
                    )
                    for index, step in reference_one_case_changes(pairs)
                }
                up = RATING_SCORES[rating] > RATING_SCORES[computed]
                assert any((RATING_SCORES[w] > RATING_SCORES[computed]) == up for w in ways)
    permitted = set(permitted_ratings(result))
    for rating in RATINGS:
        if rating != computed and rating not in permitted:
            assert panel_change_check(result, rating, result.lowest_key_questions[0]) != []


@given(standards)
def test_near_boundary_and_small_sample_follow_their_definitions(pairs):
    result = compute(pairs)
    present = [(reference_percent(yes, n), n) for yes, n in pairs if n > 0]
    lowest = min((p for p, _ in present), default=None)
    near = lowest is not None and any(abs(lowest - b) <= 5 for b in (50, 65, 80))
    small = any(p == lowest and n <= 5 for p, n in present)
    assert (NEAR_BOUNDARY in result.trigger_kinds) == near
    assert (SMALL_SAMPLE in result.trigger_kinds) == small
    order = [NEAR_BOUNDARY, ONE_CASE, SMALL_SAMPLE]
    assert list(result.trigger_kinds) == [k for k in order if k in result.trigger_kinds]


@given(st.lists(st.sampled_from(RATINGS), min_size=1, max_size=12))
def test_overall_score_is_the_sum_of_the_scores(ratings):
    by_standard = {f"s{i}": rating for i, rating in enumerate(ratings)}
    result = overall_compute(by_standard)
    assert result.score == sum(rating_score(r) for r in ratings)
    assert result.max_score == 3 * len(ratings)
    assert result.rating == overall_band(result.score)
    assert result.missing == ()


@given(st.integers(min_value=0, max_value=36), st.integers(min_value=0, max_value=36))
def test_overall_band_never_falls_as_the_score_rises(a, b):
    low, high = sorted((a, b))
    assert rating_score(overall_band(low)) <= rating_score(overall_band(high))


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=100))
def test_band_never_falls_as_the_percentage_rises(a, b):
    low, high = sorted((a, b))
    assert rating_score(band(low)) <= rating_score(band(high))
    assert band(low) == reference_band(low)

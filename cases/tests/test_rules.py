"""The applicability and completeness rules of docs/rules.md section 2, as plain Python."""

import itertools

import pytest

from cases import rules
from cases.rules import NA, NO, YES, Facts, KeyQuestionAnswer, KeyQuestionShape, PromptShape

ALL_RULES = [rules.ALL_CASES, rules.CHILD_SAFETY, rules.OTHERS_SAFETY, rules.REVIEW_NEEDED, rules.YCC_ONLY]


def test_all_cases_allows_not_applicable_only_as_out_of_scope():
    applicability = rules.key_question_applicability([rules.ALL_CASES], Facts())
    assert applicability.choices == (YES, NO, NA)
    assert applicability.na_is_out_of_scope
    assert applicability.forced is None
    assert applicability.suggestions == ()


def test_3_4_2_is_fixed_not_applicable_outside_youth_conditional_cautions_and_refuses_it_inside():
    outside = rules.key_question_applicability([rules.YCC_ONLY], Facts(is_youth_conditional_caution=False))
    inside = rules.key_question_applicability([rules.YCC_ONLY], Facts(is_youth_conditional_caution=True))
    assert (outside.forced, outside.choices) == (NA, (NA,))
    assert inside.forced is None
    assert NA not in inside.choices


@pytest.mark.parametrize(
    ("rule", "facts", "suggestion"),
    [
        (
            rules.CHILD_SAFETY,
            Facts(child_safety_factors=False),
            "no factors related to keeping the child safe",
        ),
        (rules.OTHERS_SAFETY, Facts(inspector_rosh="low"), "risk of serious harm to be low"),
        (
            rules.OTHERS_SAFETY,
            Facts(others_safety_factors=False),
            "no factors related to keeping other people",
        ),
        (rules.REVIEW_NEEDED, Facts(review_needed=False), "no review was needed"),
    ],
)
def test_sub_sample_key_questions_suggest_not_applicable_from_the_facts(rule, facts, suggestion):
    applicability = rules.key_question_applicability([rule], facts)
    assert applicability.choices == (YES, NO, NA)
    assert not applicability.na_is_out_of_scope
    assert any(suggestion in s for s in applicability.suggestions)


@pytest.mark.parametrize(
    "facts",
    [
        Facts(),
        Facts(
            child_safety_factors=True, others_safety_factors=True, review_needed=True, inspector_rosh="high"
        ),
    ],
)
def test_nothing_is_suggested_when_the_facts_say_the_key_question_applies_or_are_not_given(facts):
    for rule in (rules.CHILD_SAFETY, rules.OTHERS_SAFETY, rules.REVIEW_NEEDED):
        assert rules.key_question_applicability([rule], facts).suggestions == ()


def test_a_reviewing_key_question_with_two_rules_gives_both_reasons():
    facts = Facts(child_safety_factors=False, review_needed=False)
    suggestions = rules.key_question_applicability(
        [rules.CHILD_SAFETY, rules.REVIEW_NEEDED], facts
    ).suggestions
    assert len(suggestions) == 2


@pytest.mark.parametrize("ycc", [True, False])
def test_an_answer_is_fixed_exactly_when_one_of_the_fixing_rules_applies(ycc):
    facts = Facts(is_youth_conditional_caution=ycc, child_safety_factors=False, review_needed=False)
    for n in range(1, 3):
        for combination in itertools.combinations(ALL_RULES, n):
            fixed = rules.key_question_applicability(combination, facts).forced is not None
            assert fixed == (not ycc and bool(set(combination) & set(rules.FIXING_RULES))), combination


# --- completeness ----------------------------------------------------------------------------------

SHAPE = KeyQuestionShape(
    code="2.1.1",
    rules=(rules.ALL_CASES,),
    prompts=(PromptShape("2.1.1.a"), PromptShape("2.1.1.f", relevant_cases_only=True)),
)


def report(answer=None, prompts=None, shape=SHAPE, facts=None):
    return rules.key_question_report(shape, facts or Facts(), answer, prompts or {})


def messages(result):
    return [p.message for p in result.problems]


def test_a_complete_key_question_has_no_problems_and_counts_every_answer():
    result = report(KeyQuestionAnswer(YES, "Good analysis."), {"2.1.1.a": YES, "2.1.1.f": NA})
    assert result.problems == []
    assert (result.answered, result.total) == (3, 3)


def test_every_missing_answer_and_the_rationale_are_listed():
    result = report()
    assert messages(result) == [
        "Answer prompt 2.1.1.a",
        "Answer prompt 2.1.1.f",
        "Give your judgement on key question 2.1.1",
    ]
    assert (result.answered, result.total) == (0, 3)
    assert messages(report(KeyQuestionAnswer(NO, "  "), {"2.1.1.a": YES, "2.1.1.f": YES})) == [
        "Give the rationale for your judgement on 2.1.1"
    ]


def test_only_relevant_cases_prompts_may_be_not_applicable_on_their_own():
    result = report(KeyQuestionAnswer(YES, "Fine."), {"2.1.1.a": NA, "2.1.1.f": NA})
    assert messages(result) == [
        "Prompt 2.1.1.a can be not applicable only if key question 2.1.1 is: answer yes or no"
    ]


def test_out_of_scope_needs_its_reason_not_a_rationale_and_is_flagged():
    without = report(KeyQuestionAnswer(NA), {"2.1.1.a": NA, "2.1.1.f": NA})
    assert messages(without) == ["Say why this case is out of scope for key question 2.1.1"]
    assert without.problems[0].field == "out_of_scope_reason"
    with_reason = report(KeyQuestionAnswer(NA, "", "No plan was due yet."), {"2.1.1.a": NA, "2.1.1.f": NA})
    assert with_reason.problems == []
    assert with_reason.out_of_scope


def test_a_key_question_not_applicable_needs_every_prompt_not_applicable():
    result = report(KeyQuestionAnswer(NA, "", "Reason."), {"2.1.1.a": YES})
    assert messages(result) == [
        "Prompt 2.1.1.a must be not applicable, because key question 2.1.1 is",
        "Prompt 2.1.1.f must be not applicable, because key question 2.1.1 is",
    ]


def test_a_sub_sample_key_question_not_applicable_needs_a_rationale_and_is_not_flagged():
    shape = KeyQuestionShape("2.2.2", (rules.CHILD_SAFETY,), (PromptShape("2.2.2.a"),))
    result = report(KeyQuestionAnswer(NA), {"2.2.2.a": NA}, shape=shape)
    assert messages(result) == ["Give the rationale for your judgement on 2.2.2"]
    assert not result.out_of_scope


def test_3_4_2_outside_a_ycc_is_complete_without_the_inspector_and_refused_na_inside_one():
    shape = KeyQuestionShape("3.4.2", (rules.YCC_ONLY,), (PromptShape("3.4.2.a"),))
    fixed = report(None, {}, shape=shape, facts=Facts(is_youth_conditional_caution=False))
    assert fixed.problems == []
    assert fixed.answered == fixed.total == 2
    refused = report(
        KeyQuestionAnswer(NA, "x"),
        {"3.4.2.a": NA},
        shape=shape,
        facts=Facts(is_youth_conditional_caution=True),
    )
    assert "youth conditional caution" in messages(refused)[0]


def test_facts_problems_name_each_missing_judgement():
    problems = rules.facts_problems({"rosh_reasonable": "yes", "child_safety_factors": False})
    fields = [p.field for p in problems]
    assert "rosh_reasonable" not in fields
    assert "child_safety_factors" not in fields  # False is an answer ("no")
    assert "inspector_rosh" in fields
    assert all(p.code == "facts" for p in problems)


def test_a_court_case_needs_its_principal_offence_and_an_out_of_court_case_does_not():
    court = rules.facts_problems({}, court=True)
    out_of_court = rules.facts_problems({})
    assert court[0] == rules.Problem("facts", "offence_group", "Give the principal offence group")
    assert "offence_group" not in [p.field for p in out_of_court]
    assert [p.field for p in court[1:]] == [p.field for p in out_of_court]
    assert "offence_group" not in [
        p.field for p in rules.facts_problems({"offence_group": "arson"}, court=True)
    ]

"""Aggregation: counts in the database, a constant number of queries, provisional and final figures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.factories import CaseFactory, OutOfCourtCaseFactory
from cases.models import CaseStatus, KeyQuestionAnswer, PromptAnswer
from inspections.factories import InspectionFactory
from inspections.models import KeyQuestion, Prompt
from ratings.selectors import FINAL, PROVISIONAL, inspection_ratings_get, key_question_counts, prompt_counts

pytestmark = pytest.mark.django_db


def answered_cases(inspection, count, *, status=CaseStatus.APPROVED, factory=CaseFactory, answer="yes"):
    """`count` cases, each answering every key question and prompt of its domain with `answer`."""
    cases = factory.create_batch(count, inspection=inspection, status=status)
    domain = cases[0].domain_code
    kqs = list(
        KeyQuestion.objects.filter(
            standard__domain__framework=inspection.framework, standard__domain__code=domain
        )
    )
    prompts = list(Prompt.objects.filter(key_question__in=kqs))
    KeyQuestionAnswer.objects.bulk_create(
        KeyQuestionAnswer(case=case, key_question=kq, value=answer) for case in cases for kq in kqs
    )
    PromptAnswer.objects.bulk_create(
        PromptAnswer(case=case, prompt=prompt, value=answer) for case in cases for prompt in prompts
    )
    return cases


def queries_for_ratings(inspection) -> int:
    with CaptureQueriesContext(connection) as context:
        ratings = inspection_ratings_get(inspection)
        ratings.as_json()
        assert ratings.overall.max_score == 36
    return len(context.captured_queries)


def test_aggregation_query_count_is_the_same_for_10_and_100_cases(framework):
    small, large = InspectionFactory(), InspectionFactory()
    answered_cases(small, 6)
    answered_cases(small, 4, factory=OutOfCourtCaseFactory, answer="no")
    answered_cases(large, 60)
    answered_cases(large, 40, factory=OutOfCourtCaseFactory, answer="no")
    assert queries_for_ratings(small) == queries_for_ratings(large)
    large_ratings = inspection_ratings_get(large)
    assert large_ratings.standard("2.1").key_questions[0].applicable == 60
    assert large_ratings.standard("3.1").key_questions[0].yes == 0


def test_one_query_for_every_key_question_and_one_for_every_prompt(framework, django_assert_num_queries):
    inspection = InspectionFactory()
    answered_cases(inspection, 30)
    with django_assert_num_queries(1):
        counts = key_question_counts(inspection)
    assert counts["2.2.3"] == (30, 30)
    with django_assert_num_queries(1):
        counts = prompt_counts(inspection)
    assert counts["2.2.3.a"] == (30, 30)


def test_provisional_figures_count_submitted_and_approved_cases_final_only_approved(framework):
    inspection = InspectionFactory()
    answered_cases(inspection, 3, status=CaseStatus.APPROVED, answer="yes")
    answered_cases(inspection, 2, status=CaseStatus.SUBMITTED, answer="no")
    answered_cases(inspection, 4, status=CaseStatus.IN_PROGRESS, answer="no")
    answered_cases(inspection, 1, status=CaseStatus.RETURNED, answer="no")
    provisional = inspection_ratings_get(inspection, figures=PROVISIONAL).standard("2.1").key_questions[0]
    final = inspection_ratings_get(inspection, figures=FINAL).standard("2.1").key_questions[0]
    assert (provisional.yes, provisional.applicable, provisional.percent) == (3, 5, 60)
    assert (final.yes, final.applicable, final.percent) == (3, 3, 100)
    assert inspection_ratings_get(inspection).status == "provisional"


def test_not_applicable_and_unanswered_take_no_part(framework):
    inspection = InspectionFactory()
    cases = answered_cases(inspection, 4)
    KeyQuestionAnswer.objects.filter(case=cases[0], key_question__code="2.2.2").update(value="na")
    KeyQuestionAnswer.objects.filter(case=cases[1], key_question__code="2.2.2").update(value="")
    KeyQuestionAnswer.objects.filter(case=cases[2], key_question__code="2.2.2").update(value="no")
    kq = inspection_ratings_get(inspection).standard("2.2").key_questions[1]
    assert (kq.id, kq.yes, kq.applicable, kq.percent) == ("2.2.2", 1, 2, 50)


def test_a_standard_without_applicable_cases_has_no_rating_and_no_overall(framework):
    inspection = InspectionFactory()
    answered_cases(inspection, 5)  # court only: no out-of-court figures
    ratings = inspection_ratings_get(inspection)
    assert ratings.standard("2.1").rating == "outstanding"
    assert ratings.standard("3.1").computed_rating is None
    assert [kq.percent for kq in ratings.standard("3.1").key_questions] == [None, None, None]
    assert ratings.overall.score is None
    assert ratings.overall.missing == ("1.1", "1.2", "1.3", "1.4", "3.1", "3.2", "3.3", "3.4")
    assert ratings.as_json()["overall"] is None

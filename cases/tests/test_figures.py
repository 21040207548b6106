"""The figures of the issue: saving one answer takes at most 10 queries, and a standard's page a bounded
number, whatever the size of the case or of the inspection.

Queries are counted for the whole request (session, user, inspection, permission, the save itself and the
session's renewal). pytest-django also counts the transaction statements each atomic block issues (BEGIN and
COMMIT, or SAVEPOINT and RELEASE inside the test's transaction): two for the save and two for the session.
The budget of 10 is for the statements that read or write data; `django_assert_max_num_queries` bounds
the total, those four included.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.factories import CaseFactory, OutOfCourtCaseFactory, answer_whole_case
from cases.models import Case, CaseStatus
from inspections.factories import InspectionFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db

TRANSACTION_STATEMENTS = (
    "SAVEPOINT",
    "RELEASE SAVEPOINT",
    "ROLLBACK TO SAVEPOINT",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
)


def data_statements(queries) -> list[str]:
    statements = []
    for query in queries:
        sql = query["sql"].lstrip()
        if sql.startswith("SELECT set_config('pghistory."):
            # pghistory puts the request's context (who) in front of each statement, in the same call.
            sql = sql.split("; ", 1)[1].lstrip()
        if not sql.upper().startswith(TRANSACTION_STATEMENTS):
            statements.append(sql)
    return statements


def large_inspection(lead, inspector, cases=40):
    """An inspection with many fully answered cases (about 60 answers each) and the inspector's own."""
    inspection = InspectionFactory(lead_inspector=lead)
    TeamMembershipFactory(inspection=inspection, user=inspector)
    for n in range(cases):
        factory = CaseFactory if n % 2 else OutOfCourtCaseFactory
        answer_whole_case(factory(inspection=inspection, inspector=inspector), status=CaseStatus.IN_PROGRESS)
    return inspection


@pytest.fixture
def small_and_large(team, make_user):
    """The same save in a case with no answers in a one-case inspection, and in a fully answered case of a
    large inspection."""
    small = OutOfCourtCaseFactory(inspection=team["inspection"], inspector=team["inspector"])
    large_inspection_ = large_inspection(make_user("lead_inspector"), team["inspector"])
    large = OutOfCourtCaseFactory(inspection=large_inspection_, inspector=team["inspector"])
    answer_whole_case(large)
    return small, large


CHANGES = [
    # The case's first change (it starts the case and stores 3.4.2's fixed answers), then a cascade to the
    # prompts, then a plain prompt, then the facts.
    # (Its prompts are answered, so the inspector confirms that they become not applicable.)
    {"kind": "key_question", "code": "3.2.2", "fields": {"value": "na"}, "confirm_clear_prompts": True},
    {"kind": "prompt", "code": "3.1.1.a", "fields": {"value": "no"}},
    {"kind": "key_question", "code": "3.1.1", "fields": {"rationale": "A different view."}},
    {"kind": "facts", "fields": {"notes": "Seen on Tuesday."}},
]


def save(client, case, change, version):
    url = reverse("cases:autosave", kwargs={"reference": case.inspection.reference, "case_id": case.pk})
    response = client.post(url, json.dumps({**change, "version": version}), content_type="application/json")
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("who", ["inspector", "lead"])
def test_saving_one_answer_takes_at_most_ten_queries_whatever_the_size(
    client, team, small_and_large, who, django_assert_max_num_queries
):
    client.force_login(team[who])
    counts = {}
    for size, case in zip(("small", "large"), small_and_large, strict=True):
        if who == "lead":  # the lead assesses a case of their own (only the allocated inspector writes)
            Case.objects.filter(pk=case.pk).update(inspector=team["lead"])
        if who == "lead" and size == "large":
            TeamMembershipFactory(inspection=case.inspection, user=team["lead"], role="qa")
        versions = {"small": [0, 0, 0, 1], "large": [1, 1, 1, 1]}[size]
        counts[size] = []
        for change, version in zip(CHANGES, versions, strict=True):
            with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as captured:
                save(client, case, change, version)
            counts[size].append(len(data_statements(captured.captured_queries)))
    assert max(counts["small"] + counts["large"]) <= 10, counts
    # After the first change (which starts the small case), the same save costs the same in both.
    assert counts["small"][1:] == counts["large"][1:], counts


def page_queries(client, case) -> int:
    url = reverse(
        "cases:standard", kwargs={"reference": case.inspection.reference, "case_id": case.pk, "code": "3.1"}
    )
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_a_standards_page_takes_the_same_bounded_number_of_queries_for_a_small_and_a_large_inspection(
    client, team, small_and_large, django_assert_max_num_queries
):
    small, large = small_and_large
    client.force_login(team["inspector"])
    page_queries(client, small)  # the first request of a session reads more (messages, CSRF)
    counts = [page_queries(client, small), page_queries(client, large)]
    assert counts[0] == counts[1]
    url = reverse(
        "cases:standard", kwargs={"reference": large.inspection.reference, "case_id": large.pk, "code": "3.1"}
    )
    with django_assert_max_num_queries(14):
        client.get(url)


@pytest.mark.parametrize("name", ["task-list", "check", "facts", "review"])
def test_case_pages_take_the_same_number_of_queries_for_a_small_and_a_large_case(
    client, team, small_and_large, name
):
    small, large = small_and_large
    client.force_login(team["qa"])
    TeamMembershipFactory(inspection=large.inspection, user=team["qa"], role="qa")
    counts = []
    for case in (small, large):
        url = reverse(f"cases:{name}", kwargs={"reference": case.inspection.reference, "case_id": case.pk})
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    # (17: the reviewers' comments and whether the reader is the case's blind second marker are one each)
    assert counts[0] == counts[1] <= 17


@pytest.mark.parametrize("name", ["progress", "my-cases"])
def test_inspection_pages_take_the_same_number_of_queries_for_a_small_and_a_large_inspection(
    client, team, small_and_large, name
):
    client.force_login(team["inspector"])
    counts = []
    for case in small_and_large:
        url = reverse(f"cases:{name}", kwargs={"reference": case.inspection.reference})
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] <= 12


def test_the_history_page_takes_a_bounded_number_of_queries_however_long_the_history(
    client, team, small_and_large
):
    small, large = small_and_large
    client.force_login(team["inspector"])
    save(client, small, CHANGES[1], 0)  # a history of a few events
    save(client, large, CHANGES[1], 1)  # hundreds of events
    counts = []
    for case in (small, large):
        url = reverse("cases:history", kwargs={"reference": case.inspection.reference, "case_id": case.pk})
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    # (15: one more for the answers that reconciling a blind second marking changed)
    assert counts[0] == counts[1] <= 15

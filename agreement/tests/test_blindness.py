"""Blindness, through every URL of the permissions matrix: until both markers have submitted, the second marker
reaches none of the case's own answers, and nobody but the second marker reaches the second marking. Then the
comparison shows each marker the other's answers.

The two rationales are canaries: a page that shows one of them to someone it should not has leaked it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from agreement.factories import FIRST_RATIONALE, SECOND_RATIONALE, mark_case
from cases.factories import answer_whole_case
from cases.models import CaseStatus, KeyQuestionAnswer, SecondMarking
from inspections.factories import TeamMembershipFactory
from inspections.models import TeamRole
from tests.test_permissions import MATRIX, ROLES, world  # noqa: F401 (world is the matrix's fixture)

pytestmark = pytest.mark.django_db

CASE_PAGES = ("cases:task-list", "cases:facts", "cases:standard", "cases:check", "cases:history")


@pytest.fixture
def marked(world):  # noqa: F811
    """The matrix's case (allocated to the world's inspector, the first marker), answered with the first
    canary, and marked a second time by a QA inspector with the second canary."""
    from cases.tests.permissions_matrix import allocated_case  # after tests.test_permissions (a cycle)

    case = allocated_case(world)
    answer_whole_case(case, user=world["team"]["inspector"])
    KeyQuestionAnswer.objects.filter(case=case, key_question__code="2.1.1").update(rationale=FIRST_RATIONALE)
    second = UserFactory(role="inspector", first_name="Sec", last_name="Ond")
    TeamMembershipFactory(inspection=world["inspection"], user=second, role=TeamRole.QA)
    marking = SecondMarking.objects.create(case=case, marker=second)
    mark_case(marking, overrides={"2.1.1": "no"})  # a disagreement, so the comparison shows both
    world["team"]["second_marker"] = second
    world["team"]["first_marker"] = world["team"]["inspector"]
    return {"case": case, "marking": marking, "second": second}


def own_urls(world, case):  # noqa: F811
    """The agreement pages of this very case (the matrix's own point at other cases)."""
    kwargs = {"reference": world["inspection"].reference, "case_id": case.pk}
    return {
        "own:mark": ("get", reverse("agreement:mark", kwargs=kwargs)),
        "own:mark-standard": ("get", reverse("agreement:mark-standard", kwargs={**kwargs, "code": "2.1"})),
        "own:reconcile": ("get", reverse("agreement:reconcile", kwargs=kwargs)),
        "own:overview": (
            "get",
            reverse("agreement:overview", kwargs={"reference": world["inspection"].reference}),
        ),
    }


def every_page(client, world, case, user):  # noqa: F811
    """{url name: (status, body)} for every URL of the matrix and this case's agreement pages, as `user`."""
    urls = {
        name: (method, reverse(name.partition("#")[0], kwargs=kwargs_for(world) if kwargs_for else None))
        for name, (method, kwargs_for, _) in MATRIX.items()
    }
    urls.update(own_urls(world, case))
    pages = {}
    for name, (method, url) in urls.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = getattr(client, method)(url)
        body = (
            b"".join(response.streaming_content)
            if getattr(response, "streaming", False)
            else response.content
        )
        pages[name] = (response.status_code, body.decode("utf-8", errors="replace"))
    return pages


def showing(pages, canary) -> set[str]:
    return {name for name, (_, body) in pages.items() if canary in body}


def people(world):  # noqa: F811
    team = world["team"]
    return {role: (None if role == "anonymous" else team[role]) for role in ROLES} | {
        "second_marker": team["second_marker"]
    }


def submit_second(marking):
    SecondMarking.objects.filter(pk=marking.pk).update(submitted_at=timezone.now())


def submit_first(case):
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.SUBMITTED)


@pytest.mark.parametrize("submitted", ["neither", "first only", "second only"])
def test_before_both_submit_neither_side_reaches_the_other(client, world, marked, submitted):  # noqa: F811
    case, marking = marked["case"], marked["marking"]
    if submitted == "first only":
        submit_first(case)
    elif submitted == "second only":
        submit_second(marking)
    everyone = people(world)
    if submitted != "neither":  # only the two markers' view changes as one side submits
        everyone = {who: everyone[who] for who in ("inspector", "second_marker")}
    for who, user in everyone.items():
        pages = every_page(client, world, case, user)
        if who == "second_marker":
            assert showing(pages, FIRST_RATIONALE) == set(), who
            assert all(pages[name][0] == 403 for name in CASE_PAGES), {n: pages[n][0] for n in CASE_PAGES}
            # The canary is there to be found: the second marker sees their own.
            assert "own:mark-standard" in showing(pages, SECOND_RATIONALE)
        else:
            assert showing(pages, SECOND_RATIONALE) == set(), who
        if who == "inspector":  # the first marker sees their own answers
            assert "cases:standard" in showing(pages, FIRST_RATIONALE)
            assert pages["own:reconcile"][0] == 403


def test_once_both_have_submitted_each_marker_sees_the_other_s_answers(client, world, marked):  # noqa: F811
    case, marking = marked["case"], marked["marking"]
    submit_first(case)
    submit_second(marking)
    second = every_page(client, world, case, marked["second"])
    assert {"cases:standard", "own:reconcile"} <= showing(second, FIRST_RATIONALE)
    first = every_page(client, world, case, world["team"]["inspector"])
    assert showing(first, SECOND_RATIONALE) == {"own:reconcile"}
    # Others who may compare see both; those who may not see neither.
    for role in ("lead", "panel", "administrator"):
        pages = every_page(client, world, case, world["team"][role])
        assert showing(pages, SECOND_RATIONALE) == {"own:reconcile"}, role
    outsider = every_page(client, world, case, world["team"]["non_member"])
    assert showing(outsider, SECOND_RATIONALE) == showing(outsider, FIRST_RATIONALE) == set()

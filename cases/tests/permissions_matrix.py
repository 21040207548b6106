"""Who may use the case assessment pages (see tests/test_permissions.py)."""

from cases.factories import CaseFactory
from cases.models import CaseStatus, ReviewComment
from cases.selectors import domain_key_questions
from tests.test_permissions import SIGN_IN, team_only


def allocated_case(world, key="case", **fields):
    """A case allocated to the world's inspector, made when first asked for: after every app's
    extend_world, so that the sample's population import (which refuses once cases are started) runs first."""
    if key not in world:
        world[key] = CaseFactory(
            inspection=world["inspection"], inspector=world["team"]["inspector"], **fields
        )
    return world[key]


def inspection(world):
    return {"reference": world["inspection"].reference}


def case(world):
    return {**inspection(world), "case_id": allocated_case(world).pk}


def submitted_case(world):
    return {
        **inspection(world),
        "case_id": allocated_case(world, "submitted_case", status=CaseStatus.SUBMITTED).pk,
    }


def commented_case(world, key, status):
    """A case in `status` with the lead's comment on its key question 2.1.1."""
    case = allocated_case(world, key, status=status)
    comment = ReviewComment.objects.filter(case=case).first() or ReviewComment.objects.create(
        case=case,
        key_question=domain_key_questions(case).get(code="2.1.1"),
        text="Is the rationale enough?",
        author=world["team"]["lead"],
    )
    return {**inspection(world), "case_id": case.pk, "comment_id": comment.pk}


# Quality assurance's pages: the lead (or a QA inspector) only; the comment's answer: the case's inspector only.
REVIEWERS_ONLY = {
    "anonymous": SIGN_IN,
    "administrator": 403,
    "lead": 200,
    "inspector": 403,
    "panel": 403,
    "non_member": 404,
}

MATRIX = {
    "cases:my-cases": ("get", inspection, team_only(200)),
    "cases:progress": ("get", inspection, team_only(200)),
    # Every team member may read a case; only its inspector, the lead or a QA inspector may change it.
    "cases:task-list": ("get", case, team_only(200)),
    "cases:facts": ("get", case, team_only(200)),
    "cases:standard": ("get", lambda world: {**case(world), "code": "2.1"}, team_only(200)),
    "cases:check": ("get", case, team_only(200)),
    "cases:history": ("get", case, team_only(200)),
    "cases:print": ("get", case, team_only(200)),
    # An empty body: those who may change the case are told it is unreadable (400), the others 403.
    "cases:autosave": (
        "post",
        case,
        {
            "anonymous": 401,
            "administrator": 403,
            "lead": 403,  # only the inspector the case is allocated to writes its answers (issue 13)
            "inspector": 400,
            "panel": 403,
            "non_member": 404,
        },
    ),
    "cases:review": (
        "get",
        submitted_case,
        {
            "anonymous": SIGN_IN,
            "administrator": 403,
            "lead": 200,
            "inspector": 403,
            "panel": 403,
            "non_member": 404,
        },
    ),
    "cases:qa-queue": ("get", inspection, REVIEWERS_ONLY),
    "cases:comment-add": ("get", lambda world: {**submitted_case(world), "code": "2.1.1"}, REVIEWERS_ONLY),
    "cases:comment-withdraw": (
        "get",
        lambda world: commented_case(world, "commented_submitted_case", CaseStatus.SUBMITTED),
        REVIEWERS_ONLY,
    ),
    "cases:comment-answer": (
        "get",
        lambda world: commented_case(world, "commented_returned_case", CaseStatus.RETURNED),
        {
            "anonymous": SIGN_IN,
            "administrator": 403,
            "lead": 403,
            "inspector": 200,
            "panel": 403,
            "non_member": 404,
        },
    ),
}

"""The rule of comments at quality assurance (cases/review_rules.py): when a comment is answered, and when a
case may be approved."""

import pytest

from cases.review_rules import CommentFacts, CommentState, approval_refusal, comment_state


def comment(**given) -> CommentFacts:
    facts = {
        "reply": "",
        "withdrawn": False,
        "judgement_when_made": "no",
        "judgement_now": "no",
        "code": "2.1.1",
    }
    return CommentFacts(**{**facts, **given})


@pytest.mark.parametrize(
    ("given", "state"),
    [
        ({}, CommentState.OPEN),
        # Changing the rationale, the quote or a prompt does not answer it: only a reply or a new judgement.
        ({"reply": "I have added the missing evidence to the rationale."}, CommentState.ANSWERED),
        ({"reply": "   "}, CommentState.OPEN),
        ({"judgement_now": "yes"}, CommentState.JUDGEMENT_CHANGED),
        ({"judgement_now": "na"}, CommentState.JUDGEMENT_CHANGED),
        ({"judgement_when_made": "", "judgement_now": "yes"}, CommentState.JUDGEMENT_CHANGED),
        # Changed, then changed back to the judgement the comment questioned: it is open again.
        ({"judgement_when_made": "yes", "judgement_now": "yes"}, CommentState.OPEN),
        # A reply counts even if the judgement also changed.
        ({"reply": "Changed to yes.", "judgement_now": "yes"}, CommentState.ANSWERED),
        ({"withdrawn": True}, CommentState.WITHDRAWN),
        ({"withdrawn": True, "reply": "Too late."}, CommentState.WITHDRAWN),
    ],
)
def test_when_a_comment_is_answered(given, state):
    assert comment_state(comment(**given)) == state


def test_a_case_with_no_comments_or_only_answered_ones_may_be_approved():
    assert approval_refusal([]) is None
    assert (
        approval_refusal([comment(reply="Done."), comment(judgement_now="yes"), comment(withdrawn=True)])
        is None
    )


def test_approval_is_refused_while_any_comment_is_open_naming_the_key_questions():
    message = approval_refusal(
        [
            comment(code="2.1.1"),
            comment(code="2.3.2"),
            comment(code="2.1.1", reply="Done."),
            comment(code="2.4.1"),
        ]
    )
    assert message == (
        "You cannot approve this case while 3 comments are unanswered (on key questions 2.1.1, 2.3.2 and 2.4.1). "
        "Return the case so that the inspector can answer them, or withdraw the comments."
    )
    assert approval_refusal([comment(code="2.2.1")]) == (
        "You cannot approve this case while 1 comment is unanswered (on key question 2.2.1). "
        "Return the case so that the inspector can answer it, or withdraw the comment."
    )

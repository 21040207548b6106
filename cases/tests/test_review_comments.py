"""Comments on key questions at quality assurance, and what a return keeps: through the services.

The rule (cases/review_rules.py): a comment is answered by the inspector's answer or by a change of the
judgement it was made on; a case is not approved, nor submitted again, while a comment is open."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, ProgrammingError, transaction
from django.utils import timezone

from cases import services
from cases.factories import answer_whole_case
from cases.models import COMMENT_MAX_LENGTH, Case, CaseReturn, CaseStatus, ReviewComment, ReviewCommentEvent
from cases.selectors import review_comments
from cases.tests.test_services import save_kq, save_prompt
from inspections.factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(team, court_case):
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    Case.objects.filter(pk=court_case.pk).update(submitted_at=timezone.now())
    court_case.refresh_from_db()
    return court_case


def comment(case, user, code="2.1.1", text="Is the rationale enough for a yes?"):
    return services.review_comment_add(
        inspection=case.inspection, case_id=case.pk, user=user, code=code, text=text
    )


def answer(case, user, comment_, reply="I have added the evidence.", version=None):
    if version is None:
        version = ReviewComment.objects.get(pk=comment_.pk).version
    return services.review_comment_answer(
        inspection=case.inspection,
        case_id=case.pk,
        user=user,
        comment_id=comment_.pk,
        reply=reply,
        version=version,
    )


def approve(case, user):
    return services.case_approve(inspection=case.inspection, case_id=case.pk, user=user)


def return_(case, user, reason="See the comments."):
    return services.case_return(inspection=case.inspection, case_id=case.pk, user=user, reason=reason)


def submit(case, user):
    return services.case_submit(inspection=case.inspection, case_id=case.pk, user=user)


def test_approval_is_refused_while_a_comment_is_unanswered_and_allowed_once_answered(team, submitted):
    first = comment(submitted, team["lead"])
    with pytest.raises(ValidationError) as refused:
        approve(submitted, team["lead"])
    assert refused.value.messages == [
        "You cannot approve this case while 1 comment is unanswered (on key question 2.1.1). Return the case so "
        "that the inspector can answer it, or withdraw the comment."
    ]
    assert Case.objects.get(pk=submitted.pk).status == CaseStatus.SUBMITTED
    return_(submitted, team["lead"])
    # The inspector may not send it back without answering.
    with pytest.raises(ValidationError) as not_yet:
        submit(submitted, team["inspector"])
    assert not_yet.value.messages == ["Answer the quality assurance comment on key question 2.1.1."]
    answer(submitted, team["inspector"], first)
    submit(submitted, team["inspector"])
    approve(submitted, team["qa"])
    assert Case.objects.get(pk=submitted.pk).status == CaseStatus.APPROVED


def test_changing_the_judgement_answers_a_comment_and_changing_it_back_reopens_it(team, submitted):
    comment(submitted, team["lead"], code="2.1.2")
    return_(submitted, team["lead"])
    save_kq(submitted, team["inspector"], "2.1.2", rationale="A longer rationale.")
    assert [c.state for c in review_comments(submitted)] == ["open"]
    save_kq(submitted, team["inspector"], "2.1.2", value="no")
    assert [c.state for c in review_comments(submitted)] == ["judgement_changed"]
    save_kq(submitted, team["inspector"], "2.1.2", value="yes")
    assert [c.state for c in review_comments(submitted)] == ["open"]
    save_kq(submitted, team["inspector"], "2.1.2", value="no")
    submit(submitted, team["inspector"])
    approve(submitted, team["lead"])


def test_a_withdrawn_comment_needs_no_answer_but_an_answered_one_cannot_be_withdrawn(team, submitted):
    first = comment(submitted, team["lead"])
    services.review_comment_withdraw(
        inspection=submitted.inspection, case_id=submitted.pk, user=team["qa"], comment_id=first.pk
    )
    approve(submitted, team["lead"])
    assert ReviewComment.objects.get(pk=first.pk).withdrawn_by == team["qa"]


def test_an_answered_comment_cannot_be_withdrawn(team, submitted):
    first = comment(submitted, team["lead"])
    return_(submitted, team["lead"])
    answer(submitted, team["inspector"], first)
    submit(submitted, team["inspector"])
    with pytest.raises(ValidationError, match="has answered this comment"):
        services.review_comment_withdraw(
            inspection=submitted.inspection, case_id=submitted.pk, user=team["lead"], comment_id=first.pk
        )


def test_who_may_comment_and_answer(team, submitted):
    for who in ("inspector", "colleague", "panel"):
        with pytest.raises(
            PermissionDenied, match="Only the lead inspector or a quality assurance inspector"
        ):
            comment(submitted, team[who])
    first = comment(submitted, team["qa"])
    # Not while the case waits for review: the inspector answers once it is returned.
    with pytest.raises(PermissionDenied, match="submitted for quality assurance"):
        answer(submitted, team["inspector"], first)
    return_(submitted, team["qa"])
    # A comment is added only while the case waits for review.
    with pytest.raises(ValidationError, match="not waiting for quality assurance: it is returned"):
        comment(submitted, team["lead"])
    for who in ("lead", "qa", "colleague", "panel"):
        with pytest.raises(PermissionDenied, match="Only the inspector this case is allocated to"):
            answer(submitted, team[who], first)
    answer(submitted, team["inspector"], first)


def test_a_reviewer_does_not_comment_on_their_own_case(team, submitted):
    Case.objects.filter(pk=submitted.pk).update(inspector=team["lead"])
    with pytest.raises(PermissionDenied, match="You assessed this case"):
        comment(submitted, team["lead"])


def test_comment_text_is_required_and_limited_in_the_service_and_the_database(team, submitted):
    with pytest.raises(ValidationError) as empty:
        comment(submitted, team["lead"], text="   ")
    assert empty.value.message_dict == {"text": ["Write your comment"]}
    with pytest.raises(ValidationError) as long:
        comment(submitted, team["lead"], text="x" * (COMMENT_MAX_LENGTH + 1))
    assert long.value.message_dict == {
        "text": ["Your comment must be 1,000 characters or fewer (it has 1,001)"]
    }
    assert comment(submitted, team["lead"], text="x" * COMMENT_MAX_LENGTH).text == "x" * COMMENT_MAX_LENGTH
    first = ReviewComment.objects.get()
    for field, value in (
        ("text", "x" * (COMMENT_MAX_LENGTH + 1)),
        ("reply", "y" * (COMMENT_MAX_LENGTH + 1)),
        ("text", " "),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewComment.objects.filter(pk=first.pk).update(**{field: value})


def test_an_answer_from_an_out_of_date_page_is_refused(team, submitted):
    first = comment(submitted, team["lead"])
    return_(submitted, team["lead"])
    answer(submitted, team["inspector"], first, reply="First answer.", version=1)
    with pytest.raises(ValidationError, match="changed after your page was loaded"):
        answer(submitted, team["inspector"], first, reply="Second tab's answer.", version=1)
    assert ReviewComment.objects.get(pk=first.pk).reply == "First answer."


def test_comments_keep_their_history_which_cannot_be_changed(team, submitted):
    first = comment(submitted, team["lead"])
    return_(submitted, team["lead"])
    answer(submitted, team["inspector"], first, reply="One.")
    answer(submitted, team["inspector"], first, reply="Two.")
    events = ReviewCommentEvent.objects.filter(pgh_obj=first).order_by("pgh_id")
    assert [(e.pgh_label, e.reply, e.pgh_context.metadata["user"]) for e in events] == [
        ("insert", "", team["lead"].pk),
        ("update", "One.", team["inspector"].pk),
        ("update", "Two.", team["inspector"].pk),
    ]
    for statement in (lambda: events.update(reply="Rewritten."), lambda: events.delete()):
        with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
            statement()


def test_a_return_keeps_every_answer_as_it_stood_and_is_never_changed(team, submitted):
    return_(submitted, team["lead"], reason="Look again at 2.1.")
    save_kq(submitted, team["inspector"], "2.1.1", value="no", rationale="Changed my mind.")
    save_prompt(submitted, team["inspector"], "2.1.1.a", "no")
    kept = CaseReturn.objects.get(case=submitted)
    assert (kept.returned_by, kept.reason) == (team["lead"], "Look again at 2.1.")
    assert kept.answers["key_questions"]["2.1.1"]["value"] == "yes"
    assert kept.answers["key_questions"]["2.1.1"]["rationale"] == "Rationale for 2.1.1."
    assert kept.answers["prompts"]["2.1.1.a"] == "yes"
    assert kept.answers["facts"]["inspector_rosh"] == "medium"
    with pytest.raises(ProgrammingError), transaction.atomic():
        CaseReturn.objects.filter(pk=kept.pk).update(reason="Rewritten.")


def test_comments_are_frozen_with_the_publication(team, submitted):
    first = comment(submitted, team["lead"])
    publish(team["inspection"])
    with pytest.raises(PermissionDenied, match="published"):
        comment(submitted, team["lead"], code="2.1.2")
    with pytest.raises(PermissionDenied, match="published"):
        services.review_comment_withdraw(
            inspection=submitted.inspection, case_id=submitted.pk, user=team["lead"], comment_id=first.pk
        )
    Case.objects.filter(pk=submitted.pk).update(status=CaseStatus.RETURNED)
    with pytest.raises(PermissionDenied, match="published"):
        answer(submitted, team["inspector"], first)

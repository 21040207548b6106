"""Quality assurance through the pages: the queue (oldest first, filters, counts), comments on key questions
(added, seen beside the key question, answered, withdrawn), approval refused while one is open, and what
changed since the case was returned."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.factories import CaseFactory, OutOfCourtCaseFactory, answer_whole_case
from cases.models import COMMENT_MAX_LENGTH, Case, CaseStatus, ReviewComment
from cases.tests.test_services import save_kq, save_prompt
from conftest import form_fields, post_forms
from inspections.factories import publish

pytestmark = pytest.mark.django_db


def url(name, case, **kwargs):
    return reverse(
        f"cases:{name}", kwargs={"reference": case.inspection.reference, "case_id": case.pk, **kwargs}
    )


def queue_url(inspection, query=""):
    return reverse("cases:qa-queue", kwargs={"reference": inspection.reference}) + query


def text(response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", re.sub(r"\s+", " ", response.content.decode()))).replace(
        "  ", " "
    )


def words(response) -> str:
    return " ".join(text(response).split())


def references(page: str) -> list[str]:
    """The case references a page names, in order, each once."""
    return list(dict.fromkeys(re.findall(r"\b(C-NEW|O-OLD|C-MID|NOT-SUBMITTED)\b", page)))


def submitted_case(team, factory=CaseFactory, inspector="inspector", days_ago=1, reference=None):
    extra = {"reference": reference} if reference else {}
    case = factory(inspection=team["inspection"], inspector=team[inspector] if inspector else None, **extra)
    answer_whole_case(case, status=CaseStatus.SUBMITTED)
    Case.objects.filter(pk=case.pk).update(submitted_at=timezone.now() - timedelta(days=days_ago))
    case.refresh_from_db()
    return case


@pytest.fixture
def submitted(team):
    return submitted_case(team, reference="COURT-01")


def add_comment(client, case, code="2.1.1", text="Is the rationale enough for a yes?"):
    return client.post(url("comment-add", case, code=code), {"text": text})


# --- the queue ---------------------------------------------------------------------------------------


def test_the_queue_lists_submitted_cases_oldest_first_with_filters_and_counts(client, team):
    newest = submitted_case(team, days_ago=1, reference="C-NEW")
    oldest = submitted_case(team, OutOfCourtCaseFactory, inspector="colleague", days_ago=9, reference="O-OLD")
    middle = submitted_case(team, days_ago=4, inspector="colleague", reference="C-MID")
    CaseFactory(inspection=team["inspection"], inspector=team["inspector"], reference="NOT-SUBMITTED")
    client.force_login(team["qa"])
    page = client.get(queue_url(team["inspection"]))
    assert page.status_code == 200
    shown = words(page)
    assert "3 cases waiting" in shown
    assert references(shown) == ["O-OLD", "C-MID", "C-NEW"]
    # Each choice says how many wait for it.
    assert "Cole League (2)" in shown and "Ines Pector (1)" in shown
    assert "Court disposal (2)" in shown and "Out-of-court disposal (1)" in shown

    by_colleague = words(client.get(queue_url(team["inspection"], f"?inspector={team['colleague'].pk}")))
    assert "Showing 2 of 3 cases waiting" in by_colleague
    assert references(by_colleague) == ["O-OLD", "C-MID"]
    both = words(
        client.get(queue_url(team["inspection"], f"?inspector={team['colleague'].pk}&category=court"))
    )
    assert "Showing 1 of 3 cases waiting" in both
    assert references(both) == ["C-MID"]
    assert "Clear the filters" in both
    for case in (oldest, middle, newest):
        assert url("review", case) in client.get(queue_url(team["inspection"])).content.decode()


@pytest.mark.parametrize("query", ["?inspector=abc", "?inspector=99999999999999999999999", "?category=space"])
def test_a_filter_that_is_not_in_the_list_is_an_error_in_words_not_a_failure(client, team, submitted, query):
    client.force_login(team["lead"])
    page = client.get(queue_url(team["inspection"], query))
    assert page.status_code == 200
    assert "There is a problem" in words(page)
    assert "from the list" in words(page)


def test_the_queue_flags_a_resubmitted_case_and_its_open_comments(client, team, submitted):
    client.force_login(team["lead"])
    add_comment(client, submitted)
    assert "1 comment unanswered" in words(client.get(queue_url(team["inspection"])))
    client.post(url("review", submitted), {"decision": "return", "reason": "See the comment."})
    returned = words(client.get(queue_url(team["inspection"])))
    assert "Returned, waiting for the inspector (1)" in returned and "1 unanswered" in returned
    client.force_login(team["inspector"])
    save_kq(submitted, team["inspector"], "2.1.1", value="no")
    client.post(url("check", submitted))
    client.force_login(team["lead"])
    shown = words(client.get(queue_url(team["inspection"])))
    assert "Returned 1 time before" in shown
    assert "comment unanswered" not in shown


def test_the_queue_is_linked_from_the_inspection_page_and_the_reviewers_home_page(client, team, submitted):
    queue = queue_url(team["inspection"])
    for who in ("lead", "qa"):
        client.force_login(team[who])
        inspection_page = client.get(
            reverse("inspections:detail", kwargs={"reference": team["inspection"].reference})
        )
        assert queue in inspection_page.content.decode()
        assert "Quality assurance: the cases waiting for your review" in words(inspection_page)
        home = client.get(reverse("home"))
        assert queue in home.content.decode()
        assert f"1 case on {team['inspection'].reference}" in words(home)
    for who in ("inspector", "panel"):
        client.force_login(team[who])
        assert queue not in client.get(reverse("home")).content.decode()
        inspection_page = client.get(
            reverse("inspections:detail", kwargs={"reference": team["inspection"].reference})
        )
        assert queue not in inspection_page.content.decode()


# --- comments ----------------------------------------------------------------------------------------


def test_the_review_page_shows_the_wording_of_each_key_question_and_prompt(client, team, submitted):
    client.force_login(team["lead"])
    page = words(client.get(url("review", submitted)))
    assert "2.1.1 Does assessment sufficiently analyse how to support the child's desistance?" in page
    assert (
        "2.1.1.a Is there sufficient analysis of offending behaviour, including the child's attitudes towards and "
        "motivations for their offending? Yes"
    ) in page


def test_a_comment_is_seen_beside_its_key_question_answered_and_then_the_case_approved(
    client, team, submitted
):
    client.force_login(team["lead"])
    form = client.get(url("comment-add", submitted, code="2.1.1"))
    assert f"You can enter up to {COMMENT_MAX_LENGTH:,} characters".replace(",", "") in words(form).replace(
        ",", ""
    )
    assert "Does assessment sufficiently analyse" in words(form)
    added = add_comment(client, submitted, text="Which records support the yes?")
    assert added.status_code == 302
    assert added["Location"] == url("review", submitted) + "#kq-2-1-1"
    review = client.get(url("review", submitted))
    assert "Which records support the yes?" in words(review)
    refused = client.post(url("review", submitted), {"decision": "approve"})
    assert refused.status_code == 200
    assert (
        "You cannot approve this case while 1 comment is unanswered (on key question 2.1.1). Return the case so "
        "that the inspector can answer it, or withdraw the comment."
    ) in words(refused)
    assert Case.objects.get(pk=submitted.pk).status == CaseStatus.SUBMITTED
    client.post(url("review", submitted), {"decision": "return", "reason": "See the comment on 2.1.1."})

    client.force_login(team["inspector"])
    comment = ReviewComment.objects.get()
    answer_url = url("comment-answer", submitted, comment_id=comment.pk)
    for page in (url("task-list", submitted), url("standard", submitted, code="2.1")):
        shown = client.get(page)
        assert "Which records support the yes?" in words(shown), page
        assert "Not answered" in words(shown), page
    standard = client.get(url("standard", submitted, code="2.1")).content.decode()
    assert answer_url in standard
    # The comment sits in key question 2.1.1's section, before the next key question's.
    section = standard[standard.index('id="kq-2-1-1"') : standard.index('id="kq-2-1-2"')]
    assert "Which records support the yes?" in section
    check = client.get(url("check", submitted))
    assert "Answer the quality assurance comment on key question 2.1.1" in words(check)
    refused_submit = client.post(url("check", submitted))
    assert "Answer the quality assurance comment on key question 2.1.1" in words(refused_submit)
    assert Case.objects.get(pk=submitted.pk).status == CaseStatus.RETURNED

    assert client.post(answer_url, {"reply": "", "version": 1}).status_code == 200
    too_long = client.post(answer_url, {"reply": "x" * (COMMENT_MAX_LENGTH + 1), "version": 1})
    assert "Your answer must be 1,000 characters or fewer" in words(too_long)
    saved = client.post(answer_url, {"reply": "The police report and the school's records.", "version": 1})
    assert saved["Location"] == url("standard", submitted, code="2.1") + "#kq-2-1-1"
    assert "Answered" in words(client.get(url("task-list", submitted)))
    assert client.post(url("check", submitted)).status_code == 302

    client.force_login(team["lead"])
    review = words(client.get(url("review", submitted)))
    assert "The police report and the school's records." in review
    assert client.post(url("review", submitted), {"decision": "approve"}).status_code == 302
    assert Case.objects.get(pk=submitted.pk).status == CaseStatus.APPROVED


def test_a_comment_over_the_limit_is_refused_on_the_page_and_nothing_is_written(client, team, submitted):
    client.force_login(team["lead"])
    page = add_comment(client, submitted, text="x" * (COMMENT_MAX_LENGTH + 1))
    assert page.status_code == 200
    assert "Your comment must be 1,000 characters or fewer" in words(page)
    assert add_comment(client, submitted, text="   ").status_code == 200
    assert not ReviewComment.objects.exists()
    assert client.get(url("comment-add", submitted, code="9.9.9")).status_code == 404


def test_a_reviewer_withdraws_an_open_comment_and_may_then_approve(client, team, submitted):
    client.force_login(team["lead"])
    add_comment(client, submitted)
    comment = ReviewComment.objects.get()
    withdraw = url("comment-withdraw", submitted, comment_id=comment.pk)
    assert withdraw in client.get(url("review", submitted)).content.decode()
    assert "Withdraw the comment on key question 2.1.1?" in words(client.get(withdraw))
    assert client.post(withdraw)["Location"] == url("review", submitted) + "#kq-2-1-1"
    assert "Withdrawn" in words(client.get(url("review", submitted)))
    assert client.post(url("review", submitted), {"decision": "approve"}).status_code == 302


def test_changed_since_returned_shows_each_changed_answer_when_returned_and_now(client, team, submitted):
    client.force_login(team["lead"])
    assert "What changed since it was returned" not in words(client.get(url("review", submitted)))
    client.post(url("review", submitted), {"decision": "return", "reason": "Look at 2.1.1 again."})
    save_kq(
        submitted, team["inspector"], "2.1.1", value="no", rationale="The plan did not draw on the records."
    )
    save_prompt(submitted, team["inspector"], "2.1.1.b", "no")
    client.force_login(team["inspector"])
    client.post(url("check", submitted))
    client.force_login(team["lead"])
    page = words(client.get(url("review", submitted)))
    assert "What changed since it was returned" in page
    assert "3 answers changed since" in page
    assert "Key question 2.1.1: judgement Yes No" in page
    assert "Key question 2.1.1: rationale Rationale for 2.1.1. The plan did not draw on the records." in page
    assert "Prompt 2.1.1.b Yes No" in page
    # Beside the answer on the card too.
    assert "No Changed When returned: Yes" in page
    assert "“Look at 2.1.1 again.”" in page


def test_nothing_changed_since_it_was_returned_says_so(client, team, submitted):
    client.force_login(team["lead"])
    client.post(url("review", submitted), {"decision": "return", "reason": "Check 2.1."})
    Case.objects.filter(pk=submitted.pk).update(status=CaseStatus.SUBMITTED)
    assert "No answer has changed since it was returned" in words(client.get(url("review", submitted)))


# --- who may, and the publication freeze ---------------------------------------------------------------

NEW_PAGES = ("qa-queue", "comment-add", "comment-withdraw", "comment-answer")


@pytest.fixture
def pages(team, submitted):
    """Each new page, for a submitted case with an open comment and for a returned one."""
    comment = ReviewComment.objects.create(
        case=submitted,
        key_question=submitted.inspection.framework.domains.get(code="2")
        .standards.get(code="2.1")
        .key_questions.get(code="2.1.1"),
        text="Why?",
        author=team["lead"],
        judgement_when_made="yes",
    )
    returned = submitted_case(team, reference="COURT-02")
    Case.objects.filter(pk=returned.pk).update(status=CaseStatus.RETURNED)
    returned_comment = ReviewComment.objects.create(
        case=returned,
        key_question=comment.key_question,
        text="And why?",
        author=team["lead"],
        judgement_when_made="yes",
    )
    return {
        "qa-queue": (queue_url(team["inspection"]), {}),
        "comment-add": (url("comment-add", submitted, code="2.1.2"), {"text": "A comment."}),
        "comment-withdraw": (url("comment-withdraw", submitted, comment_id=comment.pk), {}),
        "comment-answer": (
            url("comment-answer", returned, comment_id=returned_comment.pk),
            {"reply": "An answer.", "version": 1},
        ),
    }


# Every role of the issue on every new page: the case's inspector, another inspector, the lead, a quality
# assurance inspector, the panel, an administrator (not on the team) and an outsider.
EXPECTED = {
    "qa-queue": {
        "inspector": 403,
        "colleague": 403,
        "lead": 200,
        "qa": 200,
        "panel": 403,
        "administrator": 403,
        "outsider": 404,
    },
    "comment-add": {
        "inspector": 403,
        "colleague": 403,
        "lead": 200,
        "qa": 200,
        "panel": 403,
        "administrator": 403,
        "outsider": 404,
    },
    "comment-withdraw": {
        "inspector": 403,
        "colleague": 403,
        "lead": 200,
        "qa": 200,
        "panel": 403,
        "administrator": 403,
        "outsider": 404,
    },
    "comment-answer": {
        "inspector": 200,
        "colleague": 403,
        "lead": 403,
        "qa": 403,
        "panel": 403,
        "administrator": 403,
        "outsider": 404,
    },
}


@pytest.mark.parametrize("name", NEW_PAGES)
def test_every_role_on_every_new_page(client, team, pages, make_user, name):
    people = {
        **team,
        "administrator": make_user("administrator", is_staff=True),
        "outsider": make_user("lead_inspector"),
    }
    address, data = pages[name]
    got = {}
    for who in EXPECTED[name]:
        client.force_login(people[who])
        got[who] = client.get(address).status_code
    assert got == EXPECTED[name]
    if name == "qa-queue":
        return
    # Those who may not use the page may not post to it either; nothing is written.
    before = list(ReviewComment.objects.values_list("pk", "text", "reply", "withdrawn_at"))
    for who, status in EXPECTED[name].items():
        if status != 200:
            client.force_login(people[who])
            assert client.post(address, data).status_code == status, who
    assert list(ReviewComment.objects.values_list("pk", "text", "reply", "withdrawn_at")) == before


def test_a_published_inspections_qa_pages_show_comments_without_forms(client, team, pages, submitted):
    client.force_login(team["lead"])
    publish(team["inspection"])
    review = client.get(url("review", submitted)).content.decode()
    assert "Its data can no longer be changed." in review
    assert post_forms(review) == [] and form_fields(review) == []
    assert "Why?" in review
    assert url("comment-add", submitted, code="2.1.1") not in review
    queue = client.get(pages["qa-queue"][0]).content.decode()
    assert post_forms(queue) == []
    for name in ("comment-add", "comment-withdraw"):
        response = client.get(pages[name][0])
        assert (response.status_code, response["Location"]) == (302, url("review", submitted))
        assert client.post(*pages[name]).status_code == 403
    client.force_login(team["inspector"])
    response = client.get(pages["comment-answer"][0])
    assert response.status_code == 302
    assert client.post(*pages["comment-answer"]).status_code == 403
    standard = client.get(response["Location"]).content.decode()
    assert "And why?" in standard and "comment-answer" not in standard and "/answer/" not in standard

"""The pages of second marking with Django's test client: the whole flow, errors in words, read-only once
published, and the programme's figures for administrators."""

import pytest
from django.urls import reverse
from django.utils import timezone

from agreement.factories import SECOND_RATIONALE, mark_case, submit_first_marking
from cases.factories import CaseFactory, OutOfCourtCaseFactory
from cases.models import KeyQuestionAnswer, SecondMarking
from conftest import changing_controls, form_fields, post_forms
from inspections.models import Inspection

pytestmark = pytest.mark.django_db


def url(name, team, **kwargs):
    return reverse(f"agreement:{name}", kwargs={"reference": team["inspection"].reference, **kwargs})


def test_the_lead_draws_and_the_overview_shows_the_working_and_the_markers(client, team):
    for _ in range(6):
        OutOfCourtCaseFactory(inspection=team["inspection"], inspector=team["other"])
    client.force_login(team["lead"])
    page = client.get(url("draw", team))
    assert page.status_code == 200 and "Draw cases for second marking" in page.content.decode()
    refused = client.post(url("draw", team), {"percent": "0"})
    assert refused.status_code == 200 and "The share must be at least 1 per cent" in refused.content.decode()
    response = client.post(url("draw", team), {"percent": "10", "seed": "99"}, follow=True)
    body = response.content.decode()
    assert "2 cases drawn for second marking with seed 99." in body
    assert "with seed <strong>99</strong>" in body
    assert SecondMarking.objects.count() == 2  # one court case of one, one out-of-court of six
    assert "Stratum" in client.get(url("draw", team)).content.decode()  # the working


def test_the_lead_adds_a_case_and_cannot_name_its_own_inspector(client, team, case):
    client.force_login(team["lead"])
    refused = client.post(url("add", team), {"case": case.pk, "marker": team["inspector"].pk})
    assert "is the inspector of case COURT-07" in refused.content.decode()
    assert not SecondMarking.objects.exists()
    client.post(url("add", team), {"case": case.pk, "marker": team["marker"].pk})
    assert SecondMarking.objects.get().marker == team["marker"]


def test_the_second_marker_marks_without_javascript_and_submits(client, team, case, marking):
    client.force_login(team["marker"])
    overview = client.get(url("overview", team)).content.decode()
    assert "Cases you mark a second time" in overview
    page = client.get(url("mark-standard", team, case_id=case.pk, code="2.1")).content.decode()
    assert "Your judgement on 2.1.1" in page and "Rationale for your judgement" not in page.split("2.1.1")[0]
    response = client.post(
        url("mark-standard", team, case_id=case.pk, code="2.1"),
        {"kq-2-1-1-value": "no", "kq-2-1-1-rationale": SECOND_RATIONALE, "p-2-1-1-a": "yes"},
    )
    assert response.status_code == 302
    assert dict(marking.answers.values_list("code", "value"))["2.1.1"] == "no"
    refused = client.post(url("mark", team, case_id=case.pk)).content.decode()
    assert (
        "You cannot submit your marking yet" in refused
        and "Give your judgement on key question 2.1.2." in refused
    )
    mark_case(marking, overrides={"2.1.1": "no"})
    client.post(url("mark", team, case_id=case.pk))
    marking.refresh_from_db()
    assert marking.submitted_at is not None
    # Submitted: read-only, and the case's answers still hidden until the inspector submits.
    assert (
        "Save and continue"
        not in client.get(url("mark-standard", team, case_id=case.pk, code="2.1")).content.decode()
    )
    assert (
        client.get(
            reverse("cases:task-list", kwargs={"reference": team["inspection"].reference, "case_id": case.pk})
        ).status_code
        == 403
    )


@pytest.fixture
def revealed(team, case, marking):
    mark_case(marking, overrides={"2.1.1": "no"})
    SecondMarking.objects.filter(pk=marking.pk).update(submitted_at=timezone.now())
    submit_first_marking(case)
    return marking


def test_the_lead_reconciles_side_by_side_and_errors_are_listed(client, team, case, revealed):
    client.force_login(team["lead"])
    page = client.get(url("reconcile", team, case_id=case.pk)).content.decode()
    assert (
        SECOND_RATIONALE in page
        and "Inspector (Ines Pector): Yes" in page
        and "Second marker (Quinn Assurer): No" in page
    )
    refused = client.post(url("reconcile", team, case_id=case.pk), {"kq-2-1-1-agreed": "no"}).content.decode()
    assert (
        "Give the reason for the agreed answer to 2.1.1" in refused and 'href="#kq-2-1-1-agreed"' in refused
    )
    client.post(
        url("reconcile", team, case_id=case.pk), {"kq-2-1-1-agreed": "no", "kq-2-1-1-reason": "Agreed."}
    )
    assert KeyQuestionAnswer.objects.get(case=case, key_question__code="2.1.1").value == "no"
    page = client.get(url("reconcile", team, case_id=case.pk)).content.decode()
    assert "Reconciled by Lee Dean" in page and "Agreed: No." in page
    overview = client.get(url("overview", team)).content.decode()
    assert "1 case marked by both markers." in overview and "Ines Pector and Quinn Assurer" in overview
    assert "the limiting key question of 2.1" in overview or "2.1" in overview


def test_the_inspector_reads_the_comparison_but_cannot_reconcile(client, team, case, revealed):
    client.force_login(team["inspector"])
    page = client.get(url("reconcile", team, case_id=case.pk)).content.decode()
    assert SECOND_RATIONALE in page and "Record the agreed answers" not in page
    assert client.post(url("reconcile", team, case_id=case.pk), {}).status_code == 403


def test_published_pages_are_read_only(client, team, case, revealed):
    Inspection.objects.filter(pk=team["inspection"].pk).update(published_at=timezone.now())
    client.force_login(team["lead"])
    assert client.get(url("draw", team)).status_code == 302
    page = client.get(url("reconcile", team, case_id=case.pk)).content.decode()
    assert "Record the agreed answers" not in page
    overview = client.get(url("overview", team)).content.decode()
    assert "Draw cases for second marking" not in overview
    assert (
        client.post(
            url("reconcile", team, case_id=case.pk), {"kq-2-1-1-agreed": "no", "kq-2-1-1-reason": "R."}
        ).status_code
        == 403
    )
    for address in (url("overview", team), url("reconcile", team, case_id=case.pk)):
        page = client.get(address).content.decode()
        assert "Its data can no longer be changed." in page
        assert (post_forms(page), form_fields(page), changing_controls(page)) == ([], [], []), address
    client.force_login(team["marker"])
    for address in (
        url("mark", team, case_id=case.pk),
        url("mark-standard", team, case_id=case.pk, code="2.1"),
    ):
        page = client.get(address).content.decode()
        assert (post_forms(page), form_fields(page), changing_controls(page)) == ([], [], []), address


def test_the_programme_page_pools_every_inspection_for_administrators(client, team, case, revealed):
    client.force_login(team["administrator"])
    body = client.get(reverse("agreement:programme")).content.decode()
    assert "The second markings of 1 inspection (1 case) pooled" in body
    assert "Per inspector" in body and "Quinn Assurer" in body and "Ines Pector" in body
    client.force_login(team["lead"])
    assert client.get(reverse("agreement:programme")).status_code == 403


def test_the_inspection_page_links_to_second_marking(client, team, case, marking):
    client.force_login(team["marker"])
    page = client.get(
        reverse("inspections:detail", kwargs={"reference": team["inspection"].reference})
    ).content.decode()
    assert "1 to mark by you" in page and "Second marking and agreement" in page
    CaseFactory(inspection=team["inspection"])

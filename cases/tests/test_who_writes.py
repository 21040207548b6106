"""Who writes a case (issue 13, item 3): only the inspector it is allocated to writes its answers, a reviewer
who wrote any answer of it may not approve it, and a submitted or approved case is not reallocated."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import services
from cases.factories import answer_whole_case
from cases.models import Case, CaseStatus, PromptAnswer
from sampling.selectors import allocation_version
from sampling.services import cases_allocate

pytestmark = pytest.mark.django_db


def first_prompt_code(case) -> str:
    from cases.selectors import domain_key_questions
    from inspections.models import Prompt

    return Prompt.objects.filter(key_question__in=domain_key_questions(case)).first().code


def save_prompt(case, user, value="yes"):
    code = first_prompt_code(case)
    version = (
        PromptAnswer.objects.filter(case=case, prompt__code=code).values_list("version", flat=True).first()
    )
    return services.prompt_answer_save(
        inspection=case.inspection, case_id=case.pk, user=user, code=code, value=value, version=version or 0
    )


@pytest.mark.parametrize("who", ["lead", "qa"])
def test_only_the_allocated_inspector_writes_a_cases_answers(team, court_case, who):
    with pytest.raises(PermissionDenied, match="Only the inspector this case is allocated to"):
        save_prompt(court_case, team[who])
    with pytest.raises(PermissionDenied):
        services.case_facts_save(
            inspection=court_case.inspection,
            case_id=court_case.pk,
            user=team[who],
            changes={"notes": "The lead's view."},
            version=court_case.version,
        )
    answer_whole_case(court_case)
    with pytest.raises(PermissionDenied):
        services.case_submit(inspection=court_case.inspection, case_id=court_case.pk, user=team[who])
    assert Case.objects.get(pk=court_case.pk).status == CaseStatus.IN_PROGRESS
    assert not PromptAnswer.objects.filter(case=court_case, updated_by=team[who]).exists()
    assert not team[who].has_perm("cases.assess_case", court_case)
    assert team["inspector"].has_perm("cases.assess_case", court_case)


def test_the_lead_cannot_autosave_into_another_inspectors_case(client, team, court_case):
    client.force_login(team["lead"])
    url = reverse(
        "cases:autosave", kwargs={"reference": court_case.inspection.reference, "case_id": court_case.pk}
    )
    code = first_prompt_code(court_case)
    response = client.post(
        url,
        {"kind": "prompt", "code": code, "fields": {"value": "no"}, "version": 0},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not PromptAnswer.objects.filter(case=court_case).exists()


def test_a_reviewer_who_wrote_an_answer_may_not_approve_the_case(team, court_case):
    """The QA inspector changed an answer while the case was theirs; it then went to another inspector."""
    answer_whole_case(court_case)
    Case.objects.filter(pk=court_case.pk).update(inspector=team["qa"])
    court_case.refresh_from_db()
    save_prompt(court_case, team["qa"], "no")
    version = allocation_version(list(Case.objects.filter(inspection=court_case.inspection).order_by("pk")))
    cases_allocate(
        inspection=court_case.inspection, allocation={court_case.pk: team["inspector"].pk}, version=version
    )
    court_case.refresh_from_db()
    save_prompt(court_case, team["inspector"], "yes")  # the inspector's answer replaces the QA's
    services.case_submit(inspection=court_case.inspection, case_id=court_case.pk, user=team["inspector"])
    with pytest.raises(PermissionDenied, match="You wrote answers of this case"):
        services.case_approve(inspection=court_case.inspection, case_id=court_case.pk, user=team["qa"])
    assert Case.objects.get(pk=court_case.pk).status == CaseStatus.SUBMITTED
    approved = services.case_approve(
        inspection=court_case.inspection, case_id=court_case.pk, user=team["lead"]
    )
    assert approved.status == CaseStatus.APPROVED


@pytest.mark.parametrize("status", [CaseStatus.SUBMITTED, CaseStatus.APPROVED])
def test_a_submitted_or_approved_case_is_not_reallocated(team, court_case, status):
    answer_whole_case(court_case, status=status)
    cases = list(Case.objects.filter(inspection=court_case.inspection).order_by("pk"))
    expected = {
        CaseStatus.SUBMITTED: "has been submitted: return it to its inspector before giving it to someone else",
        CaseStatus.APPROVED: "has been approved, so it stays with its inspector",
    }[status]
    with pytest.raises(ValidationError, match=expected):
        cases_allocate(
            inspection=court_case.inspection,
            allocation={court_case.pk: team["colleague"].pk},
            version=allocation_version(cases),
        )
    assert Case.objects.get(pk=court_case.pk).inspector == team["inspector"]


def test_the_allocation_page_says_why_a_submitted_case_stays(client, team, court_case):
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    cases = list(Case.objects.filter(inspection=court_case.inspection).order_by("pk"))
    client.force_login(team["lead"])
    url = reverse("sampling:allocation", kwargs={"reference": court_case.inspection.reference})
    form = {"version": allocation_version(cases), f"case_{court_case.pk}": str(team["colleague"].pk)}
    response = client.post(url, form)
    assert response.status_code == 200
    assert (
        f"Case {court_case.reference} has been submitted: return it to its inspector before giving it to "
        "someone else" in response.content.decode()
    )
    assert Case.objects.get(pk=court_case.pk).inspector == team["inspector"]

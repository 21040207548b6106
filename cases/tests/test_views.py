import json
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.factories import CaseFactory, answer_whole_case
from cases.models import Case, CaseStatus, KeyQuestionAnswer, OffenceGroup, PromptAnswer
from cases.tests.conftest import reallocated
from cases.tests.test_services import save_prompt
from conftest import PASSWORD
from inspections.factories import InspectionFactory

pytestmark = pytest.mark.django_db


def url(name, case, **kwargs):
    return reverse(
        f"cases:{name}", kwargs={"reference": case.inspection.reference, "case_id": case.pk, **kwargs}
    )


def autosave(client, case, **change):
    return client.post(url("autosave", case), json.dumps(change), content_type="application/json")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- another team's cases -----------------------------------------------------------------------------


def test_a_case_of_another_teams_inspection_is_not_found_for_reading_or_writing(client, team, court_case):
    other_case = CaseFactory(inspection=InspectionFactory())
    client.force_login(team["inspector"])
    own_reference = team["inspection"].reference
    for name in ("task-list", "facts", "check", "history"):
        assert client.get(url(name, other_case)).status_code == 404
        # Nor through this inspection's reference: a case belongs to one inspection.
        assert (
            client.get(
                reverse(f"cases:{name}", kwargs={"reference": own_reference, "case_id": other_case.pk})
            ).status_code
            == 404
        )
    assert client.get(url("standard", other_case, code="2.1")).status_code == 404
    assert (
        autosave(
            client, other_case, kind="prompt", code="2.1.1.a", version=0, fields={"value": "yes"}
        ).status_code
        == 404
    )
    assert client.post(url("facts", other_case), {"version": 1, "notes": "x"}).status_code == 404
    assert not PromptAnswer.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"), [("submitted", "submitted for quality assurance"), ("approved", "approved")]
)
def test_writes_to_a_submitted_or_approved_case_are_refused_with_a_clear_message(
    client, team, court_case, status, message
):
    Case.objects.filter(pk=court_case.pk).update(
        status=status, approved_at=timezone.now(), approved_by=team["lead"]
    )
    client.force_login(team["inspector"])
    json_response = autosave(
        client, court_case, kind="prompt", code="2.1.1.a", version=0, fields={"value": "yes"}
    )
    assert json_response.status_code == 403
    assert message in json_response.json()["message"]
    for response in (
        client.post(url("facts", court_case), {"version": 1, "notes": "late"}),
        client.post(url("standard", court_case, code="2.1"), {"p-2-1-1-a": "yes"}),
        client.post(url("check", court_case)),
    ):
        assert response.status_code == 403
        assert message in text(response)
    page = client.get(url("standard", court_case, code="2.1"))
    assert page.status_code == 200
    assert "cannot be changed" in text(page)
    assert 'name="p-2-1-1-a"' not in text(page)


def test_other_inspectors_on_the_team_read_a_case_without_a_form(client, team, court_case):
    client.force_login(team["colleague"])
    page = text(client.get(url("standard", court_case, code="2.1")))
    assert "2.1.1 Does assessment sufficiently analyse" in page
    assert '<form method="post" novalidate data-autosave' not in page
    denied = client.post(url("standard", court_case, code="2.1"), {"p-2-1-1-a": "yes"})
    assert denied.status_code == 403
    assert "allocated to" in text(denied)


# --- autosave ---------------------------------------------------------------------------------------


def test_autosave_answers_with_the_new_version_and_the_prompts_it_set(client, team, court_case):
    client.force_login(team["inspector"])
    first = autosave(client, court_case, kind="prompt", code="2.2.2.a", version=0, fields={"value": "yes"})
    assert first.status_code == 200
    assert first.json()["version"] == 1
    asked = autosave(client, court_case, kind="key_question", code="2.2.2", version=0, fields={"value": "na"})
    assert asked.status_code == 400
    assert asked.json()["error"] == "clears_prompts" and asked.json()["prompts"] == ["2.2.2.a"]
    cascade = autosave(
        client,
        court_case,
        kind="key_question",
        code="2.2.2",
        version=0,
        fields={"value": "na"},
        confirm_clear_prompts=True,
    )
    assert cascade.json()["prompts"] == {"2.2.2.a": 2, "2.2.2.b": 1, "2.2.2.c": 1, "2.2.2.d": 1}


def test_autosave_gives_a_fresh_token_and_who_is_signed_in_to_the_team_only(
    client, team, court_case, make_user
):
    """After signing in again in another tab the page's CSRF token is out of date: autosave fetches this."""
    assert client.get(url("autosave", court_case)).status_code == 401
    client.force_login(team["inspector"])
    answer = client.get(url("autosave", court_case)).json()
    assert answer["user"] == team["inspector"].pk and len(answer["csrf_token"]) > 20
    client.force_login(make_user("inspector"))  # not on the team
    assert client.get(url("autosave", court_case)).status_code == 404


def test_a_stale_autosave_is_409_with_the_other_persons_name_and_answer(client, team, court_case):
    with reallocated(court_case, team["colleague"]):
        save_prompt(court_case, team["colleague"], "2.1.1.a", "no", version=0)
    client.force_login(team["inspector"])
    response = autosave(client, court_case, kind="prompt", code="2.1.1.a", version=0, fields={"value": "yes"})
    assert response.status_code == 409
    answer = response.json()
    assert answer["updated_by"] == str(team["colleague"])
    assert answer["values"] == {"value": "no"}
    assert answer["current"][0] == {"label": "Answer", "text": "No"}
    assert answer["current"][-1]["label"] == "Changed by"
    assert answer["current"][-1]["text"].startswith(f"{team['colleague']} at ")
    assert answer["version"] == 1
    assert f"{team['colleague']} changed this" in answer["message"]


def test_autosave_of_the_facts_reads_the_form_values(client, team, court_case):
    client.force_login(team["inspector"])
    response = autosave(
        client,
        court_case,
        kind="facts",
        version=1,
        fields={"child_safety_factors": "no", "inspector_rosh": "low"},
    )
    assert response.status_code == 200
    court_case.refresh_from_db()
    assert (court_case.child_safety_factors, court_case.inspector_rosh, court_case.version) == (
        False,
        "low",
        2,
    )
    bad = autosave(client, court_case, kind="facts", version=2, fields={"inspector_rosh": "enormous"})
    assert bad.status_code == 400
    assert "valid choice" in bad.json()["message"]


def test_autosave_after_the_session_ended_is_401_so_the_page_keeps_the_change(client, court_case):
    response = autosave(client, court_case, kind="prompt", code="2.1.1.a", version=0, fields={"value": "yes"})
    assert response.status_code == 401
    assert response.json()["error"] == "signed_out"


# --- a standard's page without JavaScript ---------------------------------------------------------------


def form_data(response) -> dict:
    """What the page's form would post as it stands: every field as rendered, checked radios only."""
    html = response.content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if re.search(r'type="(radio|checkbox)"', tag) and " checked" not in tag:
            continue
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, content in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = unescape(content)
    return data


def page_data(client, case, code="2.1"):
    return form_data(client.get(url("standard", case, code=code)))


def test_the_save_button_saves_the_changed_answers_and_leaves_the_others_alone(client, team, court_case):
    client.force_login(team["inspector"])
    data = page_data(client, court_case)
    # Meanwhile a colleague who had the case answers a prompt this page shows blank; the inspector does not
    # touch it.
    with reallocated(court_case, team["colleague"]):
        save_prompt(court_case, team["colleague"], "2.1.1.b", "no", version=0)
    data.update({"p-2-1-1-a": "yes", "kq-2-1-1-value": "yes", "kq-2-1-1-rationale": "Well analysed."})
    response = client.post(url("standard", court_case, code="2.1"), data, follow=True)
    assert "Your answers to 2.1 Assessment have been saved." in text(response)
    assert PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.a").value == "yes"
    assert PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.b").value == "no"
    assert (
        KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.1.1").rationale
        == "Well analysed."
    )


def test_a_stale_page_shows_the_other_persons_change_saves_nothing_and_a_second_save_replaces_it(
    client, team, court_case
):
    client.force_login(team["inspector"])
    data = page_data(client, court_case)
    with reallocated(court_case, team["colleague"]):
        save_prompt(court_case, team["colleague"], "2.1.1.b", "no", version=0)
    data.update({"p-2-1-1-a": "yes", "p-2-1-1-b": "yes"})
    response = client.post(url("standard", court_case, code="2.1"), data)
    page = text(response)
    assert response.status_code == 200
    assert page.startswith("<!DOCTYPE html>")
    assert "Your answers have not been saved" in page
    assert f"{team['colleague']} changed this" in page
    assert (
        'id="p-2-1-1-b" name="p-2-1-1-b" type="radio" value="yes" checked' in page
    )  # the inspector's choice kept
    assert not PromptAnswer.objects.filter(case=court_case, prompt__code="2.1.1.a").exists()
    again = form_data(response)
    # Saving again without choosing replaces nothing; choosing "replace their answer with mine" does.
    still = client.post(url("standard", court_case, code="2.1"), again)
    assert f"{team['colleague']} changed this" in text(still)
    assert PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.b").value == "no"
    again = form_data(still)
    again["p-2-1-1-b-resolve"] = "mine"
    client.post(url("standard", court_case, code="2.1"), again)
    assert PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.b").value == "yes"
    assert PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.a").value == "yes"


def test_a_prompt_refused_under_a_not_applicable_key_question_is_reported_on_the_page(
    client, team, court_case
):
    client.force_login(team["inspector"])
    data = page_data(client, court_case, code="2.2")
    data.update({"kq-2-2-2-value": "na", "kq-2-2-2-rationale": "No safety factors.", "p-2-2-2-a": "yes"})
    response = client.post(url("standard", court_case, code="2.2"), data)
    assert "Key question 2.2.2 is answered not applicable" in text(response)
    assert "<title>Error: 2.2 Planning" in text(response)
    assert not KeyQuestionAnswer.objects.filter(case=court_case).exists()


# --- answers kept across signing in again ---------------------------------------------------------------


def test_answers_posted_after_the_session_ended_are_offered_back_after_signing_in(client, team, court_case):
    client.force_login(team["inspector"])
    data = page_data(client, court_case)
    data.update({"p-2-1-1-a": "no", "kq-2-1-1-rationale": "Typed before the session ended."})
    client.logout()
    standard_url = url("standard", court_case, code="2.1")
    response = client.post(standard_url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert not PromptAnswer.objects.exists()
    signed_in = client.post(
        response["Location"], {"username": team["inspector"].email, "password": PASSWORD}, follow=True
    )
    assert signed_in.redirect_chain[-1][0] == standard_url
    page = text(signed_in)
    assert "Your session ended before these answers were saved" in page
    assert "Typed before the session ended." in page
    assert 'id="p-2-1-1-a-no" name="p-2-1-1-a" type="radio" value="no" checked' in page
    client.post(
        standard_url, form_data(signed_in) | {"kq-2-1-1-rationale": "Typed before the session ended."}
    )
    assert PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.a").value == "no"
    assert "Your session ended" not in text(client.get(standard_url))


def test_kept_answers_are_offered_only_to_the_person_who_wrote_them(client, team, court_case):
    client.force_login(team["inspector"])
    data = page_data(client, court_case) | {"kq-2-1-1-rationale": "Private draft."}
    client.logout()
    response = client.post(url("standard", court_case, code="2.1"), data)
    client.post(response["Location"], {"username": team["lead"].email, "password": PASSWORD})
    page = text(client.get(url("standard", court_case, code="2.1")))
    assert "Private draft." not in page
    assert "Your session ended" not in page


def test_facts_posted_after_the_session_ended_are_offered_back(client, team, court_case):
    client.force_login(team["inspector"])
    client.logout()
    facts_url = url("facts", court_case)
    data = {"version": 1, "signed_in_as": team["inspector"].pk, "inspector_rosh": "high", "notes": "Kept."}
    response = client.post(facts_url, data)
    client.post(response["Location"], {"username": team["inspector"].email, "password": PASSWORD})
    page = text(client.get(facts_url))
    assert "Your session ended before these answers were saved" in page
    assert "Kept." in page
    client.post(facts_url, data)
    court_case.refresh_from_db()
    assert (court_case.inspector_rosh, court_case.notes) == ("high", "Kept.")


# --- case facts page ----------------------------------------------------------------------------------


def test_the_facts_page_saves_and_a_stale_post_shows_what_changed(client, team, court_case):
    client.force_login(team["inspector"])
    response = client.post(
        url("facts", court_case),
        {"version": 1, "rosh_reasonable": "no", "inspector_rosh": "high", "review_needed": "yes"},
        follow=True,
    )
    assert "Your judgements about the case have been saved." in text(response)
    court_case.refresh_from_db()
    assert (court_case.rosh_reasonable, court_case.inspector_rosh, court_case.review_needed) == (
        "no",
        "high",
        True,
    )
    stale = client.post(url("facts", court_case), {"version": 1, "inspector_rosh": "low"})
    page = text(stale)
    assert "<title>Error: Case facts and your judgements" in page
    assert f"{team['inspector']} changed this" in page
    court_case.refresh_from_db()
    assert court_case.inspector_rosh == "high"


def test_the_facts_page_records_the_principal_offence_and_the_check_page_asks_for_it(
    client, team, court_case
):
    client.force_login(team["inspector"])
    page = text(client.get(url("facts", court_case)))
    assert "What was the principal offence?" in page
    radios = re.findall(r'<input[^>]*name="offence_group"[^>]*>', page)
    assert len(radios) == len(OffenceGroup.choices)
    assert 'id="id_offence_group_1"' in radios[0] and 'value="violence_against_the_person"' in radios[0]
    check = text(client.get(url("check", court_case)))
    assert (
        f'href="{url("facts", court_case)}#id_offence_group_1">Give the principal offence group</a>' in check
    )
    response = client.post(url("facts", court_case), {"version": 1, "offence_group": "criminal_damage"})
    assert response.status_code == 302
    court_case.refresh_from_db()
    assert court_case.offence_group == "criminal_damage"
    check = text(client.get(url("check", court_case)))
    assert "Give the principal offence group" not in check
    assert "Criminal damage" in check
    refused = text(client.post(url("facts", court_case), {"version": 2, "offence_group": "loitering"}))
    assert "<title>Error: Case facts and your judgements" in refused
    court_case.refresh_from_db()
    assert court_case.offence_group == "criminal_damage"


# --- check, submit and quality assurance -----------------------------------------------------------------


def test_the_check_page_lists_what_is_left_with_links_and_refuses_to_submit(client, team, court_case):
    answer_whole_case(court_case)
    KeyQuestionAnswer.objects.filter(case=court_case, key_question__code="2.3.1").update(rationale="")
    PromptAnswer.objects.filter(case=court_case, prompt__code="2.4.1.c").update(value="")
    client.force_login(team["inspector"])
    page = text(client.get(url("check", court_case)))
    assert "2 things to finish" in page
    assert f'href="{url("standard", court_case, code="2.3")}#kq-2-3-1-rationale"' in page
    assert f'href="{url("standard", court_case, code="2.4")}#p-2-4-1-c"' in page
    refused = client.post(url("check", court_case))
    assert "<title>Error: Check your answers before submitting" in text(refused)
    assert "You cannot submit the case yet" in text(refused)
    court_case.refresh_from_db()
    assert court_case.status == CaseStatus.IN_PROGRESS


def test_out_of_scope_answers_are_flagged_on_the_check_and_review_pages(client, team, court_case):
    answer_whole_case(court_case)
    KeyQuestionAnswer.objects.filter(case=court_case, key_question__code="2.2.1").update(
        value="na", out_of_scope_reason="No plan was due yet."
    )
    PromptAnswer.objects.filter(case=court_case, prompt__code__startswith="2.2.1.").update(value="na")
    client.force_login(team["inspector"])
    client.post(url("check", court_case))
    court_case.refresh_from_db()
    assert court_case.status == CaseStatus.SUBMITTED
    client.force_login(team["lead"])
    page = text(client.get(url("review", court_case)))
    assert "Flagged for quality assurance: 1 key question for all cases answered out of scope" in page
    assert "No plan was due yet." in page
    progress = text(client.get(reverse("cases:progress", kwargs={"reference": team["inspection"].reference})))
    assert "1 out of scope" in progress


def test_returning_a_case_needs_a_reason_which_the_inspector_then_sees(client, team, court_case):
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    client.force_login(team["lead"])
    missing = client.post(url("review", court_case), {"decision": "return", "reason": ""})
    assert "Say what the inspector needs to change" in text(missing)
    assert "<title>Error: " in text(missing)
    client.post(url("review", court_case), {"decision": "return", "reason": "Say more about 2.3.1."})
    client.force_login(team["inspector"])
    task_list = text(client.get(url("task-list", court_case)))
    assert "Returned by quality assurance" in task_list
    assert "Say more about 2.3.1." in task_list


def test_the_inspector_cannot_review_their_own_case(client, team, court_case):
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    client.force_login(team["inspector"])
    response = client.post(url("review", court_case), {"decision": "approve"})
    assert response.status_code == 403
    assert "lead inspector or a quality assurance inspector" in text(response)


# --- history and progress -------------------------------------------------------------------------------


def test_the_history_page_lists_changes_newest_first_and_cannot_be_changed(client, team, court_case):
    client.force_login(team["inspector"])
    autosave(client, court_case, kind="prompt", code="2.1.1.a", version=0, fields={"value": "yes"})
    client.force_login(team["colleague"])  # another person: another burst
    with reallocated(court_case, team["colleague"]):
        autosave(client, court_case, kind="prompt", code="2.1.1.a", version=1, fields={"value": "no"})
    page = text(client.get(url("history", court_case)))
    newer = page.index(
        '<td class="govuk-table__cell app-preserve-lines">Yes</td> <td class="govuk-table__cell app-preserve-lines">No</td>'
    )
    older = page.index(
        '<td class="govuk-table__cell app-preserve-lines">–</td> <td class="govuk-table__cell app-preserve-lines">Yes</td>'
    )
    assert newer < older
    assert str(team["inspector"]) in page
    assert client.post(url("history", court_case)).status_code == 405


def test_progress_counts_answers_and_quality_assurance_states_per_inspector_and_case(
    client, team, court_case, out_of_court_case
):
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    save_prompt(out_of_court_case, team["inspector"], "3.1.1.a", "yes", version=0)
    CaseFactory(inspection=team["inspection"], inspector=team["colleague"])
    client.force_login(team["panel"])
    response = client.get(reverse("cases:progress", kwargs={"reference": team["inspection"].reference}))
    by_inspector = {row["name"]: row for row in response.context["progress"]["inspectors"]}
    ines = by_inspector["Ines Pector"]
    # 64 answers in a court case; 3.4.2 and its two prompts are fixed for the community resolution.
    assert (
        ines["cases"],
        ines["submitted"],
        ines["in_progress"],
        ines["answered_sum"],
        ines["total_sum"],
    ) == (2, 1, 1, 64 + 4, 64 + 53)
    assert by_inspector["Cole League"]["not_started"] == 1
    cases = {case.reference: case for case in response.context["progress"]["cases"]}
    assert (cases["COURT-01"].answered, cases["COURT-01"].total) == (64, 64)
    assert "68 of 117 (58%)" in text(response)


def test_my_cases_lists_only_my_cases_with_their_progress(client, team, court_case):
    CaseFactory(inspection=team["inspection"], inspector=team["colleague"], reference="NOT-MINE")
    client.force_login(team["inspector"])
    page = text(client.get(reverse("cases:my-cases", kwargs={"reference": team["inspection"].reference})))
    assert "COURT-01" in page
    assert "NOT-MINE" not in page
    assert "0 of 64" in page


def test_keep_alive_renews_the_session_and_says_for_how_long(client, team, settings):
    assert client.post(reverse("accounts:keep-alive")).status_code == 401
    client.force_login(team["inspector"])
    response = client.post(reverse("accounts:keep-alive"))
    assert response.json() == {"signed_in": True, "idle_seconds": settings.SESSION_COOKIE_AGE}


def test_the_timeout_warning_is_on_every_signed_in_page(client, team):
    assert 'id="timeout-warning"' not in text(client.get(reverse("accounts:sign-in")))
    client.force_login(team["inspector"])
    page = text(client.get(reverse("cases:my-cases", kwargs={"reference": team["inspection"].reference})))
    assert 'id="timeout-warning"' in page
    assert 'data-idle-seconds="1800"' in page


def test_the_inspection_page_links_to_the_assessment(client, team, court_case):
    inspection_url = reverse("inspections:detail", kwargs={"reference": team["inspection"].reference})
    client.force_login(team["inspector"])
    page = text(client.get(inspection_url))
    assert (
        f'href="{reverse("cases:my-cases", kwargs={"reference": team["inspection"].reference})}">Assess your cases'
        in page
    )
    assert "waiting for your review" not in page
    client.force_login(team["lead"])
    assert "Quality assurance: the cases waiting for your review</a>" in text(client.get(inspection_url))

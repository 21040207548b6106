"""The loop around a case (issue 12): save and continue to the next page, the case reference in every title,
why a section is in progress, the wording of prompts and key questions, the print view and the reason a
case was returned shown where it needs fixing. Through Django's client; the browser tests are in
test_browser_loop.py."""

import re
from html import unescape

import pytest
from django.urls import reverse

from cases.factories import answer_whole_case
from cases.models import CaseStatus
from cases.tests.test_services import save_prompt
from cases.tests.test_views import form_data, page_data, text, url

pytestmark = pytest.mark.django_db


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", text(response)).group(1)


def test_save_and_continue_goes_to_the_next_standard_then_to_check_your_answers(client, team, court_case):
    client.force_login(team["inspector"])
    for code, next_url in [
        ("2.1", url("standard", court_case, code="2.2")),
        ("2.2", url("standard", court_case, code="2.3")),
        ("2.3", url("standard", court_case, code="2.4")),
        ("2.4", url("check", court_case)),
    ]:
        response = client.post(url("standard", court_case, code=code), page_data(client, court_case, code))
        assert response.status_code == 302
        assert response["Location"] == next_url


def test_saving_the_facts_goes_to_the_first_standard(client, team, court_case):
    client.force_login(team["inspector"])
    data = form_data(client.get(url("facts", court_case)))
    data["offence_group"] = "violence_against_the_person"
    response = client.post(url("facts", court_case), data)
    assert response.status_code == 302
    assert response["Location"] == url("standard", court_case, code="2.1")


def test_every_case_page_title_carries_the_case_reference(client, team, court_case):
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    client.force_login(team["lead"])
    for name, kwargs in [
        ("task-list", {}),
        ("facts", {}),
        ("standard", {"code": "2.1"}),
        ("check", {}),
        ("review", {}),
        ("history", {}),
        ("print", {}),
    ]:
        assert "COURT-01" in title(client.get(url(name, court_case, **kwargs))), name


def test_the_task_list_says_why_a_section_is_in_progress(client, team, court_case):
    client.force_login(team["inspector"])
    save_prompt(court_case, team["inspector"], "2.1.1.a", "yes", version=0)
    page = text(client.get(url("task-list", court_case)))
    # 2.1 Assessment: three key questions without a judgement or a rationale, eleven prompts unanswered.
    section = page[page.index("2.1 Assessment") :]
    section = section[: section.index("</li>")]
    assert "In progress" in section
    assert "prompts unanswered" in section
    assert "judgements missing" in section


def test_check_your_answers_shows_the_wording_of_each_prompt_and_key_question(client, team, court_case):
    answer_whole_case(court_case)
    client.force_login(team["inspector"])
    page = unescape(text(client.get(url("check", court_case))))
    prompt = court_case.inspection.framework  # the framework's own words, not only the codes
    from inspections.models import Prompt

    wording = Prompt.objects.get(key_question__standard__domain__framework=prompt, code="2.1.1.a").text
    assert wording in page


def test_the_print_view_shows_the_whole_case_with_its_wording_and_print_css(client, team, court_case):
    answer_whole_case(court_case)
    client.force_login(team["colleague"])  # anyone on the team may read it
    response = client.get(url("print", court_case))
    page = unescape(text(response))
    assert response.status_code == 200
    from inspections.models import KeyQuestion, Prompt

    framework = court_case.inspection.framework
    for kq in KeyQuestion.objects.filter(standard__domain__framework=framework, standard__domain__code="2"):
        assert kq.text in page
    for prompt in Prompt.objects.filter(key_question__standard__domain__framework=framework)[:5]:
        assert prompt.text in page
    assert "Rationale for 2.1.1." in page
    assert 'media="print"' in page or "case-print" in page


def test_the_reason_a_case_was_returned_is_shown_on_the_pages_that_need_fixing(client, team, court_case):
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    client.force_login(team["lead"])
    client.post(url("review", court_case), {"decision": "return", "reason": "Say more about 2.3.1."})
    client.force_login(team["inspector"])
    for name, kwargs in [("facts", {}), ("standard", {"code": "2.3"}), ("check", {})]:
        assert "Say more about 2.3.1." in text(client.get(url(name, court_case, **kwargs))), name
    home = text(client.get(reverse("home")))
    assert "COURT-01" in home
    assert "Say more about 2.3.1." in home


def test_the_out_of_scope_reason_is_a_conditional_reveal_of_the_out_of_scope_choice(client, team, court_case):
    client.force_login(team["inspector"])
    page = text(client.get(url("standard", court_case, code="2.1")))
    assert (
        'id="kq-2-1-1-value-na" name="kq-2-1-1-value" type="radio" value="na" data-aria-controls="kq-2-1-1-out-of-scope"'
        in page
    )
    assert (
        '<div class="govuk-radios__conditional govuk-radios__conditional--hidden" id="kq-2-1-1-out-of-scope">'
        in page
    )


def test_find_a_case_filters_and_sorts_the_progress_and_my_cases_tables_without_javascript(
    client, team, court_case, out_of_court_case
):
    from cases.factories import CaseFactory

    CaseFactory(inspection=team["inspection"], inspector=team["colleague"], reference="COURT-02")
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    client.force_login(team["lead"])
    progress = reverse("cases:progress", kwargs={"reference": team["inspection"].reference})
    page = text(client.get(progress, {"status": "submitted"}))
    assert "Showing 1 of 3 cases (filtered)" in page
    assert "COURT-01</a>" in page and "COURT-02</a>" not in page
    page = text(client.get(progress, {"inspector": str(team["colleague"].pk)}))
    assert "Showing 1 of 3 cases" in page and "COURT-02</a>" in page
    page = text(client.get(progress, {"category": "out_of_court"}))
    assert "OOC-01</a>" in page and "COURT-01</a>" not in page
    ascending = text(client.get(progress, {"sort": "reference"}))
    assert ascending.index("COURT-01</a>") < ascending.index("COURT-02</a>") < ascending.index("OOC-01</a>")
    assert 'aria-sort="ascending"' in ascending
    descending = text(client.get(progress, {"sort": "reference", "order": "descending"}))
    assert (
        descending.index("OOC-01</a>") < descending.index("COURT-02</a>") < descending.index("COURT-01</a>")
    )
    assert 'href="?sort=reference"' in descending  # sorting again goes back the other way
    client.force_login(team["inspector"])
    mine = text(
        client.get(
            reverse("cases:my-cases", kwargs={"reference": team["inspection"].reference}),
            {"category": "court"},
        )
    )
    assert "Showing 1 of 2 cases (filtered)" in mine
    assert "app-table-scroll" in mine

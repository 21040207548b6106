"""Nothing an inspector typed or chose is lost or overwritten without their say (issue 12, defects 1, 2 and 4;
issue 13, item 13), in a real browser, with and without JavaScript; axe on the pages that show a choice."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from cases.models import KeyQuestionAnswer, PromptAnswer
from conftest import axe_violations, sign_in

from .test_browser import case_url, has_title, wait_for_saves

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"


def rationale_of(case, code):
    return KeyQuestionAnswer.objects.get(case=case, key_question__code=code).rationale


def prompt_values(case, codes):
    answers = dict(
        PromptAnswer.objects.filter(case=case, prompt__code__in=codes).values_list("prompt__code", "value")
    )
    return [answers.get(code) for code in codes]


# --- 1. A conflicting save waits for the person's choice ------------------------------------------------


def test_after_a_conflict_tab_sends_nothing_and_the_other_persons_answer_stays(new_page, team, court_case):
    standard = case_url(court_case, "standards/2.1/")
    first, second = new_page(), new_page()
    sign_in(first, team["inspector"], next_url=standard)
    sign_in(second, team["inspector"], next_url=standard)  # the same inspector on another device

    first.locator("#kq-2-1-2-value").check()
    first.locator("#kq-2-1-2-rationale").fill("A's rationale.")
    first.locator("#kq-2-1-2-quote").fill("A's quote.")
    first.locator("#kq-2-1-2-quote").blur()
    wait_for_saves(first)

    rationale = second.locator("#kq-2-1-2-rationale")
    rationale.click()
    rationale.press_sequentially("B's rationale.")
    conflict = second.locator("[data-slug=kq-2-1-2] .app-conflict")
    expect(conflict).to_contain_text(f"{team['inspector']} changed this at")
    # The whole of their answer, not only the field B touched.
    expect(conflict).to_contain_text("A's rationale.")
    expect(conflict).to_contain_text("A's quote.")
    expect(conflict).to_contain_text("Yes")
    second.keyboard.press("Tab")  # leaving the box must not send B's words over A's
    second.keyboard.press("Tab")
    wait_for_saves(second)
    expect(conflict).to_be_visible()
    expect(second.locator("[data-slug=kq-2-1-2] [data-status]")).not_to_contain_text("Saved")
    assert rationale_of(court_case, "2.1.2") == "A's rationale."
    # B's words are kept in this browser until B decides.
    kept = second.evaluate("() => Object.entries(localStorage).map(([k, v]) => v).join(' ')")
    assert "B's rationale." in kept
    assert axe_violations(second) == []

    second.reload()  # still kept, still not sent: the choice is offered again
    expect(second.locator("[data-slug=kq-2-1-2] .app-conflict")).to_contain_text("A's rationale.")
    expect(second.locator("#kq-2-1-2-rationale")).to_have_value("B's rationale.")
    assert rationale_of(court_case, "2.1.2") == "A's rationale."

    second.locator("[data-slug=kq-2-1-2] .app-conflict").get_by_role(
        "button", name="Keep their answer"
    ).click()
    expect(second.locator("#kq-2-1-2-rationale")).to_have_value("A's rationale.")
    expect(second.locator("[data-slug=kq-2-1-2] .app-conflict")).to_have_count(0)
    kept = second.evaluate("() => Object.entries(localStorage).map(([k, v]) => v).join(' ')")
    assert "B's rationale." not in kept
    assert rationale_of(court_case, "2.1.2") == "A's rationale."


def test_a_conflict_on_the_judgement_shows_their_rationale_before_replacing(new_page, team, court_case):
    standard = case_url(court_case, "standards/2.1/")
    first, second = new_page(), new_page()
    sign_in(first, team["inspector"], next_url=standard)
    sign_in(second, team["inspector"], next_url=standard)  # the same inspector on another device
    first.locator("#kq-2-1-2-value").check()
    first.locator("#kq-2-1-2-rationale").fill("A's rationale.")
    first.locator("#kq-2-1-2-good_practice").check()
    wait_for_saves(first)

    second.locator("#kq-2-1-2-value-no").check()
    conflict = second.locator("[data-slug=kq-2-1-2] .app-conflict")
    expect(conflict).to_contain_text("A's rationale.")
    expect(conflict).to_contain_text("Good practice example")
    expect(conflict).to_contain_text(str(team["inspector"]))
    assert KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.1.2").value == "yes"
    conflict.get_by_role("button", name="Replace their answer with mine").click()
    wait_for_saves(second)
    expect(second.locator("[data-slug=kq-2-1-2] [data-status]")).to_contain_text("Saved at")
    answer = KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.1.2")
    # Only what B changed replaces A's: A's rationale stays.
    assert (answer.value, answer.rationale) == ("no", "A's rationale.")


def test_without_javascript_a_conflict_is_saved_only_once_the_person_chooses(new_page, team, court_case):
    standard = case_url(court_case, "standards/2.1/")
    first, second = new_page(), new_page(javascript=False)
    sign_in(first, team["inspector"], next_url=standard)
    sign_in(second, team["inspector"], next_url=standard)  # the same inspector on another device
    first.locator("#kq-2-1-2-rationale").fill("A's rationale.")
    first.locator("#kq-2-1-2-rationale").blur()
    wait_for_saves(first)

    second.locator("#kq-2-1-2-rationale").fill("B's rationale.")
    second.get_by_role("button", name="Save and continue").click()
    conflict = second.locator("[data-slug=kq-2-1-2] .app-conflict")
    expect(conflict).to_contain_text("A's rationale.")
    # Saving again without choosing saves nothing of B's.
    second.get_by_role("button", name="Save and continue").click()
    expect(second.locator("[data-slug=kq-2-1-2] .app-conflict")).to_contain_text("A's rationale.")
    expect(second.locator("#kq-2-1-2-rationale")).to_have_value("B's rationale.")
    assert rationale_of(court_case, "2.1.2") == "A's rationale."

    second.locator("[data-slug=kq-2-1-2] .app-conflict").get_by_label(
        "Replace their answer with mine"
    ).check()
    second.get_by_role("button", name="Save and continue").click()
    expect(second.locator(".govuk-notification-banner")).to_contain_text("have been saved")
    assert rationale_of(court_case, "2.1.2") == "B's rationale."


def test_without_javascript_keeping_their_answer_saves_the_rest_of_the_page(new_page, team, court_case):
    standard = case_url(court_case, "standards/2.1/")
    first, second = new_page(), new_page(javascript=False)
    sign_in(first, team["inspector"], next_url=standard)
    sign_in(second, team["inspector"], next_url=standard)  # the same inspector on another device
    first.locator("#kq-2-1-2-rationale").fill("A's rationale.")
    first.locator("#kq-2-1-2-rationale").blur()
    wait_for_saves(first)

    second.locator("#kq-2-1-2-rationale").fill("B's rationale.")
    second.locator("#p-2-1-1-a-no").check()
    second.get_by_role("button", name="Save and continue").click()
    second.locator("[data-slug=kq-2-1-2] .app-conflict").get_by_label("Keep their answer").check()
    second.get_by_role("button", name="Save and continue").click()
    expect(second.locator(".govuk-notification-banner")).to_contain_text("have been saved")
    assert rationale_of(court_case, "2.1.2") == "A's rationale."
    assert prompt_values(court_case, ["2.1.1.a"]) == ["no"]


# --- 2. Not applicable never wipes the prompts silently --------------------------------------------------

PROMPTS = ["2.3.1.a", "2.3.1.b", "2.3.1.c"]


def answer_prompts(page, case):
    page.goto(case_url(case, "standards/2.3/"))
    page.locator("#p-2-3-1-a").check()
    page.locator("#p-2-3-1-b-no").check()
    page.locator("#p-2-3-1-c").check()
    page.locator("#kq-2-3-1-value-no").check()
    wait_for_saves(page)
    assert prompt_values(case, PROMPTS) == ["yes", "no", "yes"]


def prompts_on_the_page_are(page, values):
    for code, value in zip(PROMPTS, values, strict=True):
        slug = "p-" + code.replace(".", "-")
        expect(page.locator(f"[data-slug={slug}] input[value={value}]")).to_be_checked()


def test_arrow_keys_passing_over_out_of_scope_leave_the_prompts_as_they_were(page, team, court_case):
    sign_in(page, team["inspector"], next_url=case_url(court_case, "standards/2.3/"))
    answer_prompts(page, court_case)
    page.locator("#kq-2-3-1-value-no").focus()
    page.keyboard.press("ArrowDown")  # No -> Out of scope
    page.wait_for_timeout(300)  # a person's pace between two key presses
    page.keyboard.press("ArrowDown")  # Out of scope -> Yes (the radios wrap round)
    expect(page.locator("#kq-2-3-1-value")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("[data-slug=kq-2-3-1] [data-status]")).to_contain_text("Saved at")
    wait_for_saves(page)
    assert KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.3.1").value == "yes"
    assert prompt_values(court_case, PROMPTS) == ["yes", "no", "yes"]
    prompts_on_the_page_are(page, ["yes", "no", "yes"])


def test_not_applicable_then_yes_leaves_the_prompts_as_they_were(page, team, court_case):
    sign_in(page, team["inspector"], next_url=case_url(court_case, "standards/2.3/"))
    answer_prompts(page, court_case)
    page.locator("#kq-2-3-1-value-na").check()
    question = page.locator("[data-slug=kq-2-3-1] .app-confirm-na")
    expect(question).to_contain_text("2.3.1.a")
    assert axe_violations(page) == []
    assert prompt_values(court_case, PROMPTS) == ["yes", "no", "yes"]
    page.locator("#kq-2-3-1-value").check()
    wait_for_saves(page)
    expect(page.locator("[data-slug=kq-2-3-1] [data-status]")).to_contain_text("Saved at")
    expect(question).to_have_count(0)
    assert KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.3.1").value == "yes"
    assert prompt_values(court_case, PROMPTS) == ["yes", "no", "yes"]
    prompts_on_the_page_are(page, ["yes", "no", "yes"])

    # Choosing it and saying yes to the question sets the prompts to not applicable.
    page.locator("#kq-2-3-1-value-na").check()
    question.get_by_role("button", name="Set its prompts to not applicable").click()
    wait_for_saves(page)
    prompts_on_the_page_are(page, ["na", "na", "na"])
    assert prompt_values(court_case, PROMPTS) == ["na", "na", "na"]


def test_without_javascript_not_applicable_asks_before_clearing_answered_prompts(new_page, team, court_case):
    page = new_page(javascript=False)
    sign_in(page, team["inspector"], next_url=case_url(court_case, "standards/2.3/"))
    page.locator("#p-2-3-1-a").check()
    page.locator("#p-2-3-1-b-no").check()
    page.get_by_role("button", name="Save and continue").click()
    assert prompt_values(court_case, PROMPTS[:2]) == ["yes", "no"]

    page.goto(case_url(court_case, "standards/2.3/"))
    page.locator("#kq-2-3-1-value-na").check()
    page.get_by_role("button", name="Save and continue").click()
    question = page.locator("[data-slug=kq-2-3-1] .app-confirm-na")
    expect(question).to_contain_text("2.3.1.a")
    assert prompt_values(court_case, PROMPTS[:2]) == ["yes", "no"]
    assert not KeyQuestionAnswer.objects.filter(case=court_case, key_question__code="2.3.1").exists()

    question.get_by_label("Set its prompts to not applicable").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("have been saved")
    assert KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.3.1").value == "na"
    assert prompt_values(court_case, PROMPTS[:2]) == ["na", "na"]


# --- 4. Signing in again in another tab -------------------------------------------------------------------


def test_after_signing_in_again_in_another_tab_the_first_tab_saves(page, team, court_case):
    standard = case_url(court_case, "standards/2.1/")
    sign_in(page, team["inspector"], next_url=standard)
    other_tab = page.context.new_page()
    other_tab.goto(standard)
    has_title(other_tab, "2.1")

    Session.objects.all().delete()  # the session ends
    sign_in(other_tab, team["inspector"], next_url=standard)  # signed in again in the other tab
    has_title(other_tab, "2.1")

    page.locator("#p-2-1-1-a-no").check()
    expect(page.locator("[data-slug=p-2-1-1-a] [data-status]")).to_contain_text("Saved at")
    expect(page.locator("#autosave-notice")).not_to_contain_text("cannot change")
    assert prompt_values(court_case, ["2.1.1.a"]) == ["no"]


# --- issue 13, item 13: what is kept in this browser belongs to one person ---------------------------------


def keep_a_change_in_this_browser(page, case):
    page.route("**/autosave/", lambda route: route.abort())
    page.locator("#kq-2-1-1-rationale").fill("Unsaved words.")
    page.locator("#kq-2-1-1-rationale").blur()
    expect(page.locator("#autosave-notice")).to_contain_text("not been saved yet")
    page.unroute("**/autosave/")
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('yjis-unsaved'))")


def unsaved_keys(page):
    return page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('yjis-unsaved'))")


def test_unsaved_text_is_cleared_on_sign_out(page, team, court_case):
    sign_in(page, team["inspector"], next_url=case_url(court_case, "standards/2.1/"))
    keep_a_change_in_this_browser(page, court_case)
    page.get_by_role("button", name="Sign out").click()
    has_title(page, "You have signed out")
    page.wait_for_function(
        "() => !Object.keys(localStorage).some(k => k.startsWith('yjis-unsaved'))", timeout=5000
    )
    assert unsaved_keys(page) == []


def test_unsaved_text_is_never_left_for_the_next_person_who_signs_in(page, team, court_case):
    sign_in(page, team["inspector"], next_url=case_url(court_case, "standards/2.1/"))
    keep_a_change_in_this_browser(page, court_case)
    page.context.clear_cookies()  # the session ends without signing out (a shared computer)
    sign_in(page, team["colleague"], next_url="/")
    expect(page).to_have_url(re.compile("/$"))
    page.wait_for_function(
        "() => !Object.keys(localStorage).some(k => k.startsWith('yjis-unsaved'))", timeout=5000
    )
    assert unsaved_keys(page) == []

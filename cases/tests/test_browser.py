"""Case assessment in a real browser: whole cases answered, checked, submitted and quality assured; autosave,
session expiry, the timeout warning and two people on the same key question; axe on every page."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from cases.models import Case, CaseStatus, KeyQuestionAnswer, PromptAnswer
from conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FACTS_ALL_APPLY = {
    "offence_group": "violence_against_the_person",
    "rosh_reasonable": "yes",
    "inspector_rosh": "medium",
    "safety_wellbeing_reasonable": "yes",
    "child_safety_factors": "yes",
    "others_safety_factors": "yes",
    "review_needed": "yes",
    "management_oversight": "sufficient",
}


def has_title(page, start: str) -> None:
    """Waits for the page (after a click, the next page) to have a title beginning with `start`."""
    expect(page).to_have_title(re.compile("^" + re.escape(start)))


def case_url(case, path=""):
    return f"/inspections/{case.inspection.reference}/cases/{case.pk}/{path}"


def wait_for_saves(page):
    """Until no answer on the page is still being saved."""
    page.wait_for_function(
        "() => ![...document.querySelectorAll('[data-status], #facts-status')]"
        ".some(s => s.textContent.startsWith('Saving'))"
    )


def answer_facts(page, case, facts=FACTS_ALL_APPLY):
    page.goto(case_url(case, "facts/"))
    has_title(page, "Case facts and your judgements")
    for name, value in facts.items():
        page.locator(f"input[name={name}][value={value}]").check()
        wait_for_saves(page)
    expect(page.locator("#facts-status")).to_contain_text("Saved at")
    assert axe_violations(page) == []


def answer_standard(page, case, code, value="yes", leave_rationale_empty=(), not_applicable=()):
    """Answers every prompt and key question of a standard's page with the mouse, as autosave saves them."""
    page.goto(case_url(case, f"standards/{code}/"))
    for row in page.locator("[data-row]").all():
        kq_code = row.get_attribute("data-code")
        if row.get_attribute("data-row") == "prompt":
            if kq_code.rsplit(".", 1)[0] in not_applicable:
                continue  # set by its key question
            row.locator(f"input[type=radio][value={value}]").check()
        else:
            choice = "na" if kq_code in not_applicable else value
            row.locator(f"input[name$='-value'][value={choice}]").check()
            if kq_code not in leave_rationale_empty:
                rationale = row.locator("textarea[name$='-rationale']")
                rationale.fill(f"Rationale for {kq_code}.")
                rationale.blur()
        wait_for_saves(page)
    assert page.locator(".govuk-error-message").all_inner_texts() == []


def answer_standard_with_the_keyboard(page, case, code):
    """Answers a standard's page with the keyboard alone: Tab to each question, Space to choose, type the
    rationale, and Enter on the Save button."""
    page.goto(case_url(case, f"standards/{code}/"))
    rows = [
        (row.get_attribute("data-row"), row.get_attribute("data-slug"), row.get_attribute("data-code"))
        for row in page.locator("[data-row]").all()
    ]

    def focused():
        return page.evaluate("document.activeElement.name || document.activeElement.textContent.trim()")

    for _ in range(60):
        if focused() == rows[0][1]:
            break
        page.keyboard.press("Tab")
    for kind, slug, kq_code in rows:
        if kind == "prompt":
            assert focused() == slug
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
            continue
        assert focused() == f"{slug}-value"
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        if focused() == f"{slug}-out_of_scope_reason":
            page.keyboard.press("Tab")
        assert focused() == f"{slug}-rationale"
        page.keyboard.type(f"Typed rationale for {kq_code}.")
        page.keyboard.press("Tab")
        assert focused() == f"{slug}-quote"
        page.keyboard.press("Tab")
        assert focused() == f"{slug}-good_practice"
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
    wait_for_saves(page)
    assert focused() == "Save and continue"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Your answers to {code}")


def review(page, case, decision, reason=""):
    page.goto(f"/inspections/{case.inspection.reference}/progress/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=f"Review case {case.reference}").click()
    has_title(page, f"Quality assurance of case {case.reference}")
    assert axe_violations(page) == []
    page.get_by_label("Approve the case" if decision == "approve" else "Return it to the inspector").check()
    if reason:
        page.get_by_label("If you return it: what does the inspector need to change?").fill(reason)
    page.get_by_role("button", name="Record your decision").click()


def submit(page, case):
    page.goto(case_url(case, "check/"))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Submit for quality assurance").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted for quality assurance")


def test_a_court_case_answered_checked_submitted_returned_fixed_and_approved(new_page, team, court_case):
    inspector_page = new_page()
    sign_in(
        inspector_page, team["inspector"], next_url=f"/inspections/{team['inspection'].reference}/my-cases/"
    )
    has_title(inspector_page, "My cases")
    assert axe_violations(inspector_page) == []
    inspector_page.get_by_role("link", name="COURT-01").click()
    has_title(inspector_page, "Case COURT-01")
    assert axe_violations(inspector_page) == []

    answer_facts(inspector_page, court_case)
    answer_standard_with_the_keyboard(inspector_page, court_case, "2.1")
    answer_standard(inspector_page, court_case, "2.2")
    assert axe_violations(inspector_page) == []
    answer_standard(inspector_page, court_case, "2.3", leave_rationale_empty=("2.3.1",))
    answer_standard(inspector_page, court_case, "2.4", value="no")
    assert KeyQuestionAnswer.objects.filter(case=court_case, key_question__code="2.1.3").get().good_practice
    assert PromptAnswer.objects.filter(case=court_case).exclude(value="").count() == 52

    # The check page catches the empty rationale, and links to it.
    inspector_page.goto(case_url(court_case, "check/"))
    has_title(inspector_page, "Check your answers before submitting")
    assert axe_violations(inspector_page) == []
    assert inspector_page.locator("ul.govuk-list--bullet li").all_inner_texts() == [
        "Give the rationale for your judgement on 2.3.1"
    ]
    inspector_page.get_by_role("button", name="Submit for quality assurance").click()
    has_title(inspector_page, "Error: Check your answers")
    assert axe_violations(inspector_page) == []
    inspector_page.locator(".govuk-error-summary").get_by_role(
        "link", name="Give the rationale for your judgement on 2.3.1"
    ).click()
    rationale = inspector_page.locator("#kq-2-3-1-rationale")
    expect(rationale).to_be_in_viewport()
    rationale.fill("Interventions were delivered in a sensible order.")
    rationale.blur()
    wait_for_saves(inspector_page)
    submit(inspector_page, court_case)
    assert Case.objects.get(pk=court_case.pk).status == CaseStatus.SUBMITTED

    lead_page = new_page()
    sign_in(lead_page, team["lead"])
    review(lead_page, court_case, "return")
    has_title(lead_page, "Error: Quality assurance")
    expect(lead_page.locator(".govuk-error-summary")).to_contain_text(
        "Say what the inspector needs to change"
    )
    lead_page.get_by_label("If you return it: what does the inspector need to change?").fill(
        "2.4.1: say which review was needed and when."
    )
    lead_page.get_by_role("button", name="Record your decision").click()
    expect(lead_page.locator(".govuk-notification-banner")).to_contain_text("returned to the inspector")

    inspector_page.goto(case_url(court_case))
    expect(inspector_page.locator(".govuk-notification-banner")).to_contain_text(
        "2.4.1: say which review was needed"
    )
    assert axe_violations(inspector_page) == []
    inspector_page.goto(case_url(court_case, "standards/2.4/"))
    rationale = inspector_page.locator("#kq-2-4-1-rationale")
    rationale.fill("The review after the breach in March was needed and not done.")
    rationale.blur()
    wait_for_saves(inspector_page)
    submit(inspector_page, court_case)

    review(lead_page, court_case, "approve")
    expect(lead_page.locator(".govuk-notification-banner")).to_contain_text("has been approved")
    assert Case.objects.get(pk=court_case.pk).status == CaseStatus.APPROVED

    # Approved: read-only for the inspector, and the history says who did what.
    inspector_page.goto(case_url(court_case, "standards/2.4/"))
    expect(inspector_page.locator(".govuk-inset-text").first).to_contain_text(
        "approved, so its answers cannot be changed"
    )
    assert inspector_page.locator("textarea").count() == 0
    assert axe_violations(inspector_page) == []
    inspector_page.goto(case_url(court_case, "history/"))
    assert axe_violations(inspector_page) == []
    first_row = inspector_page.locator("tbody tr").first
    expect(first_row).to_contain_text("Approved")
    expect(first_row).to_contain_text(str(team["lead"]))
    expect(inspector_page.locator("tbody")).to_contain_text("The review after the breach in March was needed")


def test_an_out_of_court_case_with_sub_sample_and_fixed_answers(new_page, team, out_of_court_case):
    page = new_page()
    sign_in(page, team["inspector"])
    answer_facts(page, out_of_court_case, {**FACTS_ALL_APPLY, "child_safety_factors": "no"})

    # The facts suggest 3.2.2 is not applicable; answering it so sets its prompts too.
    page.goto(case_url(out_of_court_case, "standards/3.2/"))
    expect(page.locator("#kq-3-2-2-suggestion")).to_contain_text(
        "no factors related to keeping the child safe"
    )
    answer_standard(page, out_of_court_case, "3.2", not_applicable=("3.2.2",))
    for prompt in ("3.2.2.a", "3.2.2.b", "3.2.2.c"):
        expect(page.locator(f"#p-{prompt.replace('.', '-')}-na")).to_be_checked()
    answer_standard(page, out_of_court_case, "3.1")
    answer_standard(page, out_of_court_case, "3.3", value="no")

    # 3.4.2 is for youth conditional cautions only: nothing to answer in a community resolution.
    page.goto(case_url(out_of_court_case, "standards/3.4/"))
    expect(page.locator("#kq-3-4-2")).to_contain_text("for youth conditional cautions only")
    assert page.locator("#kq-3-4-2 input").count() == 0
    assert axe_violations(page) == []
    answer_standard(page, out_of_court_case, "3.4")

    page.goto(case_url(out_of_court_case))
    expect(page.locator(".govuk-task-list__status", has_text="Completed")).to_have_count(5)
    submit(page, out_of_court_case)
    lead_page = new_page()
    sign_in(lead_page, team["lead"])
    review(lead_page, out_of_court_case, "approve")
    case = Case.objects.get(pk=out_of_court_case.pk)
    assert case.status == CaseStatus.APPROVED
    assert KeyQuestionAnswer.objects.get(case=case, key_question__code="3.4.2").value == "na"
    assert KeyQuestionAnswer.objects.filter(case=case).count() == 11


def test_autosave_then_reload_shows_the_answers(page, team, court_case):
    sign_in(page, team["inspector"], next_url=case_url(court_case, "standards/2.1/"))
    page.locator("#p-2-1-1-c-no").check()
    page.locator("#kq-2-1-1-rationale").fill("Saved without pressing any button.")
    wait_for_saves(page)  # typing is saved after a pause
    expect(page.locator("[data-slug=kq-2-1-1] [data-status]")).to_contain_text("Saved at")
    page.reload()
    expect(page.locator("#p-2-1-1-c-no")).to_be_checked()
    expect(page.locator("#kq-2-1-1-rationale")).to_have_value("Saved without pressing any button.")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('yjis-unsaved')).length") == 0


def test_the_principal_offence_is_recorded_on_the_facts_page_with_and_without_javascript(
    new_page, team, court_case
):
    for javascript, offence, label in ((True, "burglary", "Burglary"), (False, "arson", "Arson")):
        page = new_page(javascript=javascript)
        if javascript:
            # Before the offence is recorded, the check page asks for it, and links to the question.
            sign_in(page, team["inspector"], next_url=case_url(court_case, "check/"))
            has_title(page, "Check your answers before submitting")
            page.get_by_role("link", name="Give the principal offence group").click()
        else:
            sign_in(page, team["inspector"], next_url=case_url(court_case, "facts/"))
        has_title(page, "Case facts and your judgements")
        offence_group = page.get_by_role("group", name="What was the principal offence?")
        expect(offence_group.get_by_role("radio")).to_have_count(15)
        if javascript:  # axe runs in the page
            assert axe_violations(page) == []
        offence_group.get_by_label(label, exact=True).check()
        if javascript:
            wait_for_saves(page)
            expect(page.locator("#facts-status")).to_contain_text("Saved at")
            page.reload()
            expect(page.get_by_label(label, exact=True)).to_be_checked()
        else:
            page.get_by_role("button", name="Save and continue").click()
            expect(page.locator(".govuk-notification-banner")).to_contain_text(
                "Your judgements about the case have been saved"
            )
        court_case.refresh_from_db()
        assert court_case.offence_group == offence
        page.goto(case_url(court_case, "check/"))
        expect(page.locator("main")).to_contain_text(label)
        expect(page.get_by_role("link", name="Give the principal offence group")).to_have_count(0)
        if javascript:
            assert axe_violations(page) == []
    assert court_case.version == 3


def test_the_session_expires_mid_page_and_nothing_typed_is_lost(page, team, court_case):
    standard = case_url(court_case, "standards/2.1/")
    sign_in(page, team["inspector"], next_url=standard)
    page.locator("#p-2-1-1-a").check()
    wait_for_saves(page)

    Session.objects.all().delete()  # the session ends on the server
    # Two changes in quick succession, before the first save is refused: the signed-out dialog that the
    # refusal opens would otherwise stand in front of the second.
    page.evaluate(
        """() => {
            const rationale = document.getElementById("kq-2-1-1-rationale");
            rationale.value = "Typed after the session ended.";
            rationale.dispatchEvent(new Event("input", {bubbles: true}));
            document.getElementById("p-2-1-1-b-no").click();
        }"""
    )
    expect(page.locator("#autosave-notice")).to_contain_text("You have been signed out")
    expect(page.locator("[data-slug=p-2-1-1-b] [data-status]")).to_have_text(
        "Not saved yet: kept in this browser until you sign in again"
    )
    dialog = page.locator("#timeout-warning")
    expect(dialog.get_by_role("heading", name="You have been signed out")).to_be_visible()
    assert axe_violations(page) == []
    assert not PromptAnswer.objects.filter(case=court_case, prompt__code="2.1.1.b").exists()

    dialog.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Email address").fill(team["inspector"].email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(standard) + "$"))
    expect(page.locator("#autosave-notice")).to_contain_text(
        "Your unsaved changes have been restored and saved"
    )
    expect(page.locator("#autosave-notice")).to_contain_text("2.1.1 rationale, 2.1.1.b")
    assert PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.a").value == "yes"  # saved before
    assert PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.b").value == "no"
    answer = KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.1.1")
    assert answer.rationale == "Typed after the session ended."


def test_without_javascript_answers_posted_after_the_session_ended_are_offered_back(
    new_page, team, court_case
):
    page = new_page(javascript=False)
    standard = case_url(court_case, "standards/2.1/")
    sign_in(page, team["inspector"], next_url=standard)
    page.locator("#p-2-1-1-a-no").check()
    page.locator("#kq-2-1-1-value").check()
    page.locator("#kq-2-1-1-rationale").fill("Written with JavaScript off.")
    Session.objects.all().delete()
    page.get_by_role("button", name="Save and continue").click()
    has_title(page, "Sign in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "signed out before your answers were saved"
    )
    page.get_by_label("Email address").fill(team["inspector"].email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your session ended before these answers were saved"
    )
    expect(page.locator("#kq-2-1-1-rationale")).to_have_value("Written with JavaScript off.")
    expect(page.locator("#p-2-1-1-a-no")).to_be_checked()
    assert not KeyQuestionAnswer.objects.exists()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your answers to 2.1 Assessment have been saved"
    )
    assert (
        KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.1.1").rationale
        == "Written with JavaScript off."
    )
    assert PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.a").value == "no"


def test_the_timeout_warning_offers_to_stay_signed_in(page, team, court_case, settings):
    page.clock.install()
    sign_in(page, team["inspector"], next_url=case_url(court_case, "standards/2.1/"))
    dialog = page.locator("#timeout-warning")
    expect(dialog).to_be_hidden()
    page.clock.fast_forward((settings.SESSION_COOKIE_AGE - 100) * 1000)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("You’re about to be signed out")
    expect(dialog.locator("[data-timeout-countdown]")).to_have_text("2 minutes")
    assert page.evaluate("document.activeElement.id") == "timeout-warning-title"
    assert axe_violations(page) == []
    with page.expect_response("**/accounts/keep-alive/") as keep_alive:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert keep_alive.value.status == 200
    expect(dialog).to_be_hidden()

    page.clock.fast_forward((settings.SESSION_COOKIE_AGE - 60) * 1000)
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")  # closing the warning also keeps the person signed in
    expect(dialog).to_be_hidden()

    page.clock.fast_forward((settings.SESSION_COOKIE_AGE + 5) * 1000)
    expect(dialog.get_by_role("heading", name="You have been signed out")).to_be_visible()
    expect(dialog.get_by_role("link", name="Sign in again")).to_have_attribute("href", re.compile("next="))


def test_two_people_on_the_same_key_question_the_second_save_is_refused_and_shows_the_first(
    new_page, team, court_case
):
    standard = case_url(court_case, "standards/2.1/")
    first, second = new_page(), new_page()
    sign_in(first, team["inspector"], next_url=standard)
    # The same inspector on a second device: only the inspector a case is allocated to writes it (issue 13).
    sign_in(second, team["inspector"], next_url=standard)

    first.locator("#kq-2-1-2-value").check()  # Yes
    wait_for_saves(first)
    second.locator("#kq-2-1-2-value-no").check()
    conflict = second.locator("[data-slug=kq-2-1-2] .app-conflict")
    expect(conflict).to_contain_text(f"{team['inspector']} changed this at")
    expect(conflict.locator("dt").first).to_have_text("Answer")
    expect(conflict.locator("dd").first).to_have_text("Yes")
    expect(second.locator("#kq-2-1-2-value")).to_be_checked()  # the page shows what is saved
    assert axe_violations(second) == []
    assert KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.1.2").value == "yes"
    conflict.get_by_role("button", name="Keep their answer").click()
    expect(conflict).to_have_count(0)

    # Text too: the second person's words stay in the box until they choose to replace the first's.
    first.locator("#kq-2-1-2-rationale").fill("First person's rationale.")
    first.locator("#kq-2-1-2-rationale").blur()
    wait_for_saves(first)
    second.locator("#kq-2-1-2-rationale").fill("Second person's rationale.")
    second.locator("#kq-2-1-2-rationale").blur()
    expect(conflict).to_contain_text("First person's rationale.")
    expect(second.locator("#kq-2-1-2-rationale")).to_have_value("Second person's rationale.")
    assert (
        KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.1.2").rationale
        == "First person's rationale."
    )
    conflict.get_by_role("button", name="Replace their answer with mine").click()
    wait_for_saves(second)
    expect(second.locator("[data-slug=kq-2-1-2] [data-status]")).to_contain_text("Saved at")
    assert (
        KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.1.2").rationale
        == "Second person's rationale."
    )


def test_a_change_made_while_a_save_is_being_answered_is_sent_with_the_new_version(page, team, court_case):
    """The answer to a save is read slowly here, as on a loaded server: a second change to the same key
    question in that moment must wait for the new version rather than be refused as stale."""
    page.add_init_script(
        "const read = Response.prototype.json;"
        "Response.prototype.json = function () {"
        "  return new Promise((done) => setTimeout(() => done(read.call(this)), 1000)); };"
    )
    sign_in(page, team["inspector"], next_url=case_url(court_case, "standards/2.1/"))
    with page.expect_response("**/autosave/"):
        page.locator("#kq-2-1-1-value").check()
    rationale = page.locator("#kq-2-1-1-rationale")
    rationale.fill("Typed while the first save was being answered.")
    rationale.blur()
    wait_for_saves(page)
    assert page.locator(".govuk-error-message").all_inner_texts() == []
    answer = KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.1.1")
    assert (answer.value, answer.rationale) == ("yes", "Typed while the first save was being answered.")


def test_a_save_the_server_fails_is_kept_and_sent_again(page, team, court_case):
    """A server error (a restart, say) loses nothing: the change is kept and sent again."""
    failures = []

    def fail_once(route):
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=503, body="Service Unavailable")
        else:
            route.continue_()

    sign_in(page, team["inspector"], next_url=case_url(court_case, "standards/2.1/"))
    page.clock.install()
    page.route("**/autosave/", fail_once)
    page.locator("#p-2-1-1-d-no").check()
    expect(page.locator("#autosave-notice")).to_contain_text("Your latest changes have not been saved yet")
    assert not PromptAnswer.objects.filter(case=court_case).exists()
    page.clock.fast_forward(20_000)
    expect(page.locator("[data-slug=p-2-1-1-d] [data-status]")).to_contain_text("Saved at")
    expect(page.locator("#autosave-notice")).to_be_hidden()
    assert PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.d").value == "no"

"""Second marking in a real browser, with and without JavaScript, every page axe clean: the lead draws a case
and names its second marker, the marker marks it blind and submits, the inspector submits the case, the lead
reconciles the disagreement side by side, and the figures show."""

import pytest

from agreement.factories import FIRST_RATIONALE, submit_first_marking
from cases.models import KeyQuestionAnswer, SecondMarking
from conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def clean(page) -> None:
    """axe finds nothing serious. axe runs in the page, so only where JavaScript is on; the run with
    JavaScript checks the same pages."""
    if page.javascript:
        assert axe_violations(page) == [], page.url


def go(page, role: str, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name).first.click()


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_choose_mark_blind_reconcile_and_see_the_figures(new_page, team, case, javascript):
    reference = team["inspection"].reference

    # The lead draws 10% (one court case: COURT-07) and names the QA inspector as its second marker.
    lead = new_page(javascript=javascript)
    lead.javascript = javascript
    sign_in(lead, team["lead"], next_url=f"/inspections/{reference}/")
    clean(lead)
    go(lead, "link", "Second marking and agreement")
    clean(lead)
    go(lead, "link", "Draw cases for second marking")
    clean(lead)
    lead.get_by_label("Seed (optional)").fill("2021")
    go(lead, "button", "Draw the cases")
    assert "1 case drawn for second marking with seed 2021." in lead.locator("main").inner_text()
    clean(lead)
    go(lead, "link", "Change the second marking of case COURT-07")
    clean(lead)
    lead.get_by_label("Second marker").select_option(label="Quinn Assurer")
    go(lead, "button", "Save the change")
    assert SecondMarking.objects.get().marker == team["marker"]

    # The second marker marks blind: the case's own pages are closed to them.
    marker = new_page(javascript=javascript)
    marker.javascript = javascript
    sign_in(marker, team["marker"], next_url=f"/inspections/{reference}/agreement/")
    clean(marker)
    go(marker, "link", "Case COURT-07")
    clean(marker)
    standards = [link.inner_text().strip() for link in marker.locator(".govuk-task-list__link").all()]
    assert standards[0].startswith("2.1")
    for title in standards:
        go(marker, "link", title)
        clean(marker)
        assert FIRST_RATIONALE not in marker.content()
        for radio in marker.locator("input[type=radio][name$='-value'][value=yes]").all():
            radio.check()
        if title.startswith("2.1"):
            marker.locator("#kq-2-1-1-value-no").check()  # the disagreement
        for box in marker.locator("textarea[name$='-rationale']").all():
            box.fill("Second marker's reading of the case.")
        go(marker, "button", "Save and continue")
    clean(marker)
    go(marker, "button", "Submit your marking")
    assert "is submitted" in marker.locator("main").inner_text()
    response = marker.goto(f"/inspections/{reference}/cases/{case.pk}/standards/2.1/")
    assert response.status == 403 and FIRST_RATIONALE not in marker.content()

    # The inspector submits the case; now the lead compares and reconciles.
    KeyQuestionAnswer.objects.filter(case=case, key_question__code="2.1.1").update(rationale=FIRST_RATIONALE)
    submit_first_marking(case)
    lead.goto(f"/inspections/{reference}/agreement/")
    go(lead, "link", "Reconcile the markings of case COURT-07")
    clean(lead)
    main = lead.locator("main").inner_text()
    assert FIRST_RATIONALE in main and "Second marker's reading of the case." in main
    go(lead, "button", "Record the agreed answers")
    assert lead.title().startswith("Error:")
    clean(lead)
    lead.locator("#kq-2-1-1-agreed-no").check()
    lead.get_by_label("Reason for the agreed answer").fill("The plan did not address the victim.")
    go(lead, "button", "Record the agreed answers")
    assert "are reconciled" in lead.locator("main").inner_text()
    assert KeyQuestionAnswer.objects.get(case=case, key_question__code="2.1.1").value == "no"

    # The figures: one case, 12 pairs, 11 the same.
    summary = lead.locator("#agreement-summary").inner_text()
    assert "1 case marked by both markers" in summary and "11 of 12 pairs" in summary
    assert "Few pairs" in lead.locator("#figures-key-questions").inner_text()
    clean(lead)

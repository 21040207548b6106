"""The ratings pages in a real browser: readable, keyboard and screen-reader friendly (axe), and working
without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from conftest import axe_violations, sign_in
from inspections.factories import TeamMembershipFactory
from inspections.models import TeamRole
from ratings.models import PanelDecision
from ratings.services import inspection_import

from .documents import cheshire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def follow(page, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link).click()


@pytest.fixture
def inspection(framework, lead_inspector, inspector, panel_member):
    inspection = inspection_import(document=cheshire(ratings_signed_off=False)).inspection
    for user, role in (
        (lead_inspector, TeamRole.LEAD),
        (inspector, TeamRole.INSPECTOR),
        (panel_member, TeamRole.PANEL),
    ):
        TeamMembershipFactory(inspection=inspection, user=user, role=role)
    return inspection


def test_the_panel_changes_a_rating_signs_off_and_reopens(page, inspection, panel_member):
    base = f"/inspections/{inspection.reference}/ratings/"
    sign_in(page, panel_member, next_url=base)
    expect(page).to_have_title("Ratings – Inspect youth justice services")
    assert page.locator("#ratings-status").inner_text().startswith("Provisional")
    assert page.locator("#overall-score").inner_text() == "26 out of 36"
    assert axe_violations(page) == []

    follow(page, "Go to the ratings panel")
    assert page.get_by_role("heading", level=1).inner_text() == "Ratings panel"
    assert axe_violations(page) == []

    follow(page, "2.2 Planning")
    assert "near a boundary" in page.locator(".govuk-summary-list").inner_text().lower()
    assert axe_violations(page) == []
    page.get_by_label("Outstanding").check()
    page.get_by_label("2.2.3: 15 of 28, 54%").check()
    page.get_by_label("The panel's rationale").fill("Much better than the figures.")
    submit(page, "Record the decision")
    expect(page).to_have_title(re.compile("^" + re.escape("Error: 2.2 Planning")))
    summary = page.locator(".govuk-error-summary")
    assert "can move by one band at most" in summary.inner_text()
    assert axe_violations(page) == []

    page.get_by_label("Inadequate").check()
    page.get_by_label("The panel's rationale").fill("Contingency planning was weak in most cases.")
    submit(page, "Record the decision")
    assert page.get_by_role("heading", level=1).inner_text() == "Ratings panel"
    assert (
        "The panel's decision on 2.2 Planning is recorded."
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert page.locator("#overall-score").inner_text() == "25 out of 36"
    assert axe_violations(page) == []

    page.goto(base)
    assert page.locator('[data-key-question="2.2.3"]').inner_text().startswith("54%*")
    assert page.get_by_text("*Professional discretion applied.").count() == 1
    assert PanelDecision.objects.get().key_question.code == "2.2.3"

    page.goto(base + "panel/sign-off/")
    assert "The ratings cannot be signed off yet" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    for standard in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4"):
        page.goto(f"{base}panel/{standard}/")
        # Confirm: the radio whose hint says it is the computed rating or the lead inspector's proposal.
        page.locator(".govuk-radios__item:has(.govuk-radios__hint) input[name=rating]").check()
        submit(page, "Record the decision")
        assert page.get_by_role("heading", level=1).inner_text() == "Ratings panel", standard
    follow(page, "Check and sign off the ratings")
    submit(page, "Sign off the ratings")
    assert page.locator("#ratings-status").inner_text().startswith("Final")
    assert axe_violations(page) == []

    page.goto(base + "panel/reopen/")
    assert axe_violations(page) == []
    submit(page, "Reopen the ratings")
    expect(page).to_have_title(re.compile("^" + re.escape("Error: Reopen the ratings")))
    page.get_by_label("Why are you reopening the ratings?").fill("A case was re-marked at quality assurance.")
    submit(page, "Reopen the ratings")
    assert "The ratings are reopened." in page.locator(".govuk-notification-banner").inner_text()


def test_the_lead_proposes_domain_one_ratings_with_evidence(page, inspection, lead_inspector):
    sign_in(page, lead_inspector, next_url=f"/inspections/{inspection.reference}/ratings/")
    follow(page, "Change the proposal for 1.2")
    assert page.get_by_role("heading", level=1).inner_text() == "1.2 Staff"
    assert axe_violations(page) == []
    submit(page, "Propose to the panel")
    expect(page).to_have_title(re.compile("^" + re.escape("Error: ")))
    assert "Give your rationale for key question 1.2.1" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    for index, code in enumerate(("1.2.1", "1.2.2", "1.2.3", "1.2.4")):
        page.locator(f"#id_kq_{code.replace('.', '_')}").fill(f"Rationale {index + 1}.")
    page.get_by_label("Requires improvement").check()
    submit(page, "Propose to the panel")
    assert (
        "Your proposed rating for 1.2 Staff is saved."
        in page.locator(".govuk-notification-banner").inner_text()
    )

    page.goto(f"/inspections/{inspection.reference}/ratings/domain-one/1.2/evidence/")
    assert axe_violations(page) == []
    page.get_by_label("Interview").check()
    page.get_by_label("Which key question does it bear on?").select_option("1.2.3")
    page.get_by_label("The evidence").fill("Two team managers described oversight of medium-risk cases.")
    submit(page, "Add the evidence")
    assert "Two team managers" in page.get_by_role("table", name="Evidence for 1.2").inner_text()
    assert axe_violations(page) == []
    follow(page, "Remove this evidence note")
    assert axe_violations(page) == []
    submit(page, "Remove the evidence note")
    assert "No evidence recorded yet." in page.locator("main").inner_text()


def test_the_pages_work_without_javascript(new_page, inspection, panel_member):
    page = new_page(javascript=False)
    sign_in(page, panel_member, next_url=f"/inspections/{inspection.reference}/ratings/panel/2.1/")
    page.get_by_label("Good", exact=True).check()
    submit(page, "Record the decision")
    assert page.get_by_role("heading", level=1).inner_text() == "Ratings panel"
    assert PanelDecision.objects.get().rating == "good"


def record_oversight(inspection, sufficient: int, insufficient: int) -> None:
    cases = [c.pk for c in inspection.cases.order_by("reference")]
    inspection.cases.update(management_oversight="", case_manager_interviewed=None)
    Case.objects.filter(pk__in=cases[:sufficient]).update(management_oversight="sufficient")
    Case.objects.filter(pk__in=cases[sufficient : sufficient + insufficient]).update(
        management_oversight="insufficient"
    )


def figure_cells(page, figure: str) -> list[str]:
    return page.locator(f'tr[data-case-figure="{figure}"] td').all_inner_texts()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_lead_proposes_on_the_case_figures_and_the_panel_sees_them(
    new_page, inspection, lead_inspector, panel_member, javascript
):
    record_oversight(inspection, 20, 10)
    base = f"/inspections/{inspection.reference}/ratings/"
    page = new_page(javascript=javascript)
    sign_in(page, lead_inspector, next_url=base + "domain-one/1.2/")
    assert page.get_by_role("heading", level=1).inner_text() == "1.2 Staff"
    table = page.get_by_role("table", name="Case-sample figures for 1.2 Staff")
    assert "Management oversight was sufficient" in table.inner_text()
    assert figure_cells(page, "management_oversight_sufficient") == ["20 of 30", "67%"]
    assert figure_cells(page, "case_manager_interviewed") == ["0 of 0", "Not enough cases"]
    if javascript:
        assert axe_violations(page) == []

    for code in ("1.2.1", "1.2.2", "1.2.3", "1.2.4"):
        page.locator(f"#id_kq_{code.replace('.', '_')}").fill(f"On {code}.")
    page.get_by_label("Requires improvement").check()
    submit(page, "Propose to the panel")
    assert (
        "Your proposed rating for 1.2 Staff is saved."
        in page.locator(".govuk-notification-banner").inner_text()
    )
    # The ratings page shows the figures the proposal was made on beside those of now.
    staff = page.locator("#standard-1\\.2")
    assert (
        "Cases when proposed"
        in staff.get_by_role("table", name="Case-sample figures for 1.2 Staff").inner_text()
    )
    if javascript:
        assert axe_violations(page) == []

    record_oversight(inspection, 18, 13)
    panel = new_page(javascript=javascript)
    sign_in(panel, panel_member, next_url=base + "panel/")
    assert "the case-sample figures have changed since" in panel.locator("#main-content").inner_text()
    follow(panel, "1.2 Staff")
    warning = panel.locator("[data-case-figures-changed]").inner_text()
    assert "The case-sample figures have changed since the proposal for 1.2 was made" in warning
    assert "20 of 30 (67%) when proposed, 18 of 31 (58%) now" in warning
    assert figure_cells(panel, "management_oversight_sufficient") == [
        "18 of 31",
        "58%",
        "20 of 30 Changed",
        "67%",
    ]
    if javascript:
        assert axe_violations(panel) == []
    panel.locator(".govuk-radios__item:has(.govuk-radios__hint) input[name=rating]").check()
    submit(panel, "Record the decision")
    assert PanelDecision.objects.get(standard__code="1.2").rating == "requires_improvement"

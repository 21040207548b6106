"""In a real browser: a lead inspector sets up an inspection, imports the population, draws the sample and
allocates it; each inspector then sees exactly their cases, and another team's inspector sees nothing."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from conftest import axe_violations, sign_in
from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import Inspection
from sampling.factories import as_csv, population_rows
from sampling.models import Draw

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELDWORK = datetime.date(2021, 7, 12)


def accessible(page):
    assert axe_violations(page) == [], page.url
    return page


def submit(page, button: str):
    """Presses a form's button and waits for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def follow(page, link: str):
    with page.expect_navigation():
        page.get_by_role("link", name=link).click()


def fill_date(page, legend, day: datetime.date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_lead_sets_up_and_allocates_and_each_inspector_sees_exactly_their_cases(
    new_page, framework, lead_inspector, make_user, tmp_path
):
    first = make_user("inspector", first_name="Ada", last_name="First")
    second = make_user("inspector", first_name="Bo", last_name="Second")
    outsider = make_user("inspector", first_name="Cy", last_name="Outside")
    TeamMembershipFactory(user=outsider)  # on another inspection's team

    page = new_page()
    sign_in(page, lead_inspector)

    # An inspected service, then the inspection.
    follow(page, "Inspected services")
    accessible(page)
    submit(page, "Add a service")
    accessible(page)
    page.get_by_label("Name of the service").fill("Northshire Youth Justice Service")
    page.get_by_label("YJS (youth justice service)").check()
    page.get_by_label("Local authorities covered").fill("Northshire\nSouthshire")
    submit(page, "Add the service")
    assert "Northshire Youth Justice Service is saved." in page.inner_text(".govuk-notification-banner")
    accessible(page)

    page.goto("/")
    submit(page, "Create an inspection")
    submit(page, "Create the inspection")
    expect(page).to_have_title(re.compile("^" + re.escape("Error: ")))
    assert "Enter a reference for the inspection" in page.inner_text(".govuk-error-summary")
    accessible(page)
    page.get_by_label("Reference").fill("north-2021")
    page.get_by_label("Inspected service").select_option(label="Northshire Youth Justice Service")
    fill_date(page, "Fieldwork starts", FIELDWORK)
    fill_date(page, "Fieldwork ends", FIELDWORK + datetime.timedelta(days=4))
    submit(page, "Create the inspection")
    assert page.get_by_role("heading", level=1).inner_text() == "Inspection NORTH-2021"
    accessible(page)
    inspection = Inspection.objects.get(reference="NORTH-2021")
    assert inspection.lead_inspector == lead_inspector

    # The team.
    follow(page, "Add the team")
    for person in (first, second):
        # The picker shows each person's email beside their name, so that two of one name can be told apart.
        page.get_by_label("Person", exact=True).select_option(label=f"{person} – {person.email} (inspector)")
        page.get_by_role("radio", name="Inspector", exact=True).check()
        submit(page, "Add to the team")
        assert f"{person} is on the team as inspector." in page.inner_text(".govuk-notification-banner")
    accessible(page)
    follow(page, "Inspection NORTH-2021")

    # The population: a file with a mistake is refused with the row, then the corrected file is imported.
    follow(page, "Import the eligible population")
    accessible(page)
    rows = population_rows(FIELDWORK, court=30, out_of_court=20)
    rows[16]["disposal_date"] = "31/02/2021"
    bad = tmp_path / "northshire.csv"
    bad.write_bytes(as_csv(rows))
    page.get_by_label("Eligible population file").set_input_files(str(bad))
    submit(page, "Import the population")
    expect(page).to_have_title(re.compile("^" + re.escape("Error: ")))
    assert "northshire.csv has 1 problem, listed in the table: nothing was imported." in page.inner_text(
        ".govuk-error-summary"
    )
    problem = page.locator("#file-problems tbody tr").all()
    assert [row.locator("td").all_inner_texts() for row in problem] == [
        ["18", "Disposal date 31/02/2021 is not a date (write dates as YYYY-MM-DD or DD/MM/YYYY)"]
    ]
    accessible(page)
    rows[16]["disposal_date"] = "2020-12-01"
    rows[3]["disposal_date"] = "2019-05-05"
    good = tmp_path / "northshire-corrected.csv"
    good.write_bytes(as_csv(rows))
    page.get_by_label("Eligible population file").set_input_files(str(good))
    submit(page, "Import the population")
    assert "50 cases imported from northshire-corrected.csv: 49 eligible, 1 left out." in page.inner_text(
        ".govuk-notification-banner"
    )
    assert "outside the window" in page.inner_text("#left-out")
    accessible(page)
    follow(page, "the column reference")
    assert page.get_by_role("heading", level=1).inner_text() == "Columns of the population file"
    accessible(page)

    # Sizes and the draw.
    page.goto(f"/inspections/{inspection.reference}/sample/")
    accessible(page)
    follow(page, "Change the settings")
    accessible(page)
    page.get_by_label("Reserve cases per stratum").fill("2")
    submit(page, "Save the settings")
    follow(page, "Change the size of the out-of-court disposal sample")
    accessible(page)
    page.get_by_label("Sample size").fill("15")
    submit(page, "Save the sample size")
    expect(page).to_have_title(re.compile("^" + re.escape("Error: ")))
    accessible(page)
    page.get_by_label("Why a different size").fill("Agreed with the head of inspection")
    submit(page, "Save the sample size")
    submit(page, "Draw the sample")
    accessible(page)
    page.get_by_label("Seed (optional)").fill("2021")
    submit(page, "Draw the sample")
    assert page.inner_text("#seed") == "2021"
    accessible(page)
    draw = Draw.objects.get()
    assert draw.seed == 2021 and draw.result["out_of_court"]["target"] == 15

    # Swap one case for a reserve.
    swapped = page.locator("#cases-court tbody tr").first.locator("th").inner_text()
    follow(page, f"Swap case {swapped}")
    accessible(page)
    page.get_by_role("radio").first.check()
    page.get_by_label("Why the case is swapped").fill("The child has moved to another area")
    submit(page, "Swap the case")
    assert re.search(
        f"Case {swapped} is replaced by reserve case", page.inner_text(".govuk-notification-banner")
    )
    assert "The child has moved to another area" in page.inner_text("#swaps")

    # Allocation: the suggestion is shown, then saved.
    follow(page, "Inspection NORTH-2021")
    follow(page, "Allocate the cases to inspectors")
    assert "This is a suggested allocation" in page.inner_text("main")
    accessible(page)
    submit(page, "Save the allocation")
    assert "The allocation is saved" in page.inner_text(".govuk-notification-banner")
    cases = Case.objects.filter(inspection=inspection)
    assert not cases.filter(inspector__isnull=True).exists()
    assert abs(cases.filter(inspector=first).count() - cases.filter(inspector=second).count()) <= 1
    follow(page, "Inspection NORTH-2021")
    assert "Completed" in page.locator("#task-allocation-status").inner_text()
    accessible(page)

    # Each inspector sees exactly their cases.
    for person in (first, second):
        inspector_page = new_page()
        sign_in(inspector_page, person)
        follow(inspector_page, "NORTH-2021")
        shown = inspector_page.locator("#your-cases tbody th").all_inner_texts()
        assert sorted(shown) == sorted(cases.filter(inspector=person).values_list("reference", flat=True))
        assert inspector_page.locator(".govuk-task-list").count() == 0
        accessible(inspector_page)

    # Another team's inspector sees none of it.
    outsider_page = new_page()
    sign_in(outsider_page, outsider)
    assert "NORTH-2021" not in outsider_page.inner_text("main")
    for path in ("", "population/", "sample/", "allocation/", "population/example.csv"):
        response = outsider_page.goto(f"/inspections/NORTH-2021/{path}")
        assert response.status == 404, path
    assert "NORTH-2021" not in outsider_page.content()


def test_the_sample_is_drawn_and_allocated_without_javascript(
    new_page, framework, lead_inspector, make_user, tmp_path
):
    inspection = InspectionFactory(lead_inspector=lead_inspector, fieldwork_start=FIELDWORK)
    inspector = make_user("inspector")
    TeamMembershipFactory(inspection=inspection, user=inspector)
    page = new_page(javascript=False)
    sign_in(page, lead_inspector)
    file = tmp_path / "cases.csv"
    file.write_bytes(as_csv(population_rows(FIELDWORK, court=10, out_of_court=6)))
    page.goto(f"/inspections/{inspection.reference}/population/")
    page.get_by_label("Eligible population file").set_input_files(str(file))
    submit(page, "Import the population")
    page.goto(f"/inspections/{inspection.reference}/sample/draw/")
    submit(page, "Draw the sample")
    seed = page.inner_text("#seed")
    assert seed == str(Draw.objects.get().seed)
    page.goto(f"/inspections/{inspection.reference}/allocation/")
    submit(page, "Save the allocation")
    assert Case.objects.filter(inspection=inspection, inspector=inspector).count() == 16

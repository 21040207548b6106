"""The sampling pages through Django's test client: what they show, who may act, bounded queries."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.factories import CaseFactory
from cases.models import Case, CaseStatus
from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import TeamRole
from sampling.factories import as_csv, as_xlsx, population_rows
from sampling.models import Draw, Population, SizeOverride
from sampling.population_file import COLUMN_NAMES, MAX_BYTES, read_population_file
from sampling.selectors import allocation_version
from sampling.services import population_import, sample_draw

pytestmark = pytest.mark.django_db

FIELDWORK = datetime.date(2021, 7, 12)


@pytest.fixture
def inspection(framework):
    return InspectionFactory(fieldwork_start=FIELDWORK, fieldwork_end=FIELDWORK + datetime.timedelta(days=4))


@pytest.fixture
def lead(client, inspection):
    client.force_login(inspection.lead_inspector)
    return client


def url(name, inspection, **kwargs):
    return reverse(f"sampling:{name}", kwargs={"reference": inspection.reference, **kwargs})


def upload(client, inspection, content, name="cases.csv"):
    return client.post(url("population", inspection), {"file": SimpleUploadedFile(name, content)})


def drawn(inspection, court=30, out_of_court=20, seed=1):
    rows = population_rows(FIELDWORK, court=court, out_of_court=out_of_court)
    population_import(inspection=inspection, file_name="cases.csv", content=as_csv(rows))
    return sample_draw(inspection=inspection, seed=seed)


def test_uploading_a_good_file_imports_it_and_shows_what_was_left_out(lead, inspection):
    rows = population_rows(FIELDWORK, court=5, out_of_court=3)
    rows[2]["disposal_date"] = "2019-01-01"
    response = upload(lead, inspection, as_xlsx(rows), name="cases.xlsx")
    assert response.status_code == 302
    page = lead.get(response.url).content.decode()
    assert "8 cases imported from cases.xlsx: 7 eligible, 1 left out." in page
    assert "Court disposal made on 1 January 2019, outside the window" in page


def test_a_bad_file_shows_every_problem_and_writes_nothing(lead, inspection):
    rows = population_rows(FIELDWORK, court=20, out_of_court=0)
    rows[15]["disposal_date"] = "31/02/2021"
    rows[3]["gender"] = "boy"
    response = upload(lead, inspection, as_csv(rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Eligible population" in page
    assert "cases.csv has 2 problems, listed in the table: nothing was imported." in page
    assert "Disposal date 31/02/2021 is not a date" in page
    assert "Gender “boy” is not one of male, female, other" in page
    assert not Population.objects.exists()


def test_a_file_over_5_mb_is_refused_by_the_form(lead, inspection):
    response = upload(lead, inspection, b"x" * (MAX_BYTES + 1))
    assert "The file is 5 MB; the largest file accepted is 5 MB" in response.content.decode()
    assert not Population.objects.exists()


def test_a_file_level_problem_is_shown_in_the_error_summary(lead, inspection):
    response = upload(lead, inspection, b"")
    assert "The file is empty" in response.content.decode()
    response = upload(lead, inspection, "é".encode("latin-1") + as_csv(population_rows(FIELDWORK, 1, 0)))
    assert "The file is not in UTF-8 encoding: row 1" in response.content.decode()
    assert not Population.objects.exists()


def test_only_the_lead_imports_draws_and_allocates(client, inspection, inspector):
    TeamMembershipFactory(inspection=inspection, user=inspector)
    client.force_login(inspector)
    content = as_csv(population_rows(FIELDWORK, 3, 3))
    response = upload(client, inspection, content)
    assert response.status_code == 403
    assert "Only the inspection&#x27;s lead inspector sets up the sample." in response.content.decode()
    assert client.post(url("draw", inspection), {"seed": "1"}).status_code == 403
    assert client.post(url("allocation", inspection), {}).status_code == 403
    assert not Population.objects.exists() and not Draw.objects.exists()


def test_the_example_file_is_a_valid_population_inside_the_windows(lead, inspection):
    response = lead.get(url("population-example", inspection))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_population_file("example.csv", response.content)
    assert len(rows) == 4
    assert next(csv.reader(io.StringIO(response.content.decode()))) == list(COLUMN_NAMES)
    population_import(inspection=inspection, file_name="example.csv", content=response.content)
    assert not Population.objects.get().cases.exclude(excluded_reason="").exists()


def test_the_draw_page_draws_with_the_seed_given_and_the_sample_page_shows_it(lead, inspection):
    population_import(
        inspection=inspection, file_name="c.csv", content=as_csv(population_rows(FIELDWORK, 30, 20))
    )
    response = lead.post(url("draw", inspection), {"seed": "424242"})
    assert response.status_code == 302
    page = lead.get(url("sample", inspection)).content.decode()
    assert '<strong id="seed">424242</strong> (given by the lead inspector)' in page
    assert "164.25 ÷ (1 + (164.25 − 1) ÷ 30) = 25.50" in page
    assert Case.objects.filter(inspection=inspection).count() == 26 + 18


def test_a_seed_that_is_not_a_number_is_refused(lead, inspection):
    population_import(
        inspection=inspection, file_name="c.csv", content=as_csv(population_rows(FIELDWORK, 3, 3))
    )
    response = lead.post(url("draw", inspection), {"seed": "abc"})
    assert "Enter the seed as a whole number, or leave it blank" in response.content.decode()
    assert not Draw.objects.exists()


def test_a_redraw_after_answers_is_refused_on_the_page_with_the_reason(lead, inspection):
    draw = drawn(inspection)
    Case.objects.filter(inspection=inspection).update(status=CaseStatus.IN_PROGRESS)
    response = lead.post(url("draw", inspection), {"seed": "5"})
    assert response.status_code == 200
    assert "The sample cannot be drawn again: inspectors have started cases" in response.content.decode()
    assert Draw.objects.get() == draw


def test_the_size_override_needs_a_reason(lead, inspection):
    drawn(inspection)
    response = lead.post(url("size", inspection, category="court"), {"size": "20", "reason": ""})
    assert "Give the reason for using a different sample size" in response.content.decode()
    assert not SizeOverride.objects.exists()
    response = lead.post(url("size", inspection, category="court"), {"size": "20", "reason": "Small service"})
    assert response.status_code == 302
    assert SizeOverride.objects.get().reason == "Small service"
    assert lead.get(url("size", inspection, category="custody")).status_code == 404


def test_the_settings_page_saves_and_refuses_an_impossible_window(lead, inspection):
    form = {
        "court_nearest_months": "6",
        "court_furthest_months": "9",
        "out_of_court_nearest_months": "5",
        "out_of_court_furthest_months": "3",
        "z": "1.2816",
        "p": "0.5",
        "margin": "0.05",
        "reserve_per_stratum": "1",
        "case_manager_cap": "",
        "version": "1",
    }
    response = lead.post(url("settings", inspection), form)
    assert (
        "The window must end at least as many months before fieldwork as it starts"
        in response.content.decode()
    )
    response = lead.post(url("settings", inspection), {**form, "out_of_court_furthest_months": "6"})
    assert response.status_code == 302
    assert inspection.sample_settings.out_of_court_furthest_months == 6
    # Version 1 again: someone else saved since.
    response = lead.post(url("settings", inspection), {**form, "out_of_court_furthest_months": "7"})
    assert "Someone else changed the sampling settings" in response.content.decode()


def test_the_swap_page_offers_the_unused_reserves_of_the_same_category(lead, inspection):
    draw = drawn(inspection)
    case = Case.objects.filter(inspection=inspection, category="out_of_court").first()
    page = lead.get(url("swap", inspection, case_id=case.pk)).content.decode()
    for reference in draw.result["out_of_court"]["reserve"]:
        assert f'value="{reference}"' in page
    for reference in draw.result["court"]["reserve"]:
        assert f'value="{reference}"' not in page
    other = InspectionFactory()
    foreign = Case.objects.create(
        inspection=other,
        reference="X1",
        gender="male",
        category="court",
        disposal_type="referral_order",
        rosh="low",
        safety_wellbeing="low",
    )
    assert lead.get(url("swap", inspection, case_id=foreign.pk)).status_code == 404


def test_the_allocation_page_saves_the_allocation_and_refuses_a_stale_one(lead, inspection, make_user):
    drawn(inspection, court=10, out_of_court=6)
    people = [make_user("inspector") for _ in range(2)]
    for person in people:
        TeamMembershipFactory(inspection=inspection, user=person, role=TeamRole.INSPECTOR)
    cases = list(Case.objects.filter(inspection=inspection).order_by("pk"))
    version = allocation_version(cases)
    form = {"version": version, **{f"case_{case.pk}": str(people[i % 2].pk) for i, case in enumerate(cases)}}
    assert lead.post(url("allocation", inspection), form).status_code == 302
    assert Case.objects.filter(inspector=people[0]).count() == len(cases) - len(cases) // 2
    response = lead.post(url("allocation", inspection), {**form, f"case_{cases[0].pk}": ""})
    assert "Someone else changed the allocation" in response.content.decode()
    assert Case.objects.get(pk=cases[0].pk).inspector == people[0]


def test_the_allocation_page_refuses_a_person_off_the_team(lead, inspection, make_user):
    drawn(inspection, court=4, out_of_court=2)
    outsider = make_user("inspector")
    cases = list(Case.objects.filter(inspection=inspection).order_by("pk"))
    form = {"version": allocation_version(cases), f"case_{cases[0].pk}": str(outsider.pk)}
    response = lead.post(url("allocation", inspection), form)
    assert f"Choose a person on the team for case {cases[0].reference}" in response.content.decode()
    assert not Case.objects.filter(inspector__isnull=False).exists()


def test_the_sample_page_runs_a_fixed_number_of_queries(lead, inspection, django_assert_max_num_queries):
    drawn(inspection, court=60, out_of_court=40)
    with django_assert_max_num_queries(16):
        assert lead.get(url("sample", inspection)).status_code == 200


@pytest.mark.parametrize(
    ("name", "queries"), [("population", 13), ("allocation", 10)]
)  # population: whether drawn, for the next step
def test_the_other_pages_run_a_fixed_number_of_queries(
    lead, inspection, name, queries, django_assert_max_num_queries
):
    drawn(inspection, court=60, out_of_court=40)
    with django_assert_max_num_queries(queries):
        assert lead.get(url(name, inspection)).status_code == 200


def test_the_inspection_page_shows_the_lead_the_set_up_steps(lead, inspection, django_assert_max_num_queries):
    drawn(inspection)
    # With every panel (the alerts, fieldwork and second-marking panels' counts included) and the stage's
    # three facts.
    with django_assert_max_num_queries(22):
        page = lead.get(
            reverse("inspections:detail", kwargs={"reference": inspection.reference})
        ).content.decode()
    assert "Set up the inspection" in page
    assert "50 cases imported, 50 eligible" in page
    assert "0 of 44 cases allocated" in page


def test_the_set_up_steps_say_the_population_and_draw_are_not_needed_for_cases_that_came_whole(
    lead, inspection
):
    detail = reverse("inspections:detail", kwargs={"reference": inspection.reference})
    page = lead.get(detail).content.decode()
    assert "Not needed" not in page  # nothing yet: the population is still to import

    # Cases written whole, as import_inspection writes them: no population, no draw.
    CaseFactory.create_batch(3, inspection=inspection, status=CaseStatus.APPROVED)
    page = lead.get(detail).content.decode()
    for task in ("population", "sample"):
        step = page.split(f'id="task-{task}-hint"', 1)[1].split("</li>", 1)[0]
        assert "The cases were imported from an inspection data file" in step
        assert "Not needed" in step and "Incomplete" not in step and "Cannot start yet" not in step
    assert url("population", inspection) not in page and url("sample", inspection) not in page
    assert "0 of 3 cases allocated" in page


def test_drawn_cases_still_show_the_population_and_draw_as_done(lead, inspection):
    drawn(inspection)
    page = lead.get(
        reverse("inspections:detail", kwargs={"reference": inspection.reference})
    ).content.decode()
    assert "Not needed" not in page
    assert f'href="{url("population", inspection)}"' in page and f'href="{url("sample", inspection)}"' in page


def test_an_inspector_sees_their_own_cases_and_not_the_sample(client, inspection, inspector):
    drawn(inspection)
    TeamMembershipFactory(inspection=inspection, user=inspector)
    mine = list(Case.objects.filter(inspection=inspection)[:3])
    Case.objects.filter(pk__in=[c.pk for c in mine]).update(inspector=inspector)
    client.force_login(inspector)
    page = client.get(
        reverse("inspections:detail", kwargs={"reference": inspection.reference})
    ).content.decode()
    assert "Your cases" in page and "Set up the inspection" not in page
    shown = {
        c.reference for c in Case.objects.filter(inspection=inspection) if f">{c.reference}</a></th>" in page
    }
    assert shown == {c.reference for c in mine}
    assert client.get(url("sample", inspection)).status_code == 403


def test_the_draw_page_sends_the_lead_to_import_the_population_first(lead, inspection):
    page = lead.get(url("draw", inspection)).content.decode()
    assert "before drawing the sample" in page and 'name="seed"' not in page


def test_the_settings_form_names_each_missing_number_in_words(lead, inspection):
    response = lead.post(url("settings", inspection), {"version": "1"})
    page = response.content.decode()
    assert "Enter the months before fieldwork that the court window starts" in page
    assert "Enter the margin of error" in page
    assert 'class="govuk-input' in page

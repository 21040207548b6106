"""The sample through its services, against the real database: import, sizes, draw, swap, allocation."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.factories import CaseFactory
from cases.models import Case, CaseStatus, KeyQuestionAnswer
from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import InspectionStatus, KeyQuestion, TeamRole
from inspections.services import ConcurrentEditError, team_member_remove
from sampling import rules
from sampling.factories import as_csv, population_rows
from sampling.models import CaseSwap, Draw, Population, PopulationCase, SizeOverride
from sampling.population_file import PopulationFileError
from sampling.selectors import draw_summary, sample_overview
from sampling.services import (
    case_swap,
    cases_allocate,
    population_import,
    sample_draw,
    sample_settings_save,
    sample_size_override,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(framework):
    return InspectionFactory(
        fieldwork_start=datetime.date(2021, 7, 12), fieldwork_end=datetime.date(2021, 7, 16)
    )


def import_rows(inspection, rows, name="cases.csv"):
    return population_import(inspection=inspection, file_name=name, content=as_csv(rows), by=None)


@pytest.fixture
def imported(inspection):
    import_rows(inspection, population_rows(inspection.fieldwork_start, court=60, out_of_court=40))
    return inspection


# Importing the population -----------------------------------------------------------------------------


def test_import_keeps_eligible_cases_and_lists_the_others_with_their_reasons(inspection):
    rows = population_rows(inspection.fieldwork_start, court=5, out_of_court=3)
    rows[0]["disposal_date"] = "2020-01-01"  # long before the court window
    rows[1]["child_id"] = rows[2]["child_id"]  # the same child twice
    rows[1]["disposal_date"] = rows[2]["disposal_date"]
    population = import_rows(inspection, rows)
    excluded = {case.reference: case for case in population.cases.exclude(excluded_reason="")}
    assert set(excluded) == {"C001", "C003"}
    assert excluded["C001"].excluded_reason.startswith(
        "court disposal made on 1 January 2020, outside the window"
    )
    assert excluded["C003"].excluded_reason == "same child as case C002"
    # Left-out cases keep no details about the child.
    assert excluded["C001"].child_id == "" and excluded["C001"].date_of_birth is None
    assert excluded["C001"].case_manager == ""
    assert population.cases.filter(excluded_reason="").count() == 6
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SAMPLING


@pytest.mark.parametrize(
    "content",
    [
        b"",
        as_csv(population_rows(datetime.date(2021, 7, 12), 3, 0), columns=("case_reference", "child_id")),
        as_csv(population_rows(datetime.date(2021, 7, 12), 3, 0)).replace(b"male", b"=cmd|' /C calc'!A0", 1),
        as_csv([{**row, "ethnicity": "Métis"} for row in population_rows(datetime.date(2021, 7, 12), 3, 0)])
        .decode()
        .encode("latin-1"),
        as_csv(
            [
                {**row, "disposal_date": "2021-13-01"}
                for row in population_rows(datetime.date(2021, 7, 12), 3, 0)
            ]
        ),
        as_csv([{**row, "rosh": "severe"} for row in population_rows(datetime.date(2021, 7, 12), 3, 0)]),
        as_csv(population_rows(datetime.date(2021, 7, 12), 3, 0)) + b" " * (5 * 1024 * 1024),
    ],
    ids=["empty", "wrong columns", "formula", "encoding", "bad date", "unknown code", "over 5 MB"],
)
def test_a_bad_file_writes_nothing_and_keeps_the_earlier_population(imported, content):
    before = list(PopulationCase.objects.values_list("pk", flat=True))
    with pytest.raises(PopulationFileError):
        population_import(inspection=imported, file_name="new.csv", content=content)
    assert list(PopulationCase.objects.values_list("pk", flat=True)) == before
    assert Population.objects.get().file_name == "cases.csv"


def test_a_bad_file_writes_nothing_on_a_new_inspection(inspection):
    rows = population_rows(inspection.fieldwork_start, 3, 0)
    rows[2]["disposal_date"] = "31/02/2021"
    with pytest.raises(PopulationFileError) as caught:
        import_rows(inspection, rows)
    assert [str(p) for p in caught.value.problems] == [
        "Row 4: disposal date 31/02/2021 is not a date (write dates as YYYY-MM-DD or DD/MM/YYYY)"
    ]
    assert not Population.objects.exists() and not PopulationCase.objects.exists()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SETUP


def test_importing_again_replaces_the_population_and_the_sample_drawn_from_it(imported):
    sample_draw(inspection=imported, seed=4)
    assert Case.objects.filter(inspection=imported).exists()
    import_rows(imported, population_rows(imported.fieldwork_start, court=10, out_of_court=5), name="v2.csv")
    assert Population.objects.get().file_name == "v2.csv"
    assert not Draw.objects.exists() and not Case.objects.filter(inspection=imported).exists()


# Sizes, settings and the draw ------------------------------------------------------------------------


def test_the_drawn_sample_has_the_computed_sizes_and_its_cases_carry_the_facts(imported):
    draw = sample_draw(inspection=imported, seed=2021)
    assert draw.seed == 2021 and draw.seed_chosen_by == "lead"
    # 60 court and 40 out-of-court eligible cases: sizes by the formula, checked against the pure rules.
    assert draw.result["court"]["target"] == rules.sample_size(60).size == 45
    assert draw.result["out_of_court"]["target"] == rules.sample_size(40).size == 33
    cases = Case.objects.filter(inspection=imported)
    assert cases.count() == 45 + 33
    case = cases.get(reference=draw.result["court"]["selected"][0])
    source = PopulationCase.objects.get(reference=case.reference)
    facts = ("child_id", "date_of_birth", "gender", "ethnicity", "disposal_type", "disposal_date", "rosh")
    assert [getattr(case, f) for f in facts] == [getattr(source, f) for f in facts]
    assert case.status == CaseStatus.NOT_STARTED and case.inspector is None


def test_redrawing_with_the_same_inputs_and_seed_gives_the_identical_sample(imported):
    first = sample_draw(inspection=imported, seed=77)
    first_cases = sorted(Case.objects.filter(inspection=imported).values_list("reference", flat=True))
    second = sample_draw(inspection=imported, seed=77)
    second_cases = sorted(Case.objects.filter(inspection=imported).values_list("reference", flat=True))
    assert second.result == first.result
    assert second_cases == first_cases
    assert draw_summary(second) == draw_summary(first)
    different = sample_draw(inspection=imported, seed=78)
    assert different.result["court"]["selected"] != first.result["court"]["selected"]


def test_the_same_file_imported_again_in_another_order_draws_the_same_sample(inspection):
    rows = population_rows(inspection.fieldwork_start, court=30, out_of_court=20)
    import_rows(inspection, rows)
    first = sample_draw(inspection=inspection, seed=5).result
    import_rows(inspection, list(reversed(rows)))
    assert sample_draw(inspection=inspection, seed=5).result == first


def test_without_a_seed_one_is_chosen_stored_and_redraws_the_same(imported):
    draw = sample_draw(inspection=imported)
    assert draw.seed_chosen_by == "app" and 100_000 <= draw.seed < 1_000_000
    assert sample_draw(inspection=imported, seed=draw.seed).result == draw.result


def test_an_override_changes_the_size_with_its_reason_recorded(imported, lead_inspector):
    override = sample_size_override(
        inspection=imported,
        category="court",
        size=30,
        reason="Agreed with the head of inspection",
        by=lead_inspector,
    )
    assert (override.size, override.recorded_by) == (30, lead_inspector)
    draw = sample_draw(inspection=imported, seed=1)
    assert draw.result["court"]["target"] == 30 and draw.result["court"]["computed_size"] == 45
    assert draw.inputs["size_overrides"] == {"court": 30}
    sample_size_override(inspection=imported, category="court", size=None, reason="", by=lead_inspector)
    assert not SizeOverride.objects.exists()


@pytest.mark.parametrize(
    ("size", "reason", "field", "message"),
    [
        (30, " ", "reason", "Give the reason for using a different sample size"),
        (61, "More", "size", "The sample size cannot be more than the 60 eligible court cases"),
    ],
)
def test_an_override_without_a_reason_or_above_the_population_is_refused(
    imported, size, reason, field, message
):
    with pytest.raises(ValidationError) as caught:
        sample_size_override(inspection=imported, category="court", size=size, reason=reason, by=None)
    assert caught.value.message_dict == {field: [message]}
    assert not SizeOverride.objects.exists()


def test_the_cap_and_the_reserve_follow_the_settings(imported):
    sample_settings_save(inspection=imported, version=1, by=None, case_manager_cap=8, reserve_per_stratum=2)
    draw = sample_draw(inspection=imported, seed=9)
    managers = list(Case.objects.filter(inspection=imported).values_list("case_manager", flat=True))
    assert max(managers.count(m) for m in set(managers)) <= 8
    assert draw.result["court"]["shortfall"] + len(draw.result["court"]["selected"]) == 45
    assert draw.result["reserve"] == draw.result["court"]["reserve"] + draw.result["out_of_court"]["reserve"]
    assert not set(draw.result["reserve"]) & set(Case.objects.values_list("reference", flat=True))


def test_settings_saved_by_someone_else_meanwhile_are_not_overwritten(imported):
    sample_settings_save(inspection=imported, version=1, by=None, reserve_per_stratum=2)
    with pytest.raises(ConcurrentEditError):
        sample_settings_save(inspection=imported, version=1, by=None, reserve_per_stratum=3)
    assert imported.sample_settings.reserve_per_stratum == 2


def test_settings_that_cannot_give_a_sample_are_refused(imported):
    with pytest.raises(ValidationError):
        sample_settings_save(inspection=imported, version=1, by=None, margin=0)


def test_changed_windows_make_the_population_stale_until_imported_again(imported):
    sample_settings_save(inspection=imported, version=1, by=None, court_furthest_months=12)
    with pytest.raises(ValidationError, match="Import the population again"):
        sample_draw(inspection=imported, seed=1)
    assert sample_overview(imported)["population_stale"]


def test_drawing_needs_a_population(inspection):
    with pytest.raises(ValidationError, match="Import the eligible population"):
        sample_draw(inspection=inspection, seed=1)


def test_a_redraw_is_refused_once_a_case_has_answers(imported):
    sample_draw(inspection=imported, seed=3)
    case = Case.objects.filter(inspection=imported).first()
    KeyQuestionAnswer.objects.create(
        case=case, key_question=KeyQuestion.objects.get(code="2.1.1"), value="yes"
    )
    before = sorted(Case.objects.values_list("reference", flat=True))
    with pytest.raises(ValidationError) as caught:
        sample_draw(inspection=imported, seed=4)
    assert "inspectors have started cases of this sample" in caught.value.messages[0]
    assert case.reference in caught.value.messages[0]
    assert sorted(Case.objects.values_list("reference", flat=True)) == before
    assert Draw.objects.count() == 1
    with pytest.raises(ValidationError, match="population cannot be replaced"):
        import_rows(imported, population_rows(imported.fieldwork_start, 5, 5))


def test_a_redraw_is_refused_once_a_case_is_in_progress(imported):
    sample_draw(inspection=imported, seed=3)
    Case.objects.filter(inspection=imported, category="court").update(status=CaseStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):
        sample_draw(inspection=imported, seed=3)


# Swapping a case for a reserve ------------------------------------------------------------------------


def test_a_case_is_swapped_for_a_reserve_with_the_reason_recorded(imported, inspector):
    TeamMembershipFactory(inspection=imported, user=inspector)
    draw = sample_draw(inspection=imported, seed=11)
    case = Case.objects.get(inspection=imported, reference=draw.result["court"]["selected"][0])
    case.inspector = inspector
    case.save()
    reserve = draw.result["court"]["reserve"][0]
    replacement = case_swap(
        inspection=imported, case=case, reserve_reference=reserve, reason="Child moved away", by=None
    )
    assert replacement.reference == reserve and replacement.inspector == inspector
    assert not Case.objects.filter(pk=case.pk).exists()
    swap = CaseSwap.objects.get()
    assert (swap.replaced_reference, swap.reserve_reference, swap.reason) == (
        case.reference,
        reserve,
        "Child moved away",
    )
    # The reserve is now used: it cannot come in twice.
    other = Case.objects.filter(inspection=imported, category="court").exclude(pk=replacement.pk).first()
    with pytest.raises(ValidationError) as caught:
        case_swap(inspection=imported, case=other, reserve_reference=reserve, reason="Again", by=None)
    assert caught.value.message_dict == {"reserve": [f"Reserve case {reserve} is already in the sample"]}


def test_a_swap_needs_a_reason_and_a_reserve_of_the_same_category(imported):
    draw = sample_draw(inspection=imported, seed=11)
    case = Case.objects.get(inspection=imported, reference=draw.result["court"]["selected"][0])
    with pytest.raises(ValidationError) as caught:
        case_swap(
            inspection=imported,
            case=case,
            reserve_reference=draw.result["out_of_court"]["reserve"][0],
            reason="",
            by=None,
        )
    assert set(caught.value.message_dict) == {"reason", "reserve"}
    assert Case.objects.filter(pk=case.pk).exists() and not CaseSwap.objects.exists()


def test_a_started_case_cannot_be_swapped(imported):
    draw = sample_draw(inspection=imported, seed=11)
    case = Case.objects.get(inspection=imported, reference=draw.result["court"]["selected"][0])
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="has been started"):
        case_swap(
            inspection=imported,
            case=case,
            reserve_reference=draw.result["court"]["reserve"][0],
            reason="x",
            by=None,
        )


def test_a_swap_keeps_to_the_cap_per_case_manager(inspection):
    rows = population_rows(inspection.fieldwork_start, court=12, out_of_court=0)
    for i, row in enumerate(rows):
        row.update(case_manager="Sam" if i < 6 else "Jo", gender="male", disposal_type="referral_order")
        row.update(rosh="low", safety_wellbeing="low")
    import_rows(inspection, rows)
    sample_settings_save(inspection=inspection, version=1, by=None, case_manager_cap=5, reserve_per_stratum=2)
    sample_size_override(inspection=inspection, category="court", size=9, reason="Small", by=None)
    draw = sample_draw(inspection=inspection, seed=1)
    # Nine cases at most five a manager: 5 + 4. Both reserves are of the manager with 4 (the other is full).
    first, second = draw.result["court"]["reserve"]
    reserve_manager = PopulationCase.objects.get(reference=first).case_manager
    assert PopulationCase.objects.get(reference=second).case_manager == reserve_manager
    others = Case.objects.filter(inspection=inspection).exclude(case_manager=reserve_manager)
    case_swap(inspection=inspection, case=others[0], reserve_reference=first, reason="x", by=None)
    # Now the reserves' manager has five cases: the second reserve would make six.
    with pytest.raises(ValidationError, match="already has 5 cases in the sample, the most allowed"):
        case_swap(inspection=inspection, case=others[0], reserve_reference=second, reason="x", by=None)


# Allocation -------------------------------------------------------------------------------------------


@pytest.fixture
def drawn(imported, make_user):
    sample_draw(inspection=imported, seed=21)
    people = [make_user("inspector") for _ in range(3)]
    for person in people:
        TeamMembershipFactory(inspection=imported, user=person, role=TeamRole.INSPECTOR)
    return imported, people


def test_the_lead_allocates_cases_to_inspectors(drawn):
    inspection, people = drawn
    cases = list(Case.objects.filter(inspection=inspection).order_by("pk"))
    from sampling.selectors import allocation_version

    version = allocation_version(cases)
    allocation = {case.pk: people[i % 3].pk for i, case in enumerate(cases)}
    assert cases_allocate(inspection=inspection, allocation=allocation, version=version) == len(cases)
    assert {p.pk: Case.objects.filter(inspector=p).count() for p in people} == {p.pk: 26 for p in people}
    # Saving with the old version (someone else saved in between) is refused and changes nothing.
    with pytest.raises(ConcurrentEditError):
        cases_allocate(inspection=inspection, allocation={cases[0].pk: None}, version=version)
    assert Case.objects.get(pk=cases[0].pk).inspector == people[0]


def test_cases_go_only_to_people_who_assess_on_this_team(drawn, make_user):
    inspection, _ = drawn
    from sampling.selectors import allocation_version

    cases = list(Case.objects.filter(inspection=inspection).order_by("pk"))
    panel = make_user("panel_member")
    TeamMembershipFactory(inspection=inspection, user=panel, role=TeamRole.PANEL)
    outsider = make_user("inspector")
    for person in (panel, outsider):
        with pytest.raises(ValidationError, match="do not assess cases"):
            cases_allocate(
                inspection=inspection, allocation={cases[0].pk: person.pk}, version=allocation_version(cases)
            )
    assert not Case.objects.filter(inspector__isnull=False).exists()


def test_a_person_with_cases_allocated_cannot_be_taken_off_the_team(drawn):
    inspection, people = drawn
    case = Case.objects.filter(inspection=inspection).first()
    case.inspector = people[0]
    case.save()
    membership = inspection.team.get(user=people[0])
    with pytest.raises(ValidationError, match="has 1 case allocated"):
        team_member_remove(inspection=inspection, membership=membership)
    assert inspection.team.filter(user=people[0]).exists()
    team_member_remove(inspection=inspection, membership=inspection.team.get(user=people[1]))
    assert not inspection.team.filter(user=people[1]).exists()


def test_the_suggestion_is_balanced_and_keeps_started_cases_with_their_inspector(drawn):
    from sampling.selectors import allocation_page

    inspection, people = drawn
    started = Case.objects.filter(inspection=inspection).first()
    Case.objects.filter(pk=started.pk).update(status=CaseStatus.IN_PROGRESS, inspector=people[2])
    page = allocation_page(inspection, suggest=True)
    assert page["is_suggestion"]
    assert page["proposed"][started.pk] == people[2].pk
    totals = [list(page["proposed"].values()).count(p.pk) for p in people]
    assert max(totals) - min(totals) <= 1
    assert sum(totals) == Case.objects.filter(inspection=inspection).count()


def test_cases_of_another_inspection_are_left_alone(drawn):
    inspection, _ = drawn
    other = CaseFactory(inspection=InspectionFactory())
    sample_draw(inspection=inspection, seed=22)
    assert Case.objects.filter(pk=other.pk).exists()

"""The case-sample figures behind domain one: counted from the case facts, kept with a proposal, compared."""

import json

import pytest
from django.core.management import call_command

from cases.factories import CaseFactory, OutOfCourtCaseFactory
from cases.models import Case, CaseStatus, Level
from inspections.factories import InspectionFactory
from ratings import services
from ratings.models import RatingsSignOff
from ratings.selectors import (
    CASE_FIGURE_KINDS,
    FINAL,
    PROVISIONAL,
    case_figure_counts,
    case_figures_record,
    inspection_ratings_get,
    inspection_ratings_json,
)

from .documents import cheshire

pytestmark = pytest.mark.django_db

STAFF_FIGURES = [
    "rosh_classification_reasonable",
    "safety_wellbeing_classification_reasonable",
    "inspector_rosh_agrees",
    "management_oversight_sufficient",
    "management_oversight_sufficient_low",
    "management_oversight_sufficient_medium",
    "management_oversight_sufficient_high",
    "case_manager_interviewed",
]


NOTHING_RECORDED = {
    "rosh_reasonable": "",
    "safety_wellbeing_reasonable": "",
    "inspector_rosh": "",
    "management_oversight": "",
    "case_manager_interviewed": None,
}


def approved(inspection, count=1, *, factory=CaseFactory, status=CaseStatus.APPROVED, **facts):
    return factory.create_batch(count, inspection=inspection, status=status, **facts)


def staff(inspection, figures=PROVISIONAL):
    """The figures of standard 1.2 as the ratings pages build them: {id: (yes, applicable, percent)}."""
    standard = inspection_ratings_get(inspection, figures=figures).standard("1.2")
    return {f.id: (f.yes, f.applicable, f.percent) for f in standard.case_figures}


def test_each_figure_counts_only_the_cases_where_it_was_recorded(framework):
    inspection = InspectionFactory()
    approved(inspection, 2, management_oversight="sufficient", rosh=Level.MEDIUM)
    approved(inspection, management_oversight="sufficient", rosh=Level.VERY_HIGH)
    approved(inspection, management_oversight="insufficient", rosh=Level.MEDIUM)
    approved(inspection, management_oversight="na", rosh=Level.LOW)  # not applicable: not counted
    approved(
        inspection, factory=OutOfCourtCaseFactory, management_oversight="", rosh=Level.HIGH
    )  # not recorded
    approved(inspection, rosh_reasonable="yes", safety_wellbeing_reasonable="no")
    approved(inspection, rosh_reasonable="no", safety_wellbeing_reasonable="no")
    approved(inspection, rosh=Level.HIGH, inspector_rosh=Level.HIGH, case_manager_interviewed=True)
    approved(inspection, rosh=Level.HIGH, inspector_rosh=Level.MEDIUM, case_manager_interviewed=False)

    assert staff(inspection) == {
        "rosh_classification_reasonable": (1, 2, 50),
        "safety_wellbeing_classification_reasonable": (0, 2, 0),
        "inspector_rosh_agrees": (1, 2, 50),
        "management_oversight_sufficient": (3, 4, 75),
        "management_oversight_sufficient_low": (0, 0, None),
        "management_oversight_sufficient_medium": (2, 3, 67),
        "management_oversight_sufficient_high": (1, 1, 100),
        "case_manager_interviewed": (1, 2, 50),
    }


def test_percentages_round_half_up_as_the_key_questions_do(framework):
    inspection = InspectionFactory()
    # 5 of 8 is 62.5 per cent and 1 of 8 is 12.5: both round up, never to the even number.
    approved(inspection, 5, management_oversight="sufficient", rosh_reasonable="no")
    approved(inspection, 3, management_oversight="insufficient", rosh_reasonable="no")
    Case.objects.filter(pk=Case.objects.filter(inspection=inspection).first().pk).update(
        rosh_reasonable="yes"
    )
    figures = staff(inspection)
    assert figures["management_oversight_sufficient"] == (5, 8, 63)
    assert figures["rosh_classification_reasonable"] == (1, 8, 13)


def test_no_case_recorded_means_no_percentage(framework):
    inspection = InspectionFactory()
    assert set(staff(inspection).values()) == {(0, 0, None)}
    approved(inspection, 3)  # cases, but nothing recorded on them
    assert set(staff(inspection).values()) == {(0, 0, None)}


def test_provisional_figures_count_submitted_and_approved_cases_final_only_approved(framework):
    inspection = InspectionFactory()
    approved(inspection, 2, management_oversight="sufficient")
    approved(inspection, 1, status=CaseStatus.SUBMITTED, management_oversight="insufficient")
    approved(inspection, 1, status=CaseStatus.IN_PROGRESS, management_oversight="insufficient")
    approved(inspection, 1, status=CaseStatus.RETURNED, management_oversight="insufficient")
    assert staff(inspection, PROVISIONAL)["management_oversight_sufficient"] == (2, 3, 67)
    assert staff(inspection, FINAL)["management_oversight_sufficient"] == (2, 2, 100)


def test_the_figures_cost_one_query_and_bear_on_the_standards_they_name(framework, django_assert_num_queries):
    inspection = InspectionFactory()
    approved(inspection, 4, management_oversight="sufficient")
    with django_assert_num_queries(1):
        counts = case_figure_counts(inspection)
    assert counts["management_oversight_sufficient"] == (4, 4)
    ratings = inspection_ratings_get(inspection)
    assert [f.id for f in ratings.standard("1.2").case_figures] == STAFF_FIGURES
    assert [kind.key_question for kind in CASE_FIGURE_KINDS] == [
        "1.2.2",
        "1.2.2",
        "1.2.2",
        "1.2.3",
        "1.2.3",
        "1.2.3",
        "1.2.3",
        None,
    ]
    for code in ("1.1", "1.3", "1.4", "2.1"):
        assert ratings.standard(code).case_figures == ()


# --- Kept with the proposal ---------------------------------------------------------------------------------


@pytest.fixture
def open_cheshire(framework):
    inspection = services.inspection_import(document=cheshire(ratings_signed_off=False)).inspection
    inspection.cases.update(**NOTHING_RECORDED)
    cases = list(inspection.cases.order_by("reference"))
    Case.objects.filter(pk__in=[c.pk for c in cases[:20]]).update(management_oversight="sufficient")
    Case.objects.filter(pk__in=[c.pk for c in cases[20:30]]).update(management_oversight="insufficient")
    return inspection


def propose(inspection, lead, standard="1.2", rating="requires_improvement"):
    codes = {"1.1": 3, "1.2": 4, "1.3": 3, "1.4": 4}[standard]
    return services.domain_one_proposal_save(
        inspection=inspection,
        standard_code=standard,
        rating=rating,
        rationale="Oversight of medium-risk cases is weak.",
        key_question_rationales={f"{standard}.{n}": "Seen." for n in range(1, codes + 1)},
        proposed_by=lead,
    )


def test_a_proposal_keeps_its_figures_and_the_panel_is_told_when_they_change(
    open_cheshire, lead_inspector, panel_member
):
    proposal = propose(open_cheshire, lead_inspector)
    assert proposal.case_figures["figures"] == "provisional"
    assert proposal.case_figures["cases"] == 57
    assert proposal.case_figures["counts"]["management_oversight_sufficient"] == [20, 30]
    assert list(proposal.case_figures["counts"]) == STAFF_FIGURES
    assert case_figures_record(open_cheshire, "1.2") == proposal.case_figures

    staff_now = inspection_ratings_get(open_cheshire, figures=FINAL).standard("1.2")
    assert staff_now.case_figures_changed == ()
    services.panel_decision_record(
        inspection=open_cheshire,
        standard_code="1.2",
        rating="requires_improvement",
        key_question_code=None,
        rationale="",
        decided_by=panel_member,
    )

    # Two more cases found oversight wanting, and one case sufficient goes back to its inspector.
    cases = list(open_cheshire.cases.order_by("reference"))
    Case.objects.filter(pk__in=[cases[30].pk, cases[31].pk]).update(management_oversight="insufficient")
    Case.objects.filter(pk=cases[0].pk).update(status=CaseStatus.RETURNED)

    staff_now = inspection_ratings_get(open_cheshire, figures=FINAL).standard("1.2")
    changed = {row.now.id: (row.proposed.counts, row.now.counts) for row in staff_now.case_figures_changed}
    assert changed["management_oversight_sufficient"] == ((20, 30), (19, 31))
    # What the proposal was made on is kept as it was; the panel's decision on the proposal still stands.
    proposal.refresh_from_db()
    assert proposal.case_figures["counts"]["management_oversight_sufficient"] == [20, 30]
    assert staff_now.decision_applies and staff_now.rating == "requires_improvement"

    # Saving the proposal again keeps the figures of then.
    kept = propose(open_cheshire, lead_inspector).case_figures
    assert (kept["cases"], kept["counts"]["management_oversight_sufficient"]) == (56, [19, 31])


def test_an_imported_proposal_kept_no_figures_and_is_never_shown_as_changed(open_cheshire):
    staff_now = inspection_ratings_get(open_cheshire).standard("1.2")
    assert staff_now.proposal is not None and staff_now.proposed_on is None
    assert all(row.proposed is None for row in staff_now.case_figure_rows)
    assert staff_now.case_figures_changed == ()


# --- The ratings document --------------------------------------------------------------------------------------


def test_inspection_ratings_json_gives_domain_one_its_case_figures(open_cheshire, capsys):
    call_command("inspection_ratings", open_cheshire.reference, "--json")
    output = json.loads(capsys.readouterr().out)
    standards = {s["id"]: s for s in output["standards"]}
    staff_json = standards["1.2"]
    assert list(staff_json) == [
        "id",
        "title",
        "computed_rating",
        "rating",
        "triggers",
        "discretion_applied",
        "discretion_key_question",
        "key_questions",
        "case_figures",
    ]
    assert staff_json["case_figures"][3] == {
        "id": "management_oversight_sufficient",
        "key_question": "1.2.3",
        "yes": 20,
        "applicable": 30,
        "percent": 67,
    }
    interviews = staff_json["case_figures"][7]
    assert (interviews["id"], interviews["applicable"], interviews["percent"]) == (
        "case_manager_interviewed",
        0,
        None,
    )
    assert standards["1.1"]["case_figures"] == []
    assert "case_figures" not in standards["2.2"]  # case-based standards keep their documented shape


def test_sign_off_locks_the_case_figures_and_older_sign_offs_have_none(open_cheshire, panel_member):
    for standard in inspection_ratings_get(open_cheshire, figures=FINAL).standards:
        services.panel_decision_record(
            inspection=open_cheshire,
            standard_code=standard.id,
            rating=standard.base_rating,
            key_question_code=None,
            rationale="",
            decided_by=panel_member,
        )
    services.ratings_sign_off(inspection=open_cheshire, signed_off_by=panel_member)
    locked = inspection_ratings_json(open_cheshire)
    Case.objects.filter(inspection=open_cheshire).update(management_oversight="insufficient")
    assert inspection_ratings_json(open_cheshire) == locked
    assert inspection_ratings_get(open_cheshire).standard("1.2").case_figures[3].counts == (20, 30)

    # A sign-off stored before the figures were kept: the document and the pages leave them out.
    sign_off = RatingsSignOff.objects.get(inspection=open_cheshire)
    for standard in sign_off.snapshot["ratings"]["standards"]:
        standard.pop("case_figures", None)
    sign_off.save()
    assert "case_figures" not in inspection_ratings_json(open_cheshire)["standards"][1]
    assert inspection_ratings_get(open_cheshire).standard("1.2").case_figures == ()

"""Second marking's writes: the draw and the choice of cases and markers, the blind marking, and reconciliation
with history, refused after the ratings are signed off or the inspection is published."""

import pghistory.models
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreement import services
from agreement.factories import FIRST_RATIONALE, mark_case, submit_first_marking
from agreement.models import SecondMarkingDraw
from agreement.selectors import agreement_json, inspection_figures, marking_get
from cases.blinding import is_revealed
from cases.factories import CaseFactory, OutOfCourtCaseFactory
from cases.models import KeyQuestionAnswer, KeyQuestionAnswerEvent, PromptAnswer, SecondMarking
from cases.selectors import case_history
from inspections.models import Inspection
from ratings.models import RatingsSignOff

pytestmark = pytest.mark.django_db


def answer(case, code):
    return KeyQuestionAnswer.objects.get(case=case, key_question__code=code)


# --- choosing ------------------------------------------------------------------------------------------


def test_the_draw_takes_ten_per_cent_of_each_category_and_suggests_markers_who_are_not_the_inspector(team):
    inspection = team["inspection"]
    for i in range(20):
        CaseFactory(inspection=inspection, inspector=team["marker"] if i % 2 else team["inspector"])
    for _ in range(4):
        OutOfCourtCaseFactory(inspection=inspection, inspector=team["other"])
    draw = services.second_marking_draw(inspection=inspection, user=team["lead"], percent=10, seed=7)
    assert [(w["category"], w["cases"], w["size"]) for w in draw.working] == [
        ("court", 21, 3),
        ("out_of_court", 4, 1),
    ]
    markings = list(SecondMarking.objects.select_related("case"))
    assert len(markings) == 4 and all(m.drawn for m in markings)
    assert all(m.marker_id and m.marker_id != m.case.inspector_id for m in markings)
    chosen = sorted(m.case.reference for m in markings)
    # The same seed draws the same cases again.
    services.second_marking_draw(inspection=inspection, user=team["lead"], percent=10, seed=7)
    assert sorted(SecondMarking.objects.values_list("case__reference", flat=True)) == chosen
    assert SecondMarkingDraw.objects.get().seed == 7


def test_the_draw_is_refused_once_a_marking_has_started_and_to_anyone_but_the_lead(team, marking):
    with pytest.raises(PermissionDenied):
        services.second_marking_draw(inspection=team["inspection"], user=team["inspector"], percent=10)
    mark_case(marking)
    with pytest.raises(ValidationError, match="has started"):
        services.second_marking_draw(inspection=team["inspection"], user=team["lead"], percent=10)


def test_the_second_marker_is_never_the_case_s_own_inspector_nor_the_lead(team, case):
    for marker, words in [
        (team["inspector"], "is the inspector of case COURT-07"),
        (team["lead"], "is not an inspector or quality assurance inspector"),
        (team["panel"], "is not an inspector or quality assurance inspector"),
    ]:
        with pytest.raises(ValidationError, match=words):
            services.second_marking_add(
                inspection=team["inspection"], user=team["lead"], case_id=case.pk, marker=marker
            )
    assert not SecondMarking.objects.exists()
    services.second_marking_add(
        inspection=team["inspection"], user=team["lead"], case_id=case.pk, marker=team["other"]
    )
    with pytest.raises(ValidationError, match="already chosen"):
        services.second_marking_add(
            inspection=team["inspection"], user=team["lead"], case_id=case.pk, marker=None
        )


def test_a_marking_is_swapped_or_its_marker_changed_until_it_starts_and_never_from_a_stale_page(
    team, marking
):
    other_case = CaseFactory(inspection=team["inspection"], inspector=team["other"])
    with pytest.raises(ValidationError, match="after you opened the page"):
        services.second_marking_change(
            inspection=team["inspection"],
            user=team["lead"],
            case_id=marking.case_id,
            version=0,
            marker=team["marker"],
        )
    changed = services.second_marking_change(
        inspection=team["inspection"],
        user=team["lead"],
        case_id=marking.case_id,
        version=1,
        marker=team["marker"],
        new_case_id=other_case.pk,
    )
    assert (changed.case_id, changed.version) == (other_case.pk, 2)
    mark_case(changed)
    with pytest.raises(ValidationError, match="has started marking"):
        services.second_marking_change(
            inspection=team["inspection"],
            user=team["lead"],
            case_id=other_case.pk,
            version=2,
            marker=team["other"],
        )


# --- marking -------------------------------------------------------------------------------------------


def test_only_the_second_marker_marks_and_not_applicable_carries_to_the_prompts(team, marking):
    inspection = team["inspection"]
    for user in (team["inspector"], team["lead"], team["other"]):
        with pytest.raises(PermissionDenied):
            services.second_marking_answers_save(
                inspection=inspection, case_id=marking.case_id, user=user, standard="2.1", answers={}
            )
    services.second_marking_answers_save(
        inspection=inspection,
        case_id=marking.case_id,
        user=team["marker"],
        standard="2.3",
        answers={"2.3.1": {"value": "na", "rationale": "No plan was due."}},
    )
    prompts = dict(marking.answers.filter(code__startswith="2.3.1.").values_list("code", "value"))
    assert prompts and set(prompts.values()) == {"na"}
    with pytest.raises(ValidationError) as refused:
        services.second_marking_answers_save(
            inspection=inspection,
            case_id=marking.case_id,
            user=team["marker"],
            standard="2.1",
            answers={"2.1.1": {"value": "maybe"}, "9.9.9": {"value": "yes"}},
        )
    assert set(refused.value.message_dict) == {"2.1.1", "9.9.9"}


def test_submitting_needs_every_key_question_with_its_rationale_and_reveals_only_with_the_case(
    team, case, marking
):
    with pytest.raises(ValidationError) as refused:
        services.second_marking_submit(inspection=team["inspection"], case_id=case.pk, user=team["marker"])
    assert "Give your judgement on key question 2.1.1." in refused.value.messages
    mark_case(marking)
    services.second_marking_submit(inspection=team["inspection"], case_id=case.pk, user=team["marker"])
    marking = marking_get(team["inspection"], case.pk)
    assert marking.submitted_at and not is_revealed(marking)  # the case is still in progress
    with pytest.raises(PermissionDenied, match="submitted your second marking"):
        services.second_marking_answers_save(
            inspection=team["inspection"], case_id=case.pk, user=team["marker"], standard="2.1", answers={}
        )
    submit_first_marking(case)
    assert is_revealed(marking_get(team["inspection"], case.pk))


# --- reconciliation ------------------------------------------------------------------------------------


@pytest.fixture
def revealed(team, case, marking):
    """Both markers have submitted; they disagree on 2.1.1 (yes, no) and 2.2.1 (yes, no)."""
    mark_case(marking, overrides={"2.1.1": "no", "2.2.1": "no"})
    services.second_marking_submit(inspection=team["inspection"], case_id=case.pk, user=team["marker"])
    submit_first_marking(case)
    return marking


def test_reconciliation_changes_the_case_s_answer_with_history_and_keeps_the_figures_honest(
    team, case, revealed
):
    before = agreement_json(team["inspection"])
    # One pair, yes and no: p_o = 0, kappa p_e = 0 (kappa 0), AC1 p_e = (0.25 + 0.25) / 2 (AC1 -1/3).
    assert before["key_questions"]["2.1.1"] == {"pairs": 1, "agreement": 0.0, "kappa": 0.0, "ac1": -0.3333}
    with pytest.raises(ValidationError) as refused:
        services.second_marking_reconcile(
            inspection=team["inspection"], case_id=case.pk, user=team["lead"], agreed={"2.1.1": ("no", "")}
        )
    assert refused.value.message_dict == {
        "2.1.1": ["Give the reason for the agreed answer to 2.1.1"],
        "2.2.1": ["Choose the agreed answer to 2.2.1"],
    }
    assert answer(case, "2.1.1").value == "yes"  # nothing written
    for user in (team["inspector"], team["marker"], team["panel"]):
        with pytest.raises(PermissionDenied):
            services.second_marking_reconcile(
                inspection=team["inspection"], case_id=case.pk, user=user, agreed={}
            )
    version = answer(case, "2.1.1").version
    services.second_marking_reconcile(
        inspection=team["inspection"],
        case_id=case.pk,
        user=team["lead"],
        agreed={
            "2.1.1": ("no", "The plan did not address the victim."),
            "2.2.1": ("yes", "The inspector is right."),
        },
    )
    changed = answer(case, "2.1.1")
    assert (changed.value, changed.version, changed.updated_by) == ("no", version + 1, team["lead"])
    assert answer(case, "2.2.1").value == "yes"  # agreed with the inspector: unchanged
    event = KeyQuestionAnswerEvent.objects.filter(pgh_obj=changed).order_by("-pgh_id").first()
    context = pghistory.models.Context.objects.get(pk=event.pgh_context_id).metadata
    assert context["reconciliation"] is True and context["reason"] == "The plan did not address the victim."
    assert context["user"] == team["lead"].pk
    # The figures still compare the markings as given: the first marker said yes.
    assert agreement_json(team["inspection"]) == before
    recorded = revealed.answers.get(code="2.1.1")
    assert (recorded.first_value, recorded.first_rationale, recorded.agreed_value) == (
        "yes",
        FIRST_RATIONALE,
        "no",
    )
    with pytest.raises(ValidationError, match="reconciled already"):
        services.second_marking_reconcile(
            inspection=team["inspection"], case_id=case.pk, user=team["lead"], agreed={}
        )


def test_the_case_s_history_marks_the_change_as_made_at_reconciliation(team, case, revealed):
    services.second_marking_reconcile(
        inspection=team["inspection"],
        case_id=case.pk,
        user=team["lead"],
        agreed={"2.1.1": ("no", "Agreed with the second marker."), "2.2.1": ("yes", "Kept.")},
    )
    changes = case_history(case)
    row = next(c for c in changes if c.what == "Key question 2.1.1: judgement" and c.new == "No")
    assert (row.who, row.old) == ("Lee Dean, at reconciliation: Agreed with the second marker.", "Yes")


def test_reconciliation_is_refused_once_the_ratings_are_signed_off_until_they_are_reopened(
    team, case, revealed
):
    sign_off = RatingsSignOff.objects.create(
        inspection=team["inspection"], snapshot={}, signed_off_by=team["panel"]
    )
    agreed = {"2.1.1": ("no", "Reason."), "2.2.1": ("no", "Reason.")}
    with pytest.raises(PermissionDenied, match="Reopen the ratings first"):
        services.second_marking_reconcile(
            inspection=team["inspection"], case_id=case.pk, user=team["lead"], agreed=agreed
        )
    assert answer(case, "2.1.1").value == "yes"
    sign_off.reopened_at = timezone.now()
    sign_off.save()
    services.second_marking_reconcile(
        inspection=team["inspection"], case_id=case.pk, user=team["lead"], agreed=agreed
    )
    assert answer(case, "2.1.1").value == "no"


def test_reconciliation_is_refused_once_published(team, case, revealed):
    Inspection.objects.filter(pk=team["inspection"].pk).update(published_at=timezone.now())
    with pytest.raises(PermissionDenied, match="can no longer be changed"):
        services.second_marking_reconcile(
            inspection=team["inspection"],
            case_id=case.pk,
            user=team["lead"],
            agreed={"2.1.1": ("no", "Reason."), "2.2.1": ("no", "Reason.")},
        )
    assert answer(case, "2.1.1").value == "yes"
    assert not PromptAnswer.objects.filter(case=case, updated_by=team["lead"]).exists()


def test_the_inspection_s_figures_name_the_pair_of_inspectors_and_the_sensitivity(team, case, revealed):
    figures = inspection_figures(team["inspection"])
    assert figures.cases == 1 and len(figures.disagreements) == 2
    assert [row.label for row in figures.inspector_pairs] == ["Ines Pector and Quinn Assurer"]
    assert any(item.standard == "2.1" for item in figures.sensitivity)


def test_the_autosave_never_shows_a_blind_qa_marker_the_inspector_s_answer(client, team, case, marking):
    # The second marker is a QA inspector: a save from nowhere would meet the inspector's answer. Only the
    # allocated inspector writes a case's answers, so it is refused, and the refusal shows nothing of it.
    client.force_login(team["marker"])
    address = f"/inspections/{team['inspection'].reference}/cases/{case.pk}/autosave/"
    change = {"kind": "key_question", "code": "2.1.1", "version": 0, "fields": {"value": "no"}}
    response = client.post(address, change, content_type="application/json")
    assert response.status_code == 403 and FIRST_RATIONALE not in response.content.decode()
    assert answer(case, "2.1.1").value == "yes"
    client.force_login(team["inspector"])  # the case's own inspector, on a stale page, sees the conflict
    assert client.post(address, change, content_type="application/json").status_code == 409

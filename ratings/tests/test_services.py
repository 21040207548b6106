"""Panel decisions, sign-off and reopening, and domain-one proposals (docs/rules.md section 4)."""

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case, CaseStatus, KeyQuestionAnswer
from ratings import services
from ratings.models import DomainOneDraft, DomainOneProposal, EvidenceNote, PanelDecision, RatingsSignOff
from ratings.selectors import FINAL, changes_since_sign_off, inspection_ratings_get, inspection_ratings_json

from .documents import cheshire, with_domain_one, with_yes

pytestmark = pytest.mark.django_db


def errors_of(call, **kwargs) -> dict[str, list[str]] | list[str]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


@pytest.fixture
def open_cheshire(framework):
    """Cheshire with its ratings not signed off, and domain one set so that the overall score is 19: the lowest
    'Good'. (Cheshire's case-based standards score 17.)"""
    document = with_domain_one(
        cheshire(ratings_signed_off=False),
        **{
            "1.1": "requires_improvement",
            "1.2": "requires_improvement",
            "1.3": "inadequate",
            "1.4": "inadequate",
        },
    )
    return services.inspection_import(document=document).inspection


def decide(inspection, user, standard, rating, key_question=None, rationale="", version=None):
    return services.panel_decision_record(
        inspection=inspection,
        standard_code=standard,
        rating=rating,
        key_question_code=key_question,
        rationale=rationale,
        decided_by=user,
        version=version,
    )


def test_a_change_by_one_band_on_a_trigger_changes_rating_score_and_overall_band(open_cheshire, panel_member):
    before = inspection_ratings_get(open_cheshire)
    assert (before.overall.score, before.overall.rating) == (19, "good")
    planning = before.standard("2.2")
    assert planning.computed_rating == "requires_improvement"
    assert planning.result.trigger_kinds == ("near_boundary",)

    decision = decide(
        open_cheshire,
        panel_member,
        "2.2",
        "inadequate",
        "2.2.3",
        "Contingency planning was weak in most cases.",
    )

    after = inspection_ratings_get(open_cheshire)
    planning = after.standard("2.2")
    assert planning.rating == "inadequate"
    assert planning.computed_rating == "requires_improvement"
    assert planning.discretion_applied and planning.discretion_key_question == "2.2.3"
    assert [kq.id for kq in planning.key_questions if kq.asterisk] == ["2.2.3"]
    assert (after.overall.score, after.overall.rating) == (18, "requires_improvement")
    assert decision.decided_by == panel_member
    assert decision.basis["computed_rating"] == "requires_improvement"
    standard_json = next(s for s in inspection_ratings_json(open_cheshire)["standards"] if s["id"] == "2.2")
    assert standard_json["rating"] == "inadequate"
    assert standard_json["discretion_applied"] is True
    assert standard_json["discretion_key_question"] == "2.2.3"


def test_a_change_without_a_trigger_is_refused(framework, panel_member):
    # 2.1 at 25, 25 and 24 of 34: lowest 71%, not near a boundary, and one case changes nothing.
    inspection = services.inspection_import(
        document=with_yes(cheshire(ratings_signed_off=False), "2.1.2", 25)
    ).inspection
    assert inspection_ratings_get(inspection).standard("2.1").triggers == ()
    assert errors_of(
        decide,
        inspection=inspection,
        user=panel_member,
        standard="2.1",
        rating="outstanding",
        key_question="2.1.3",
        rationale="Strong practice.",
    ) == {"rating": ["No discretion trigger holds for 2.1, so its computed rating 'Good' cannot be changed."]}
    assert not PanelDecision.objects.exists()


def test_a_change_of_two_bands_is_refused(open_cheshire, panel_member):
    assert errors_of(
        decide,
        inspection=open_cheshire,
        user=panel_member,
        standard="2.2",
        rating="outstanding",
        key_question="2.2.3",
        rationale="Much better than the figures.",
    ) == {
        "rating": [
            "The rating of 2.2 can move by one band at most: from 'Requires improvement' to 'Inadequate' or "
            "'Good', not 'Outstanding'."
        ]
    }
    assert not PanelDecision.objects.exists()


def test_a_change_names_its_key_question_and_gives_reasons(open_cheshire, panel_member):
    assert errors_of(
        decide, inspection=open_cheshire, user=panel_member, standard="2.2", rating="inadequate"
    ) == {
        "key_question": [
            "A change of rating must name the key question of 2.2 that carries the asterisk: 2.2.1, 2.2.2 or 2.2.3."
        ],
        "rationale": ["Give the panel's reasons for rating 2.2 'Inadequate'."],
    }
    assert errors_of(
        decide,
        inspection=open_cheshire,
        user=panel_member,
        standard="2.2",
        rating="requires_improvement",
        key_question="2.2.3",
    ) == {
        "key_question": [
            "Confirming the computed rating puts no asterisk on a key question: leave the key question empty."
        ]
    }


def test_confirming_needs_no_rationale(open_cheshire, panel_member):
    decide(open_cheshire, panel_member, "2.2", "requires_improvement")
    planning = inspection_ratings_get(open_cheshire).standard("2.2")
    assert planning.decision_applies and planning.rating == "requires_improvement"
    assert not planning.discretion_applied


def test_domain_one_decisions_confirm_or_change_the_proposal(open_cheshire, panel_member):
    assert errors_of(decide, inspection=open_cheshire, user=panel_member, standard="1.3", rating="good") == {
        "rationale": ["Give the panel's reasons for rating 1.3 'Good'."]
    }
    decide(open_cheshire, panel_member, "1.3", "good", rationale="The services are better than proposed.")
    ratings = inspection_ratings_get(open_cheshire)
    assert ratings.standard("1.3").rating == "good"
    assert not ratings.standard("1.3").discretion_applied
    assert ratings.overall.score == 21


def test_a_decision_no_longer_counts_once_its_figures_change(open_cheshire, panel_member):
    decide(open_cheshire, panel_member, "2.2", "inadequate", "2.2.3", "Weak contingency planning.")
    answer = KeyQuestionAnswer.objects.filter(
        case__inspection=open_cheshire, key_question__code="2.2.3", value="no"
    ).first()
    answer.value = "yes"
    answer.save()
    planning = inspection_ratings_get(open_cheshire).standard("2.2")
    assert planning.decision_out_of_date
    assert planning.rating == "requires_improvement"  # the computed rating, 16 of 28 = 57%
    assert not planning.discretion_applied


def test_concurrent_edits_do_not_overwrite_each_other(open_cheshire, panel_member, make_user):
    first = decide(open_cheshire, panel_member, "2.2", "requires_improvement")
    decide(
        open_cheshire, make_user("panel_member"), "2.2", "inadequate", "2.2.3", "Weak.", version=first.version
    )
    assert errors_of(
        decide,
        inspection=open_cheshire,
        user=panel_member,
        standard="2.2",
        rating="good",
        key_question="2.2.3",
        rationale="Better.",
        version=first.version,
    ) == {"__all__": [services.CHANGED_BY_SOMEONE_ELSE]}
    assert PanelDecision.objects.get().rating == "inadequate"


# --- Sign-off ------------------------------------------------------------------------------------------------


def decide_all(inspection, user):
    for standard in inspection_ratings_get(inspection, figures=FINAL).standards:
        decide(inspection, user, standard.id, standard.base_rating)


def test_sign_off_needs_a_decision_on_every_standard_and_approved_cases(open_cheshire, panel_member):
    Case.objects.filter(reference="CH-C03").update(status=CaseStatus.SUBMITTED)
    problems = errors_of(services.ratings_sign_off, inspection=open_cheshire, signed_off_by=panel_member)
    assert problems[0] == (
        "1 of the 57 cases is not approved yet: the ratings can be signed off only on approved case assessments."
    )
    assert "2.2 Planning has no panel decision: confirm or change its rating." in problems
    assert len(problems) == 13
    assert not RatingsSignOff.objects.exists()


def test_sign_off_locks_the_ratings_and_reopening_is_recorded(open_cheshire, panel_member, lead_inspector):
    decide_all(open_cheshire, panel_member)
    decide(open_cheshire, panel_member, "2.2", "inadequate", "2.2.3", "Weak contingency planning.")
    sign_off = services.ratings_sign_off(inspection=open_cheshire, signed_off_by=panel_member)
    assert sign_off.snapshot["ratings"]["status"] == "final"
    assert sign_off.snapshot["ratings"]["overall"] == {
        "score": 18,
        "max_score": 36,
        "rating": "requires_improvement",
    }
    assert inspection_ratings_json(open_cheshire)["status"] == "final"

    locked = "The ratings of CHESHIRE-2021 are signed off, so you cannot {}. A ratings panel member must reopen them first."
    assert errors_of(decide, inspection=open_cheshire, user=panel_member, standard="2.1", rating="good") == [
        locked.format("change a decision")
    ]
    assert errors_of(
        services.domain_one_proposal_save,
        inspection=open_cheshire,
        standard_code="1.1",
        rating="good",
        rationale="x",
        key_question_rationales={},
        proposed_by=lead_inspector,
    ) == [locked.format("change a proposed rating")]
    assert errors_of(services.ratings_sign_off, inspection=open_cheshire, signed_off_by=panel_member) == [
        locked.format("sign them off again")
    ]

    assert errors_of(
        services.ratings_reopen, inspection=open_cheshire, reopened_by=panel_member, reason=" "
    ) == {"reopen_reason": ["Say why the ratings are being reopened."]}
    services.ratings_reopen(
        inspection=open_cheshire, reopened_by=panel_member, reason="A case was re-marked."
    )
    record = RatingsSignOff.objects.get()
    assert (record.reopened_by, record.reopen_reason) == (panel_member, "A case was re-marked.")
    assert record.reopened_at is not None
    assert inspection_ratings_json(open_cheshire)["status"] == "provisional"
    decide(open_cheshire, panel_member, "2.2", "requires_improvement")


def test_locked_figures_never_move_silently_when_answers_change(framework, panel_member):
    inspection = services.inspection_import(document=cheshire()).inspection
    locked_json = inspection_ratings_json(inspection)
    # After sign-off, three more 'yes' answers on 2.2.3 (18 of 28 = 64%: still 'Requires improvement') and
    # one case returned to its inspector (it drops out of the approved figures).
    for answer in KeyQuestionAnswer.objects.filter(
        case__inspection=inspection, key_question__code="2.2.3", value="no"
    )[:3]:
        answer.value = "yes"
        answer.save()
    Case.objects.filter(reference="CH-O01").update(status=CaseStatus.RETURNED)

    assert inspection_ratings_json(inspection) == locked_json
    ratings = inspection_ratings_get(inspection)
    assert ratings.locked and ratings.standard("2.2").key_questions[2].yes == 15
    changes = changes_since_sign_off(ratings)
    assert changes
    planning = next(c for c in changes.standards if c.id == "2.2")
    assert [(kq.id, kq.before, kq.after) for kq in planning.key_questions] == [
        ("2.2.3", (15, 28, 54), (18, 28, 64))
    ]
    assert planning.rating_before == planning.rating_after == "requires_improvement"
    assert {c.id for c in changes.standards} >= {"2.2", "3.1"}


def test_no_changes_are_reported_while_the_answers_are_as_signed_off(framework):
    inspection = services.inspection_import(document=cheshire()).inspection
    changes = changes_since_sign_off(inspection_ratings_get(inspection))
    assert not changes and not changes.overall_changed


# --- Domain one ------------------------------------------------------------------------------------------


def test_the_lead_proposes_a_domain_one_rating_with_a_rationale_per_key_question(
    open_cheshire, lead_inspector
):
    assert errors_of(
        services.domain_one_proposal_save,
        inspection=open_cheshire,
        standard_code="1.2",
        rating="great",
        rationale="",
        key_question_rationales={"1.2.1": "Stable staff.", "1.9.9": "?"},
        proposed_by=lead_inspector,
        version=1,
    ) == {
        "rating": ["Choose the rating you propose for 1.2."],
        "rationale": ["Say why you propose this rating for 1.2."],
        "__all__": ["1.9.9 is not a key question of 1.2."],
        "1.2.2": ["Give your rationale for key question 1.2.2."],
        "1.2.3": ["Give your rationale for key question 1.2.3."],
        "1.2.4": ["Give your rationale for key question 1.2.4."],
    }
    proposal = services.domain_one_proposal_save(
        inspection=open_cheshire,
        standard_code="1.2",
        rating="good",
        rationale="Staffing generally supports good work.",
        key_question_rationales={code: f"On {code}." for code in ("1.2.1", "1.2.2", "1.2.3", "1.2.4")},
        proposed_by=lead_inspector,
        version=1,
    )
    assert proposal.version == 2 and proposal.proposed_by == lead_inspector
    assert [r.rationale for r in proposal.key_question_rationales.order_by("key_question__order")] == [
        "On 1.2.1.",
        "On 1.2.2.",
        "On 1.2.3.",
        "On 1.2.4.",
    ]
    assert inspection_ratings_get(open_cheshire).standard("1.2").rating == "good"
    with pytest.raises(ValidationError, match="not an organisational delivery"):
        services.domain_one_proposal_save(
            inspection=open_cheshire,
            standard_code="2.2",
            rating="good",
            rationale="x",
            key_question_rationales={},
            proposed_by=lead_inspector,
        )


def test_a_panel_decision_on_domain_one_lapses_when_the_proposal_changes(
    open_cheshire, panel_member, lead_inspector
):
    decide(open_cheshire, panel_member, "1.1", "requires_improvement")
    services.domain_one_proposal_save(
        inspection=open_cheshire,
        standard_code="1.1",
        rating="good",
        rationale="Better than I thought.",
        key_question_rationales=dict.fromkeys(("1.1.1", "1.1.2", "1.1.3"), "Yes."),
        proposed_by=lead_inspector,
    )
    governance = inspection_ratings_get(open_cheshire).standard("1.1")
    assert governance.decision_out_of_date and governance.rating == "good"


def test_evidence_notes_record_their_source(open_cheshire, lead_inspector):
    assert errors_of(
        services.evidence_note_add,
        inspection=open_cheshire,
        standard_code="1.1",
        source="rumour",
        note=" ",
        key_question_code="1.2.1",
        recorded_by=lead_inspector,
    ) == {
        "source": ["Choose where the evidence came from: documents, a meeting or an interview."],
        "note": ["Describe the evidence."],
        "key_question": ["1.2.1 is not a key question of 1.1."],
    }
    note = services.evidence_note_add(
        inspection=open_cheshire,
        standard_code="1.1",
        source="meeting",
        note="Board meeting, 14 July.",
        key_question_code="1.1.2",
        recorded_by=lead_inspector,
    )
    assert inspection_ratings_get(open_cheshire).standard("1.1").evidence == [note]
    services.evidence_note_remove(inspection=open_cheshire, note_id=note.pk)
    assert not EvidenceNote.objects.exists()
    assert errors_of(services.evidence_note_remove, inspection=open_cheshire, note_id=note.pk) == [
        "That evidence note no longer exists: someone may have removed it already."
    ]


# --- domain-one drafts and confirming every untriggered rating (issue 12) -----------------------------------


def draft(inspection, user, **fields):
    values = {"rating": "", "rationale": "", "key_question_rationales": {}, "version": None, **fields}
    return services.domain_one_draft_save(inspection=inspection, standard_code="1.2", saved_by=user, **values)


def test_a_draft_keeps_whatever_is_written_and_leaves_the_proposal_alone(open_cheshire, lead_inspector):
    proposal = DomainOneProposal.objects.get(inspection=open_cheshire, standard__code="1.2")
    kept = draft(
        open_cheshire, lead_inspector, rating="good", key_question_rationales={"1.2.1": "Half done."}
    )
    assert (kept.rating, kept.rationale, kept.key_question_rationales) == (
        "good",
        "",
        {"1.2.1": "Half done."},
    )
    again = draft(open_cheshire, lead_inspector, rationale="More.", version=kept.version)
    assert again.version == kept.version + 1
    # Another tab's draft saved meanwhile is not overwritten.
    assert errors_of(draft, inspection=open_cheshire, user=lead_inspector, version=kept.version)
    proposal.refresh_from_db()
    assert proposal.version == 1
    assert errors_of(draft, inspection=open_cheshire, user=lead_inspector, rating="excellent")
    assert errors_of(
        draft, inspection=open_cheshire, user=lead_inspector, key_question_rationales={"2.1.1": "Wrong."}
    ) == {"__all__": ["2.1.1 is not a key question of 1.2."]}


def test_proposing_removes_the_draft(open_cheshire, lead_inspector):
    draft(open_cheshire, lead_inspector, rating="good")
    services.domain_one_proposal_save(
        inspection=open_cheshire,
        standard_code="1.2",
        rating="good",
        rationale="Staff are supported.",
        key_question_rationales=dict.fromkeys(("1.2.1", "1.2.2", "1.2.3", "1.2.4"), "Seen."),
        proposed_by=lead_inspector,
    )
    assert not DomainOneDraft.objects.exists()


def test_confirming_every_untriggered_rating_leaves_the_triggered_and_the_decided_alone(
    framework, panel_member
):
    inspection = services.inspection_import(
        document=with_yes(cheshire(ratings_signed_off=False), "2.1.2", 25)
    )
    inspection = inspection.inspection
    decide(inspection, panel_member, "2.2", "inadequate", "2.2.3", "Weak contingency planning.")
    confirmed = services.panel_confirm_untriggered(inspection=inspection, decided_by=panel_member)
    ratings = inspection_ratings_get(inspection, figures=FINAL)
    assert "2.1" in confirmed and "2.2" not in confirmed
    for code in confirmed:
        standard = ratings.standard(code)
        assert not standard.triggers and standard.decision_applies
        assert standard.decision.rating == standard.computed_rating
    assert ratings.standard("2.2").decision.rating == "inadequate"
    assert services.panel_confirm_untriggered(inspection=inspection, decided_by=panel_member) == []


def test_drafts_and_confirming_all_are_refused_once_published(open_cheshire, lead_inspector, panel_member):
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from inspections.models import Inspection

    Inspection.objects.filter(pk=open_cheshire.pk).update(published_at=timezone.now())
    with pytest.raises(PermissionDenied, match="published"):
        draft(open_cheshire, lead_inspector, rating="good")
    with pytest.raises(PermissionDenied, match="published"):
        services.panel_confirm_untriggered(inspection=open_cheshire, decided_by=panel_member)
    assert not DomainOneDraft.objects.exists()

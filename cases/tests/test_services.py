import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import ProgrammingError, transaction
from django.http import Http404

from cases import services
from cases.factories import CaseFactory, OutOfCourtCaseFactory, answer_whole_case
from cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    DisposalType,
    KeyQuestionAnswer,
    KeyQuestionAnswerEvent,
    PromptAnswer,
    PromptAnswerEvent,
)
from cases.selectors import case_assessment, case_history
from cases.services import StaleAnswer
from cases.tests.conftest import reallocated

pytestmark = pytest.mark.django_db


def version_of(answers, case, **lookup) -> int:
    """The version of the case's answer (0 if none yet), as the inspector's page would show it."""
    return answers.filter(case=case, **lookup).values_list("version", flat=True).first() or 0


def save_prompt(case, user, code, value, version=None):
    if version is None:
        version = version_of(PromptAnswer.objects, case, prompt__code=code)
    return services.prompt_answer_save(
        inspection=case.inspection, case_id=case.pk, user=user, code=code, value=value, version=version
    )


def save_kq(case, user, code, version=None, **changes):
    if version is None:
        version = version_of(KeyQuestionAnswer.objects, case, key_question__code=code)
    return services.key_question_answer_save(
        inspection=case.inspection, case_id=case.pk, user=user, code=code, changes=changes, version=version
    )


def save_facts(case, user, version=1, **changes):
    return services.case_facts_save(
        inspection=case.inspection, case_id=case.pk, user=user, changes=changes, version=version
    )


def prompt_value(case, code):
    return PromptAnswer.objects.get(case=case, prompt__code=code).value


# --- saving answers ---------------------------------------------------------------------------------


def test_the_first_answer_starts_the_case_and_each_change_is_a_new_version(team, court_case):
    inspector = team["inspector"]
    first = save_prompt(court_case, inspector, "2.1.1.a", "yes")
    assert (first.version, first.changed) == (1, True)
    court_case.refresh_from_db()
    assert court_case.status == CaseStatus.IN_PROGRESS
    second = save_prompt(court_case, inspector, "2.1.1.a", "no", version=1)
    assert second.version == 2
    answer = PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.a")
    assert (answer.value, answer.version, answer.updated_by) == ("no", 2, inspector)


def test_a_stale_save_is_refused_with_the_other_persons_answer_and_name(team, court_case):
    save_prompt(court_case, team["inspector"], "2.1.1.a", "yes", version=0)
    with reallocated(court_case, team["colleague"]), pytest.raises(StaleAnswer) as refused:
        save_prompt(court_case, team["colleague"], "2.1.1.a", "no", version=0)
    assert refused.value.current == {"value": "yes"}
    assert refused.value.version == 1
    assert refused.value.updated_by == str(team["inspector"])
    assert prompt_value(court_case, "2.1.1.a") == "yes"


def test_a_stale_save_that_changes_nothing_is_accepted(team, court_case):
    save_prompt(court_case, team["inspector"], "2.1.1.a", "yes", version=0)
    with reallocated(court_case, team["colleague"]):
        repeated = save_prompt(court_case, team["colleague"], "2.1.1.a", "yes", version=0)
    assert (repeated.version, repeated.changed) == (1, False)


def test_a_key_question_answer_keeps_fields_it_was_not_sent(team, court_case):
    inspector = team["inspector"]
    save_kq(court_case, inspector, "2.1.1", value="yes")
    save_kq(court_case, inspector, "2.1.1", rationale="  Thorough analysis.  ")
    save_kq(court_case, inspector, "2.1.1", quote="“I felt listened to.”", good_practice=True)
    answer = KeyQuestionAnswer.objects.get(case=court_case, key_question__code="2.1.1")
    assert (answer.value, answer.rationale, answer.good_practice, answer.version) == (
        "yes",
        "Thorough analysis.",
        True,
        3,
    )


def test_a_stale_change_to_another_field_of_the_same_key_question_is_refused(team, court_case):
    save_kq(court_case, team["inspector"], "2.1.1", version=0, value="yes")
    with reallocated(court_case, team["colleague"]), pytest.raises(StaleAnswer) as refused:
        save_kq(court_case, team["colleague"], "2.1.1", version=0, rationale="My reasons.")
    assert refused.value.current["value"] == "yes"


def test_not_applicable_over_answered_prompts_asks_first_and_writes_nothing(team, court_case):
    inspector = team["inspector"]
    save_prompt(court_case, inspector, "2.2.2.a", "yes")
    save_prompt(court_case, inspector, "2.2.2.b", "no")
    with pytest.raises(services.PromptsWouldBeCleared) as asked:
        save_kq(court_case, inspector, "2.2.2", value="na")
    assert asked.value.prompts == ["2.2.2.a", "2.2.2.b"]
    assert "2.2.2.a, 2.2.2.b" in asked.value.messages[0]
    assert not KeyQuestionAnswer.objects.filter(case=court_case, key_question__code="2.2.2").exists()
    assert prompt_value(court_case, "2.2.2.a") == "yes"


def test_not_applicable_sets_every_prompt_not_applicable_as_new_versions(team, court_case):
    inspector = team["inspector"]
    save_prompt(court_case, inspector, "2.2.2.a", "yes")
    saved = services.key_question_answer_save(
        inspection=court_case.inspection,
        case_id=court_case.pk,
        user=inspector,
        code="2.2.2",
        changes={"value": "na"},
        version=0,
        clear_prompts=True,
    )
    assert set(saved.prompts) == {"2.2.2.a", "2.2.2.b", "2.2.2.c", "2.2.2.d"}
    assert saved.prompts["2.2.2.a"] == 2  # it had an answer: a new version of it
    assert set(
        PromptAnswer.objects.filter(case=court_case, prompt__code__startswith="2.2.2.").values_list(
            "value", flat=True
        )
    ) == {"na"}


def test_a_prompt_of_a_not_applicable_key_question_cannot_be_answered_yes_or_no(team, court_case):
    inspector = team["inspector"]
    save_kq(court_case, inspector, "2.2.2", value="na")
    with pytest.raises(ValidationError, match="Change your judgement on the key question first"):
        save_prompt(court_case, inspector, "2.2.2.a", "yes")
    assert prompt_value(court_case, "2.2.2.a") == "na"


def test_3_4_2_is_stored_not_applicable_for_a_community_resolution_and_cannot_be_changed(
    team, out_of_court_case
):
    inspector = team["inspector"]
    save_prompt(out_of_court_case, inspector, "3.1.1.a", "yes")
    fixed = KeyQuestionAnswer.objects.get(case=out_of_court_case, key_question__code="3.4.2")
    assert fixed.value == "na"
    assert set(
        PromptAnswer.objects.filter(case=out_of_court_case, prompt__code__startswith="3.4.2.").values_list(
            "value", flat=True
        )
    ) == {"na"}
    with pytest.raises(ValidationError, match="youth conditional cautions only"):
        save_kq(out_of_court_case, inspector, "3.4.2", value="yes")


def test_3_4_2_refuses_not_applicable_for_a_youth_conditional_caution(team):
    case = OutOfCourtCaseFactory(
        inspection=team["inspection"],
        inspector=team["inspector"],
        disposal_type=DisposalType.YOUTH_CONDITIONAL_CAUTION,
    )
    save_prompt(case, team["inspector"], "3.1.1.a", "yes")
    assert not KeyQuestionAnswer.objects.filter(case=case, key_question__code="3.4.2").exists()
    with pytest.raises(ValidationError, match="youth conditional caution"):
        save_kq(case, team["inspector"], "3.4.2", value="na")
    assert save_kq(case, team["inspector"], "3.4.2", value="yes").changed


def test_a_court_case_has_no_fixed_answers(team, court_case):
    save_prompt(court_case, team["inspector"], "2.1.1.a", "yes")
    assert KeyQuestionAnswer.objects.filter(case=court_case).count() == 0


@pytest.mark.parametrize(
    ("code", "error"),
    [("3.1.1.a", "not part of this case's assessment"), ("9.9.9.z", "not part of this case's assessment")],
)
def test_answers_outside_the_cases_domain_are_refused(team, court_case, code, error):
    with pytest.raises(ValidationError, match=error):
        save_prompt(court_case, team["inspector"], code, "yes")


def test_bad_values_are_refused_in_words(team, court_case):
    with pytest.raises(ValidationError, match="yes, no or not applicable"):
        save_prompt(court_case, team["inspector"], "2.1.1.a", "maybe")
    with pytest.raises(ValidationError, match="yes, no or not applicable"):
        save_kq(court_case, team["inspector"], "2.1.1", value="maybe")
    with pytest.raises(ValidationError, match="no field"):
        save_kq(court_case, team["inspector"], "2.1.1", version=0, value="yes", colour="blue")
    assert not KeyQuestionAnswer.objects.exists()


# --- who may change a case, and when ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "qa"])
def test_the_lead_and_the_quality_assurance_inspector_may_not_change_a_case(team, court_case, who):
    """Only the allocated inspector writes a case (issue 13): a reviewer who disagrees returns it."""
    with pytest.raises(PermissionDenied, match="allocated to"):
        save_prompt(court_case, team[who], "2.1.1.a", "yes")


@pytest.mark.parametrize("who", ["colleague", "panel"])
def test_other_team_members_may_not(team, court_case, who):
    with pytest.raises(PermissionDenied, match="allocated to"):
        save_prompt(court_case, team[who], "2.1.1.a", "yes")


def test_administrators_read_cases_but_do_not_judge_them(team, court_case, administrator):
    with pytest.raises(PermissionDenied):
        save_prompt(court_case, administrator, "2.1.1.a", "yes")


def test_a_case_of_another_inspection_is_not_found(team, court_case):
    other = CaseFactory()
    other.inspection = team["inspection"]  # as if its id were sent under this inspection's reference
    with pytest.raises(Http404):
        save_prompt(other, team["inspector"], "2.1.1.a", "yes", version=0)


@pytest.mark.parametrize(
    ("status", "message"),
    [(CaseStatus.SUBMITTED, "submitted for quality assurance"), (CaseStatus.APPROVED, "approved")],
)
def test_submitted_and_approved_cases_are_read_only(team, court_case, status, message):
    Case.objects.filter(pk=court_case.pk).update(status=status)
    with pytest.raises(PermissionDenied, match=message):
        save_prompt(court_case, team["inspector"], "2.1.1.a", "yes")
    with pytest.raises(PermissionDenied, match=message):
        save_facts(court_case, team["inspector"], version=1, notes="x")


# --- the case facts ---------------------------------------------------------------------------------


def test_facts_are_saved_with_a_version_and_a_stale_change_is_refused(team, court_case):
    saved = save_facts(court_case, team["inspector"], version=1, inspector_rosh="low", review_needed=False)
    assert saved.version == 2
    with reallocated(court_case, team["colleague"]), pytest.raises(StaleAnswer) as refused:
        save_facts(court_case, team["colleague"], version=1, inspector_rosh="high")
    assert refused.value.current["inspector_rosh"] == "low"
    assert refused.value.updated_by == str(team["inspector"])
    court_case.refresh_from_db()
    assert (court_case.inspector_rosh, court_case.review_needed, court_case.facts_updated_by) == (
        "low",
        False,
        team["inspector"],
    )


def test_facts_are_validated(team, court_case):
    with pytest.raises(ValidationError):
        save_facts(court_case, team["inspector"], version=1, inspector_rosh="enormous")
    with pytest.raises(ValidationError, match="no field"):
        save_facts(court_case, team["inspector"], version=1, reference="X")


def test_the_principal_offence_is_saved_with_the_facts_versioned_and_in_the_history(team, court_case):
    saved = save_facts(court_case, team["inspector"], version=1, offence_group="burglary")
    assert saved.version == 2
    with reallocated(court_case, team["colleague"]), pytest.raises(StaleAnswer) as refused:
        save_facts(court_case, team["colleague"], version=1, offence_group="arson")
    assert refused.value.current["offence_group"] == "burglary"
    with pytest.raises(ValidationError, match="offence_group"):
        save_facts(court_case, team["inspector"], version=2, offence_group="shoplifting")
    court_case.refresh_from_db()
    assert court_case.offence_group == "burglary"
    changes = case_history(court_case)
    assert ("Principal offence group", "–", "Burglary") in [(c.what, c.old, c.new) for c in changes]


def test_submit_lists_a_court_case_without_its_offence_but_not_an_out_of_court_one(
    team, court_case, out_of_court_case
):
    answer_whole_case(court_case)
    answer_whole_case(out_of_court_case)
    Case.objects.filter(pk__in=[court_case.pk, out_of_court_case.pk]).update(offence_group="")
    court_case.refresh_from_db()
    assert [p.field for p in case_assessment(court_case).facts_problems] == ["offence_group"]
    with pytest.raises(ValidationError) as refused:
        submit(court_case, team["inspector"])
    assert refused.value.messages == ["Give the principal offence group."]
    assert submit(out_of_court_case, team["inspector"]).status == CaseStatus.SUBMITTED
    save_facts(court_case, team["inspector"], version=court_case.version, offence_group="drug_offences")
    assert submit(court_case, team["inspector"]).status == CaseStatus.SUBMITTED


def test_the_facts_suggest_not_applicable_for_sub_sample_key_questions(team, court_case):
    court_case.inspector_rosh = "low"
    court_case.child_safety_factors = False
    items = {kq.key_question.code: kq for kq in case_assessment(court_case).key_questions}
    assert items["2.2.3"].applicability.suggestions == ("you judged the risk of serious harm to be low",)
    assert items["2.2.2"].applicability.suggestions
    assert items["2.1.3"].applicability.suggestions == ()  # an all-cases key question


# --- submission and quality assurance ----------------------------------------------------------------


def submit(case, user):
    return services.case_submit(inspection=case.inspection, case_id=case.pk, user=user)


def test_submit_is_refused_with_every_problem_until_the_case_is_complete(team, court_case):
    with pytest.raises(ValidationError) as refused:
        submit(court_case, team["inspector"])
    assert "Give your own risk of serious harm level." in refused.value.messages
    assert "Answer prompt 2.4.3.d." in refused.value.messages
    court_case.refresh_from_db()
    assert court_case.status == CaseStatus.NOT_STARTED


def test_a_complete_case_is_submitted_then_read_only(team, court_case):
    answer_whole_case(court_case)
    KeyQuestionAnswer.objects.filter(case=court_case, key_question__code="2.3.1").update(rationale="")
    with pytest.raises(ValidationError, match=r"Give the rationale for your judgement on 2\.3\.1"):
        submit(court_case, team["inspector"])
    save_kq(court_case, team["inspector"], "2.3.1", rationale="Delivery was well sequenced.")
    case = submit(court_case, team["inspector"])
    assert case.status == CaseStatus.SUBMITTED and case.submitted_at
    with pytest.raises(PermissionDenied, match="submitted"):
        save_kq(court_case, team["inspector"], "2.3.1", rationale="Changed my mind.")


def test_an_out_of_court_case_with_3_4_2_fixed_can_be_submitted(team, out_of_court_case):
    answer_whole_case(out_of_court_case)
    assert submit(out_of_court_case, team["inspector"]).status == CaseStatus.SUBMITTED


def review(case, user, decision, reason=""):
    common = {"inspection": case.inspection, "case_id": case.pk, "user": user}
    if decision == "approve":
        return services.case_approve(**common)
    return services.case_return(reason=reason, **common)


def test_return_needs_a_reason_and_makes_the_case_editable_again(team, court_case):
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="Say what the inspector needs to change"):
        review(court_case, team["lead"], "return", "   ")
    case = review(court_case, team["lead"], "return", "2.3.1: say which interventions were delivered.")
    assert (case.status, case.returned_by) == (CaseStatus.RETURNED, team["lead"])
    assert save_kq(court_case, team["inspector"], "2.3.1", rationale="Delivered: mentoring and ETE.").changed
    assert submit(court_case, team["inspector"]).status == CaseStatus.SUBMITTED
    approved = review(court_case, team["qa"], "approve")
    assert (approved.status, approved.approved_by) == (CaseStatus.APPROVED, team["qa"])
    with pytest.raises(PermissionDenied, match="approved"):
        save_kq(court_case, team["inspector"], "2.3.1", rationale="Too late.")


@pytest.mark.parametrize("who", ["inspector", "colleague", "panel"])
def test_only_the_lead_or_a_quality_assurance_inspector_reviews(team, court_case, who):
    answer_whole_case(court_case, status=CaseStatus.SUBMITTED)
    with pytest.raises(PermissionDenied, match="lead inspector or a quality assurance inspector"):
        review(court_case, team[who], "approve")


def test_nobody_quality_assures_their_own_case(team):
    case = CaseFactory(inspection=team["inspection"], inspector=team["lead"])
    answer_whole_case(case, status=CaseStatus.SUBMITTED)
    with pytest.raises(PermissionDenied, match="another member of the team"):
        review(case, team["lead"], "approve")


def test_only_submitted_cases_are_reviewed(team, court_case):
    with pytest.raises(ValidationError, match="not waiting for quality assurance"):
        review(court_case, team["lead"], "approve")


# --- a whole page, and the history ------------------------------------------------------------------


def test_a_page_is_saved_all_or_nothing(team, court_case):
    with reallocated(court_case, team["colleague"]):
        save_prompt(court_case, team["colleague"], "2.1.1.b", "no")
    rows = [
        {
            "kind": "key_question",
            "code": "2.1.1",
            "slug": "kq-2-1-1",
            "values": {"value": "yes", "rationale": "R"},
            "version": 0,
        },
        {"kind": "prompt", "code": "2.1.1.a", "slug": "p-2-1-1-a", "values": {"value": "yes"}, "version": 0},
        {"kind": "prompt", "code": "2.1.1.b", "slug": "p-2-1-1-b", "values": {"value": "yes"}, "version": 0},
    ]
    with pytest.raises(services.AnswersNotSaved) as refused:
        services.standard_answers_save(
            inspection=court_case.inspection, case_id=court_case.pk, user=team["inspector"], rows=rows
        )
    assert set(refused.value.conflicts) == {"p-2-1-1-b"}
    assert not KeyQuestionAnswer.objects.filter(case=court_case).exists()
    assert not PromptAnswer.objects.filter(case=court_case, prompt__code="2.1.1.a").exists()
    rows[2]["version"] = 1
    saved = services.standard_answers_save(
        inspection=court_case.inspection, case_id=court_case.pk, user=team["inspector"], rows=rows
    )
    assert len(saved) == 3


@pytest.mark.parametrize("event_model", [CaseEvent, KeyQuestionAnswerEvent, PromptAnswerEvent])
def test_the_history_cannot_be_changed_or_deleted_even_by_direct_sql(team, court_case, event_model):
    save_prompt(court_case, team["inspector"], "2.1.1.a", "yes")
    save_kq(court_case, team["inspector"], "2.1.1", rationale="Sound.")
    # Another person's edit closes the first person's burst: the history tables get its row.
    with reallocated(court_case, team["colleague"]):
        save_prompt(court_case, team["colleague"], "2.1.1.a", "no")
        save_kq(court_case, team["colleague"], "2.1.1", rationale="Sounder.")
    events = event_model.objects.all()
    count = events.count()
    assert count
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        events.update(pgh_label="rewritten")
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        events.delete()
    assert events.count() == count and not events.filter(pgh_label="rewritten").exists()


def test_every_change_is_in_the_history_with_who_made_it(team, court_case):
    save_prompt(court_case, team["inspector"], "2.1.1.a", "yes")
    with reallocated(court_case, team["colleague"]):
        save_prompt(court_case, team["colleague"], "2.1.1.a", "no")
    save_kq(court_case, team["inspector"], "2.1.1", rationale="Sound.")
    changes = case_history(court_case)
    rows = {(c.who, c.what, c.old, c.new) for c in changes}
    assert (str(team["inspector"]), "Prompt 2.1.1.a", "–", "Yes") in rows
    assert (str(team["colleague"]), "Prompt 2.1.1.a", "Yes", "No") in rows
    assert (str(team["inspector"]), "Key question 2.1.1: rationale", "–", "Sound.") in rows
    assert (str(team["inspector"]), "Status", "Not started", "In progress") in rows
    assert CaseEvent.objects.filter(pgh_obj=court_case, status=CaseStatus.IN_PROGRESS).exists()


@pytest.mark.django_db(transaction=True)
def test_a_save_waits_for_a_locked_inspection_before_it_locks_its_case(team, court_case):
    """Allocation, a new draw and a swap lock the inspection FOR UPDATE and then its cases. A save must take
    the inspection first too: if it held its case while waiting, each would wait for the other (deadlock)."""
    import threading

    import psycopg
    from django.db import connection, connections

    settings = connection.get_connection_params()
    inspection_table = court_case.inspection._meta.db_table
    saved = threading.Event()

    def save():
        try:
            save_prompt(court_case, team["inspector"], "2.1.1.a", "yes")
            saved.set()
        finally:
            connections.close_all()

    with psycopg.connect(**settings, autocommit=False) as allocation:
        allocation.execute(
            f"SELECT id FROM {inspection_table} WHERE id = %s FOR UPDATE", [court_case.inspection_id]
        )
        saver = threading.Thread(target=save)
        saver.start()
        try:
            with psycopg.connect(**settings, autocommit=True) as observer:
                # The save is queued behind the inspection's lock, not holding its case.
                for _ in range(100):
                    waiting = observer.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()"
                    ).fetchone()[0]
                    if waiting:
                        break
                    saved.wait(0.05)
                assert waiting and not saved.is_set()
                with observer.transaction():
                    observer.execute(
                        f"SELECT id FROM {court_case._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT",
                        [court_case.pk],
                    )
        finally:
            allocation.rollback()
            saver.join(30)
    assert saved.is_set() and PromptAnswer.objects.get(case=court_case, prompt__code="2.1.1.a").value == "yes"

"""History shows edits, not keystrokes (issue 12): one row per person per answer per editing burst, keeping the
first "from" and the last "to"; different people's edits are never merged; the history tables stay
append-only; and a save within a burst writes no history row (so coalescing costs a save nothing)."""

from datetime import timedelta

import pytest
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone

from cases.models import KeyQuestionAnswer, KeyQuestionAnswerEvent, PromptAnswer, PromptAnswerEvent
from cases.selectors import answer_history, case_history

from .conftest import reallocated
from .test_services import save_kq, save_prompt

pytestmark = pytest.mark.django_db


def rationale_rows(case, code="2.1.1"):
    return [
        (c.who, c.old, c.new) for c in answer_history(case) if c.what == f"Key question {code}: rationale"
    ]


def type_in_pauses(case, user, words: str, pauses: int = 20):
    """Autosave saves at each pause in typing: the rationale grows a little each time."""
    step = max(1, len(words) // pauses)
    for end in range(step, len(words) + step, step):
        save_kq(case, user, "2.1.1", rationale=words[: min(end, len(words))])


def move_back(model, case, minutes: int):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET updated_at = updated_at - interval '{minutes} minutes' "
            "WHERE case_id = %s",
            [case.pk],
        )


WORDS = "The plan addressed the child's needs and was reviewed after the move."


def test_a_rationale_typed_in_twenty_pauses_is_one_row(team, court_case):
    type_in_pauses(court_case, team["inspector"], WORDS)
    assert KeyQuestionAnswer.objects.get(case=court_case).version >= 20
    assert rationale_rows(court_case) == [(str(team["inspector"]), "–", WORDS)]
    # Within the burst no history row was written at all: the answer itself is the open burst.
    assert not KeyQuestionAnswerEvent.objects.filter(case_id=court_case.pk).exists()


def test_two_peoples_edits_are_two_rows_and_keep_the_first_from_and_the_last_to(team, court_case):
    type_in_pauses(court_case, team["inspector"], "First words, typed slowly.")
    # Only the allocated inspector writes a case: the case moves to a colleague, who rewrites the rationale.
    with reallocated(court_case, team["colleague"]):
        type_in_pauses(court_case, team["colleague"], "The colleague's words instead.", pauses=5)
    assert rationale_rows(court_case) == [
        (str(team["colleague"]), "First words, typed slowly.", "The colleague's words instead."),
        (str(team["inspector"]), "–", "First words, typed slowly."),
    ]
    # The inspector's finished burst was appended when the colleague began: one row, its last state.
    (event,) = KeyQuestionAnswerEvent.objects.filter(case_id=court_case.pk)
    assert (event.rationale, event.updated_by_id) == ("First words, typed slowly.", team["inspector"].pk)


def test_the_same_person_after_a_pause_starts_a_new_burst(team, court_case):
    save_prompt(court_case, team["inspector"], "2.1.1.a", "yes")
    save_prompt(court_case, team["inspector"], "2.1.1.a", "no")
    move_back(PromptAnswer, court_case, 11)
    save_prompt(court_case, team["inspector"], "2.1.1.a", "yes")
    save_prompt(court_case, team["inspector"], "2.1.1.a", "na")
    rows = [(c.what, c.old, c.new) for c in answer_history(court_case)]
    assert rows == [("Prompt 2.1.1.a", "No", "Not applicable"), ("Prompt 2.1.1.a", "–", "No")]
    assert PromptAnswerEvent.objects.filter(case_id=court_case.pk).count() == 1


def test_alternating_people_are_never_merged(team, court_case):
    for user, value in [("inspector", "yes"), ("colleague", "no"), ("inspector", "yes"), ("colleague", "na")]:
        with reallocated(court_case, team[user]):
            save_prompt(court_case, team[user], "2.1.1.a", value)
    rows = [(c.who, c.old, c.new) for c in answer_history(court_case)]
    inspector, colleague = str(team["inspector"]), str(team["colleague"])
    assert rows == [
        (colleague, "Yes", "Not applicable"),
        (inspector, "No", "Yes"),
        (colleague, "Yes", "No"),
        (inspector, "–", "Yes"),
    ]


def test_the_case_history_page_lists_bursts_with_the_case_changes(team, court_case):
    type_in_pauses(court_case, team["inspector"], WORDS)
    whats = [c.what for c in case_history(court_case)]
    assert whats.count("Key question 2.1.1: rationale") == 1
    assert "Status" in whats


@pytest.mark.parametrize("event_model", [KeyQuestionAnswerEvent, PromptAnswerEvent])
def test_the_coalesced_history_is_still_append_only(team, court_case, event_model):
    save_prompt(court_case, team["inspector"], "2.1.1.a", "yes")
    save_kq(court_case, team["inspector"], "2.1.1", rationale="Sound.")
    with reallocated(court_case, team["colleague"]):
        save_prompt(court_case, team["colleague"], "2.1.1.a", "no")
        save_kq(court_case, team["colleague"], "2.1.1", rationale="Sounder.")
    events = event_model.objects.all()
    assert events.count() == 1
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        events.update(pgh_label="rewritten")
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        events.delete()


def test_history_kept_before_coalescing_reads_as_bursts_too():
    from cases.selectors import _bursts

    t = timezone.now()
    states = [
        {"updated_by_id": 1, "updated_at": t, "value": "a"},
        {"updated_by_id": 1, "updated_at": t + timedelta(minutes=3), "value": "ab"},
        {"updated_by_id": 1, "updated_at": t + timedelta(minutes=9), "value": "abc"},
        {"updated_by_id": 2, "updated_at": t + timedelta(minutes=10), "value": "x"},
        {"updated_by_id": 2, "updated_at": t + timedelta(minutes=30), "value": "xy"},
    ]
    assert [(before.get("value"), after["value"]) for before, after in _bursts(states)] == [
        (None, "abc"),
        ("abc", "x"),
        ("x", "xy"),
    ]

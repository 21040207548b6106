"""Writes to cases: the inspector's answers (saved one change at a time, with optimistic versions), the case
facts, submission and quality assurance. Every write locks the case row first, so that writes to one case
never interleave and a case cannot change once it has been submitted."""

from __future__ import annotations

from dataclasses import dataclass, field

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from inspections.models import Domain, Inspection, KeyQuestion, Prompt, Standard
from inspections.publication import refuse_if_published

from . import review_rules, rules
from .models import (
    COMMENT_MAX_LENGTH,
    FACT_FIELDS,
    Case,
    CaseReturn,
    CaseStatus,
    KeyQuestionAnswer,
    PromptAnswer,
    ReviewComment,
)
from .selectors import (
    answers_snapshot,
    case_assessment,
    case_facts,
    comment_facts,
    domain_key_questions,
    review_comments,
)

# The database enforces the unique and check constraints; checking them here too would cost queries.
CLEAN_EXCLUDE = ["case", "key_question", "updated_by"]
KEY_QUESTION_FIELDS = ("value", "rationale", "out_of_scope_reason", "quote", "good_practice")

LOCKED_MESSAGES = {
    CaseStatus.SUBMITTED: "This case has been submitted for quality assurance, so it cannot be changed. "
    "If something needs correcting, ask the lead inspector to return it to you.",
    CaseStatus.APPROVED: "This case has been approved by quality assurance, so it cannot be changed.",
}


class StaleAnswer(Exception):
    """Someone saved this answer after the page that sent the change was loaded: nothing was written."""

    def __init__(self, *, current: dict, version: int, updated_by: str, updated_at):
        self.current = current
        self.version = version
        self.updated_by = updated_by
        self.updated_at = updated_at
        super().__init__(
            f"{updated_by} changed this answer at {updated_at:%H:%M}; your change was not saved."
        )


@dataclass
class Saved:
    """What a save wrote: the answer's new version, and any prompt answers it set as well."""

    version: int
    changed: bool
    prompts: dict[str, int] = field(default_factory=dict)  # prompt code -> new version, all now "na"


def _name(user) -> str:
    return str(user) if user else "Someone"


def refuse_if_read_only(*, case: Case, user) -> None:
    """Raises PermissionDenied, saying why, if the user may not change the case now (as far as the case
    and its inspection in hand say: the write itself checks publication again, under lock)."""
    refuse_if_published(case.inspection, reread=False)
    if not user.has_perm("cases.assess_case", case):
        raise PermissionDenied(
            "Only the inspector this case is allocated to can change its answers. If you disagree with them, "
            "return the case to the inspector with your reason when it is submitted."
        )
    if not case.is_editable:
        raise PermissionDenied(LOCKED_MESSAGES[case.status])


def _lock_case(*, inspection: Inspection, case_id: int) -> Case:
    """Reads the inspection's row FOR SHARE, then locks the case row FOR UPDATE, both until the transaction
    ends, in one statement, and refuses if the inspection is published (inspections.publication).

    The inspection is locked first (in the CTE, before any case row can be locked), as in every other
    write: allocation, a new draw and a swap lock the inspection FOR UPDATE and then its cases. Taking the
    case first would let an autosave and an allocation each wait for the other.
    """
    cases, inspections = Case._meta.db_table, Inspection._meta.db_table
    found = list(
        Case.objects.raw(
            f"WITH i AS MATERIALIZED (SELECT id, published_at FROM {inspections} WHERE id = %s FOR SHARE) "
            f"SELECT c.*, i.published_at AS inspection_published_at FROM {cases} c "
            "JOIN i ON i.id = c.inspection_id WHERE c.id = %s FOR UPDATE OF c",
            [inspection.pk, case_id],
        )
    )
    if not found:
        raise Http404("This inspection has no such case.")
    case = found[0]
    inspection.published_at = case.inspection_published_at
    refuse_if_published(inspection, reread=False)
    case.inspection = inspection
    return case


def lock_case_for_writing(*, inspection: Inspection, case_id: int, user) -> Case:
    """Locks the case row until the transaction ends, after checking the user may change it now.

    Starting work on a case (its first change) moves it to "in progress" and stores the answers the
    framework fixes for it (3.4.2 is not applicable outside youth conditional cautions).
    """
    case = _lock_case(inspection=inspection, case_id=case_id)
    refuse_if_read_only(case=case, user=user)
    if case.status == CaseStatus.NOT_STARTED:
        _start(case, user)
        case.status = CaseStatus.IN_PROGRESS
    return case


def _start(case: Case, user) -> None:
    """Moves the case to "in progress" and stores its fixed answers, with their prompts, in one statement
    (saving an answer stays within its budget of queries even when it is the case's first)."""
    facts = case_facts(case)
    fixing = [rule for rule in rules.FIXING_RULES if rules.key_question_applicability([rule], facts).forced]
    cases, kq_answers, prompt_answers = (
        Case._meta.db_table,
        KeyQuestionAnswer._meta.db_table,
        PromptAnswer._meta.db_table,
    )
    key_questions, prompts = KeyQuestion._meta.db_table, Prompt._meta.db_table
    standards, domains = Standard._meta.db_table, Domain._meta.db_table
    sql = f"""
        WITH started AS (
            UPDATE {cases} SET status = %(in_progress)s, updated_at = now()
            WHERE id = %(case)s AND status = %(not_started)s RETURNING id
        ), fixed AS (
            SELECT kq.id FROM {key_questions} kq
            JOIN {standards} s ON s.id = kq.standard_id JOIN {domains} d ON d.id = s.domain_id
            WHERE d.framework_id = %(framework)s AND d.code = %(domain)s AND kq.applicability ?| %(rules)s::text[]
        ), fixed_key_questions AS (
            INSERT INTO {kq_answers} (case_id, key_question_id, value, rationale, out_of_scope_reason, quote,
                                      good_practice, version, updated_by_id, updated_at)
            SELECT started.id, fixed.id, %(na)s, '', '', '', false, 1, %(user)s, now() FROM started, fixed
            ON CONFLICT (case_id, key_question_id) DO NOTHING
        )
        INSERT INTO {prompt_answers} (case_id, prompt_id, value, version, updated_by_id, updated_at)
        SELECT started.id, p.id, %(na)s, 1, %(user)s, now()
        FROM started JOIN {prompts} p ON p.key_question_id IN (SELECT id FROM fixed)
        ON CONFLICT (case_id, prompt_id) DO NOTHING
    """
    with pghistory.context(user=user.pk), connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "in_progress": CaseStatus.IN_PROGRESS,
                "not_started": CaseStatus.NOT_STARTED,
                "case": case.pk,
                "framework": case.inspection.framework_id,
                "domain": case.domain_code,
                "rules": fixing,
                "na": rules.NA,
                "user": user.pk,
            },
        )


def _set_prompts_not_applicable(*, case: Case, key_question_ids: list[int], user) -> dict[str, int]:
    """Sets every prompt of these key questions to "not applicable" for the case, in one statement that
    inserts missing answers and updates the others (each update a new version). Returns code -> version of
    every prompt answer it changed."""
    answers, prompts = PromptAnswer._meta.db_table, Prompt._meta.db_table
    sql = f"""
        WITH changed AS (
            INSERT INTO {answers} (case_id, prompt_id, value, version, updated_by_id, updated_at)
            SELECT %s, p.id, %s, 1, %s, now() FROM {prompts} p WHERE p.key_question_id = ANY(%s)
            ON CONFLICT (case_id, prompt_id) DO UPDATE
                SET value = EXCLUDED.value, version = {answers}.version + 1,
                    updated_by_id = EXCLUDED.updated_by_id, updated_at = EXCLUDED.updated_at
                WHERE {answers}.value <> EXCLUDED.value
            RETURNING prompt_id, version
        )
        SELECT p.code, changed.version FROM changed JOIN {prompts} p ON p.id = changed.prompt_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [case.pk, rules.NA, user.pk if user else None, key_question_ids])
        return dict(cursor.fetchall())


ANSWER_COLUMNS = {
    PromptAnswer: ("id", "value", "version", "updated_by", "updated_at"),
    KeyQuestionAnswer: ("id", *KEY_QUESTION_FIELDS, "version", "updated_by", "updated_at"),
}


def _with_answer(queryset, case: Case, model):
    """Prompts or key questions, each with the case's answer to it (if any) in the same query."""
    return queryset.annotate(
        mine=FilteredRelation("answers", condition=Q(answers__case=case)),
        **{f"mine_{column}": F(f"mine__{column}") for column in ANSWER_COLUMNS[model]},
    )


def _answer(item, model, **links):
    if item.mine_id is None:
        return None
    values = {column: getattr(item, f"mine_{column}") for column in ANSWER_COLUMNS[model]}
    values["updated_by_id"] = values.pop("updated_by")
    return model(**values, **links)


def _check_version(answer, version: int, changes: dict) -> None:
    """Refuses a change made from an out-of-date page, unless it would change nothing."""
    if answer is None:
        current, current_version = {}, 0
    else:
        current = {name: getattr(answer, name) for name in changes}
        current_version = answer.version
    if version == current_version:
        return
    if all(current.get(name, _blank(name)) == value for name, value in changes.items()):
        return
    raise StaleAnswer(
        current={name: getattr(answer, name) for name in KEY_QUESTION_FIELDS if hasattr(answer, name)}
        if answer
        else {},
        version=current_version,
        updated_by=_name(answer.updated_by) if answer else "Someone",
        updated_at=answer.updated_at if answer else timezone.now(),
    )


class PromptsWouldBeCleared(ValidationError):
    """Answering a key question not applicable would set prompts the inspector has answered yes or no to not
    applicable: nothing is written until they say so (`clear_prompts=True`)."""

    def __init__(self, key_question: str, prompts: list[str]):
        self.prompts = prompts
        codes = ", ".join(prompts)
        super().__init__(
            f"Answering {key_question} not applicable sets its prompts to not applicable too, and you have "
            f"answered {codes}. Their answers would be replaced: say whether to go ahead, or choose another "
            "answer.",
            code="clears_prompts",
        )


def _refuse_clearing_answered_prompts(*, case: Case, key_question: KeyQuestion) -> None:
    """Raises PromptsWouldBeCleared if any prompt of the key question is answered yes or no (one query, made
    only when a key question is being answered not applicable)."""
    answered = list(
        PromptAnswer.objects.filter(
            case=case, prompt__key_question=key_question, value__in=[rules.YES, rules.NO]
        )
        .order_by("prompt__order", "prompt__code")
        .values_list("prompt__code", flat=True)
    )
    if answered:
        raise PromptsWouldBeCleared(key_question.code, answered)


def _blank(name: str):
    return False if name == "good_practice" else ""


@transaction.atomic
def prompt_answer_save(
    *, inspection: Inspection, case_id: int, user, code: str, value: str, version: int
) -> Saved:
    """Saves the inspector's answer to one prompt of a case.

    `version` is the version of the answer the inspector's page showed (0: none yet); if someone has saved
    a different answer since, nothing is written and StaleAnswer says what they saved.
    """
    case = lock_case_for_writing(inspection=inspection, case_id=case_id, user=user)
    if value not in ("", *rules.ANSWERS):
        raise ValidationError(f"Answer prompt {code} with yes, no or not applicable.")
    prompt = (
        _with_answer(Prompt.objects.select_related("key_question"), case, PromptAnswer)
        .filter(key_question__in=domain_key_questions(case), code=code)
        .annotate(
            key_question_value=Subquery(
                KeyQuestionAnswer.objects.filter(case=case, key_question=OuterRef("key_question")).values(
                    "value"
                )[:1]
            )
        )
        .first()
    )
    if prompt is None:
        raise ValidationError(f"Prompt {code} is not part of this case's assessment.")
    answer = _answer(prompt, PromptAnswer, case=case, prompt=prompt)
    if value in (rules.YES, rules.NO) and prompt.key_question_value == rules.NA:
        raise ValidationError(
            f"Key question {prompt.key_question.code} is answered not applicable, so its prompts are "
            "not applicable too. Change your judgement on the key question first."
        )
    _check_version(answer, version, {"value": value})
    if answer is not None and answer.value == value:
        return Saved(version=answer.version, changed=False)
    with pghistory.context(user=user.pk):
        if answer is None:
            answer = PromptAnswer.objects.create(case=case, prompt=prompt, value=value, updated_by=user)
        else:
            PromptAnswer.objects.filter(pk=answer.pk).update(
                value=value, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
            )
            answer.version += 1
    return Saved(version=answer.version, changed=True)


def _clean_key_question_changes(key_question: KeyQuestion, case: Case, changes: dict) -> dict:
    unknown = set(changes) - set(KEY_QUESTION_FIELDS)
    if unknown:
        raise ValidationError(f"Key question answers have no field {', '.join(sorted(unknown))}.")
    cleaned = {}
    for name, value in changes.items():
        if name == "good_practice":
            if not isinstance(value, bool):
                raise ValidationError("Say whether this is a good practice example with yes or no.")
            cleaned[name] = value
        elif not isinstance(value, str):
            raise ValidationError(f"The {name.replace('_', ' ')} must be text.")
        else:
            cleaned[name] = value.strip() if name != "value" else value
    if "value" in cleaned:
        value = cleaned["value"]
        applicability = rules.key_question_applicability(key_question.applicability, case_facts(case))
        if value and value not in applicability.choices:
            if value in rules.ANSWERS:
                raise ValidationError(f"{applicability.explanation} Answer yes or no.")
            raise ValidationError(f"Answer key question {key_question.code} with yes, no or not applicable.")
    return cleaned


@transaction.atomic
def key_question_answer_save(
    *,
    inspection: Inspection,
    case_id: int,
    user,
    code: str,
    changes: dict,
    version: int,
    clear_prompts: bool = False,
) -> Saved:
    """Saves the inspector's judgement on one key question of a case: any of its value, rationale, reason
    for being out of scope, quote for the report and good practice flag.

    Answering not applicable sets every prompt of the key question to not applicable as well; if some are
    answered yes or no, only with `clear_prompts` (else PromptsWouldBeCleared, and nothing is written).
    """
    case = lock_case_for_writing(inspection=inspection, case_id=case_id, user=user)
    key_question = _with_answer(domain_key_questions(case), case, KeyQuestionAnswer).filter(code=code).first()
    if key_question is None:
        raise ValidationError(f"Key question {code} is not part of this case's assessment.")
    changes = _clean_key_question_changes(key_question, case, changes)
    answer = _answer(key_question, KeyQuestionAnswer, case=case, key_question=key_question)
    _check_version(answer, version, changes)
    if answer is not None:
        changes = {name: value for name, value in changes.items() if getattr(answer, name) != value}
    if not changes:
        return Saved(version=answer.version if answer else 0, changed=False)
    if changes.get("value") == rules.NA and not clear_prompts:
        _refuse_clearing_answered_prompts(case=case, key_question=key_question)
    with pghistory.context(user=user.pk):
        if answer is None:
            answer = KeyQuestionAnswer(case=case, key_question=key_question, updated_by=user, **changes)
            answer.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
            answer.save()
        else:
            for name, value in changes.items():
                setattr(answer, name, value)
            answer.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
            KeyQuestionAnswer.objects.filter(pk=answer.pk).update(
                **changes, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
            )
            answer.version += 1
        prompts = {}
        if changes.get("value") == rules.NA:
            prompts = _set_prompts_not_applicable(case=case, key_question_ids=[key_question.pk], user=user)
    return Saved(version=answer.version, changed=True, prompts=prompts)


# --- the case facts ---------------------------------------------------------------------------------


@transaction.atomic
def case_facts_save(*, inspection: Inspection, case_id: int, user, changes: dict, version: int) -> Saved:
    """Saves the inspector's own judgements about the case (any of FACT_FIELDS, as Python values).

    `version` is the case's version the inspector's page showed; a change from an out-of-date page is
    refused with StaleAnswer unless it changes nothing.
    """
    case = lock_case_for_writing(inspection=inspection, case_id=case_id, user=user)
    unknown = set(changes) - set(FACT_FIELDS)
    if unknown:
        raise ValidationError(f"The case facts have no field {', '.join(sorted(unknown))}.")
    changes = {name: value for name, value in changes.items() if getattr(case, name) != value}
    if not changes:
        return Saved(version=case.version, changed=False)
    if version != case.version:
        raise StaleAnswer(
            current={name: getattr(case, name) for name in FACT_FIELDS},
            version=case.version,
            updated_by=_name(case.facts_updated_by),
            updated_at=case.facts_updated_at or case.updated_at,
        )
    for name, value in changes.items():
        setattr(case, name, value)
    case.full_clean(
        exclude=[f.name for f in Case._meta.fields if f.name not in FACT_FIELDS],
        validate_unique=False,
        validate_constraints=False,
    )
    now = timezone.now()
    with pghistory.context(user=user.pk):
        Case.objects.filter(pk=case.pk).update(
            **changes, version=F("version") + 1, facts_updated_by=user, facts_updated_at=now, updated_at=now
        )
    return Saved(version=case.version + 1, changed=True)


# --- submission and quality assurance ---------------------------------------------------------------


@transaction.atomic
def case_submit(*, inspection: Inspection, case_id: int, user) -> Case:
    """Sends a complete case to quality assurance; refused, with every problem listed, until it is complete."""
    case = lock_case_for_writing(inspection=inspection, case_id=case_id, user=user)
    problems = [f"{p.message}." for p in case_assessment(case).problems]
    problems += [
        f"{problem}." for problem in review_rules.submission_problems(comment_facts(review_comments(case)))
    ]
    if problems:
        raise ValidationError(problems)
    case.status = CaseStatus.SUBMITTED
    case.submitted_at = timezone.now()
    with pghistory.context(user=user.pk):
        case.save(update_fields=["status", "submitted_at", "updated_at"])
    return case


def _wrote_an_answer(case: Case, user) -> bool:
    """Whether the user wrote any of the case's answers (now, or in the history: an answer changed since) or
    its current facts."""
    from .models import KeyQuestionAnswerEvent, PromptAnswerEvent

    if case.facts_updated_by_id == user.pk:
        return True
    if (
        PromptAnswer.objects.filter(case=case, updated_by=user).exists()
        or KeyQuestionAnswer.objects.filter(case=case, updated_by=user).exists()
    ):
        return True
    return any(
        events.objects.filter(case_id=case.pk, updated_by_id=user.pk).exists()
        for events in (PromptAnswerEvent, KeyQuestionAnswerEvent)
    )


def _lock_for_review(*, inspection: Inspection, case_id: int, user) -> Case:
    if not user.has_perm("inspections.quality_assure", inspection):
        raise PermissionDenied("Only the lead inspector or a quality assurance inspector can review cases.")
    case = _lock_case(inspection=inspection, case_id=case_id)
    if case.inspector_id == user.pk:
        raise PermissionDenied(
            "You assessed this case, so another member of the team must quality assure it."
        )
    if _wrote_an_answer(case, user):
        raise PermissionDenied(
            "You wrote answers of this case (before it was given to its inspector), so another member of the "
            "team must quality assure it."
        )
    if case.status != CaseStatus.SUBMITTED:
        raise ValidationError(
            f"This case is not waiting for quality assurance: it is {case.get_status_display().lower()}."
        )
    return case


@transaction.atomic
def case_approve(*, inspection: Inspection, case_id: int, user) -> Case:
    """Approves a submitted case: it is locked, and counts in the final ratings."""
    case = _lock_for_review(inspection=inspection, case_id=case_id, user=user)
    _refuse_if_comments_open(case)
    case.status = CaseStatus.APPROVED
    case.approved_at = timezone.now()
    case.approved_by = user
    with pghistory.context(user=user.pk):
        case.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    return case


@transaction.atomic
def case_return(*, inspection: Inspection, case_id: int, user, reason: str) -> Case:
    """Returns a submitted case to its inspector with the reason; it becomes editable again."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say what the inspector needs to change"})
    case = _lock_for_review(inspection=inspection, case_id=case_id, user=user)
    _keep_answers_as_returned(case, user, reason)
    case.status = CaseStatus.RETURNED
    case.returned_reason = reason
    case.returned_at = timezone.now()
    case.returned_by = user
    with pghistory.context(user=user.pk):
        case.save(update_fields=["status", "returned_reason", "returned_at", "returned_by", "updated_at"])
    return case


# --- a whole standard's page, as posted without JavaScript --------------------------------------------


class AnswersNotSaved(Exception):
    """Some answers of a page were refused; none of the page was saved."""

    def __init__(self, *, errors: dict, conflicts: dict, rows: dict, confirmations: dict | None = None):
        self.errors = errors  # slug -> message
        self.conflicts = conflicts  # slug -> StaleAnswer
        self.rows = rows  # slug -> the row as given
        self.confirmations = confirmations or {}  # slug -> PromptsWouldBeCleared
        super().__init__("Some answers were refused; none of the page was saved.")


@transaction.atomic
def standard_answers_save(*, inspection: Inspection, case_id: int, user, rows: list[dict]) -> list[Saved]:
    """Saves the answers a standard's page changed, all or none. Each row is a dict with kind
    ("prompt" or "key_question"), code, slug (the page's id for it), values and the version the page showed.
    Key questions come first, so that a prompt is checked against its key question's new answer."""
    saved, errors, conflicts, confirmations = [], {}, {}, {}
    for row in rows:
        common = {"inspection": inspection, "case_id": case_id, "user": user, "version": row["version"]}
        try:
            if row["kind"] == "prompt":
                saved.append(prompt_answer_save(code=row["code"], value=row["values"]["value"], **common))
            else:
                saved.append(
                    key_question_answer_save(
                        code=row["code"],
                        changes=row["values"],
                        clear_prompts=row.get("clear_prompts", False),
                        **common,
                    )
                )
        except StaleAnswer as stale:
            conflicts[row["slug"]] = stale
        except PromptsWouldBeCleared as question:
            confirmations[row["slug"]] = question
        except ValidationError as error:
            errors[row["slug"]] = " ".join(error.messages)
    if errors or conflicts or confirmations:
        transaction.set_rollback(True)
        raise AnswersNotSaved(
            errors=errors,
            conflicts=conflicts,
            rows={row["slug"]: row for row in rows},
            confirmations=confirmations,
        )
    return saved


# --- comments on key questions at quality assurance (the rule: cases/review_rules.py) ----------------------


def _refuse_if_comments_open(case: Case) -> None:
    refusal = review_rules.approval_refusal(comment_facts(review_comments(case, for_update=True)))
    if refusal:
        raise ValidationError(refusal)


def _keep_answers_as_returned(case: Case, user, reason: str) -> None:
    """Keeps every answer of the case as it is at this return, for the re-review page to compare with."""
    CaseReturn.objects.create(
        case=case,
        returned_by=user,
        returned_at=timezone.now(),
        reason=reason,
        answers=answers_snapshot(case),
    )


def _clean_comment_text(text: str, *, field: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: f"Write your {what}"})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {field: f"Your {what} must be {COMMENT_MAX_LENGTH:,} characters or fewer (it has {len(text):,})"}
        )
    return text


@transaction.atomic
def review_comment_add(*, inspection: Inspection, case_id: int, user, code: str, text: str) -> ReviewComment:
    """A reviewer's comment on one key question of a case waiting for quality assurance."""
    case = _lock_for_review(inspection=inspection, case_id=case_id, user=user)
    text = _clean_comment_text(text, field="text", what="comment")
    key_question = domain_key_questions(case).filter(code=code).first()
    if key_question is None:
        raise Http404(f"Key question {code} is not part of this case's assessment.")
    judgement = (
        KeyQuestionAnswer.objects.filter(case=case, key_question=key_question)
        .values_list("value", flat=True)
        .first()
    )
    with pghistory.context(user=user.pk):
        return ReviewComment.objects.create(
            case=case, key_question=key_question, text=text, author=user, judgement_when_made=judgement or ""
        )


def _locked_comment(case: Case, comment_id: int):
    for item in review_comments(case, for_update=True):
        if item.comment.pk == comment_id:
            return item
    raise Http404("This case has no such comment.")


@transaction.atomic
def review_comment_withdraw(*, inspection: Inspection, case_id: int, user, comment_id: int) -> ReviewComment:
    """A reviewer takes back a comment nobody has answered yet (it stays in the history)."""
    case = _lock_for_review(inspection=inspection, case_id=case_id, user=user)
    item = _locked_comment(case, comment_id)
    if item.state == review_rules.CommentState.WITHDRAWN:
        raise ValidationError("This comment has already been withdrawn.")
    if not item.is_open:
        raise ValidationError("The inspector has answered this comment, so it can no longer be withdrawn.")
    comment = item.comment
    with pghistory.context(user=user.pk):
        ReviewComment.objects.filter(pk=comment.pk).update(
            withdrawn_at=timezone.now(), withdrawn_by=user, version=F("version") + 1
        )
    return comment


ONLY_THE_INSPECTOR_ANSWERS = "Only the inspector this case is allocated to can answer a comment on it."


def refuse_unless_may_answer(*, case: Case, user) -> None:
    """Raises PermissionDenied, saying why, unless the user may answer comments on the case now."""
    refuse_if_published(case.inspection, reread=False)
    if case.inspector_id is None or case.inspector_id != user.pk:
        raise PermissionDenied(ONLY_THE_INSPECTOR_ANSWERS)
    if not case.is_editable:
        raise PermissionDenied(LOCKED_MESSAGES[case.status])


@transaction.atomic
def review_comment_answer(
    *, inspection: Inspection, case_id: int, user, comment_id: int, reply: str, version: int
) -> ReviewComment:
    """The inspector's answer to a comment (written again, it replaces the last; the history keeps both).

    `version` is the comment's version the inspector's page showed: an answer from an out-of-date page is
    refused rather than written over another."""
    case = _lock_case(inspection=inspection, case_id=case_id)
    refuse_unless_may_answer(case=case, user=user)
    reply = _clean_comment_text(reply, field="reply", what="answer")
    item = _locked_comment(case, comment_id)
    comment = item.comment
    if item.state == review_rules.CommentState.WITHDRAWN:
        raise ValidationError("The reviewer has withdrawn this comment, so it needs no answer.")
    if comment.reply == reply:
        return comment
    if comment.version != version:
        raise ValidationError(
            {
                "reply": "This comment's answer was changed after your page was loaded, so your answer was not "
                "saved. The answer now saved is shown above; change yours and save again if it should replace it"
            }
        )
    with pghistory.context(user=user.pk):
        ReviewComment.objects.filter(pk=comment.pk).update(
            reply=reply, replied_by=user, replied_at=timezone.now(), version=F("version") + 1
        )
    comment.reply, comment.version = reply, comment.version + 1
    return comment

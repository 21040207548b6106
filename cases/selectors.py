"""Reads of cases and their assessments that span relations, each in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pghistory.models
from django.contrib.auth import get_user_model
from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from inspections.models import Inspection, KeyQuestion, Prompt, Standard, TeamRole

from . import review_rules, rules
from .models import (
    FACT_FIELDS,
    AnswerValue,
    Case,
    CaseEvent,
    CaseReturn,
    CaseStatus,
    Category,
    KeyQuestionAnswer,
    KeyQuestionAnswerEvent,
    Level,
    OffenceGroup,
    Oversight,
    PromptAnswer,
    PromptAnswerEvent,
    ReviewComment,
    SecondMarkingAnswer,
    YesNo,
)

User = get_user_model()


def case_facts(case: Case) -> rules.Facts:
    """What the applicability rules need from the case facts page."""
    return rules.Facts(
        is_youth_conditional_caution=case.is_youth_conditional_caution,
        inspector_rosh=case.inspector_rosh,
        child_safety_factors=case.child_safety_factors,
        others_safety_factors=case.others_safety_factors,
        review_needed=case.review_needed,
    )


def case_get_for(*, inspection: Inspection, case_id: int) -> Case:
    """A case of this inspection (the caller has already checked the user may see the inspection)."""
    try:
        case = Case.objects.select_related("inspector", "approved_by", "returned_by").get(
            inspection=inspection, pk=case_id
        )
    except Case.DoesNotExist:
        raise Http404("This inspection has no such case.") from None
    case.inspection = inspection
    return case


# --- one case's assessment -------------------------------------------------------------------------


class Answered:
    """A prompt or key question with the case's answer to it (None until it is answered)."""

    answer: PromptAnswer | KeyQuestionAnswer | None

    @property
    def value(self) -> str:
        return self.answer.value if self.answer else ""

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0


@dataclass
class PromptItem(Answered):
    prompt: Prompt
    answer: PromptAnswer | None

    @property
    def slug(self) -> str:
        return answer_slug("p", self.prompt.code)


@dataclass
class KeyQuestionItem(Answered):
    key_question: KeyQuestion
    prompts: list[PromptItem]
    answer: KeyQuestionAnswer | None
    report: rules.KeyQuestionReport

    @property
    def applicability(self) -> rules.Applicability:
        return self.report.applicability

    @property
    def slug(self) -> str:
        return answer_slug("kq", self.key_question.code)


@dataclass
class StandardItem:
    standard: Standard
    key_questions: list[KeyQuestionItem]

    @property
    def answered(self) -> int:
        return sum(kq.report.answered for kq in self.key_questions)

    @property
    def total(self) -> int:
        return sum(kq.report.total for kq in self.key_questions)

    @property
    def problems(self) -> list[rules.Problem]:
        return [p for kq in self.key_questions for p in kq.report.problems]

    @property
    def status(self) -> str:
        """The task list's status: not started, in progress or completed (nothing left to fix)."""
        if not any(kq.answer or any(p.answer for p in kq.prompts) for kq in self.key_questions):
            return "not_started"
        return "in_progress" if self.problems else "completed"

    @property
    def why_in_progress(self) -> str:
        """What is left, counted by kind ("3 prompts unanswered, 2 rationales missing")."""
        return rules.problems_in_words(self.problems)


@dataclass
class Assessment:
    case: Case
    standards: list[StandardItem]
    facts_problems: list[rules.Problem] = field(default_factory=list)

    def standard(self, code: str) -> StandardItem:
        for item in self.standards:
            if item.standard.code == code:
                return item
        raise Http404(f"Standard {code} is not assessed in this case.")

    @property
    def key_questions(self) -> list[KeyQuestionItem]:
        return [kq for s in self.standards for kq in s.key_questions]

    @property
    def problems(self) -> list[rules.Problem]:
        return self.facts_problems + [p for s in self.standards for p in s.problems]

    @property
    def out_of_scope(self) -> list[KeyQuestionItem]:
        """Key questions for all cases answered "out of scope": flagged to the lead at quality assurance."""
        return [kq for kq in self.key_questions if kq.report.out_of_scope]

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.standards)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.standards)

    @property
    def facts_status(self) -> str:
        required = rules.required_facts(court=self.case.category == Category.COURT)
        if not any(getattr(self.case, name) not in (None, "") for name in required):
            return "not_started"
        return "in_progress" if self.facts_problems else "completed"

    @property
    def facts_why_in_progress(self) -> str:
        return rules.problems_in_words(self.facts_problems)


def answer_slug(prefix: str, code: str) -> str:
    """The id of an answer's fields in a page: p-2-1-1-a for prompt 2.1.1.a, kq-2-1-1 for key question 2.1.1."""
    return f"{prefix}-{code.replace('.', '-')}"


def domain_key_questions(case: Case) -> QuerySet[KeyQuestion]:
    return KeyQuestion.objects.filter(
        standard__domain__framework_id=case.inspection.framework_id,
        standard__domain__code=case.domain_code,
    )


def domain_standard_codes(case: Case) -> list[str]:
    """The codes of the standards of the case's domain, in order (one query): where "save and continue" goes."""
    return list(
        Standard.objects.filter(
            domain__framework_id=case.inspection.framework_id, domain__code=case.domain_code
        )
        .order_by("order")
        .values_list("code", flat=True)
    )


def case_assessment(case: Case) -> Assessment:
    """Every standard, key question, prompt and answer of the case's domain, with what is left to do.

    Five queries whatever the size of the case or the inspection.
    """
    standards = list(
        Standard.objects.filter(
            domain__framework_id=case.inspection.framework_id, domain__code=case.domain_code
        ).order_by("order")
    )
    key_questions = list(domain_key_questions(case).order_by("standard__order", "order"))
    prompts = list(Prompt.objects.filter(key_question__in=[kq.pk for kq in key_questions]).order_by("order"))
    kq_answers = {
        a.key_question_id: a for a in KeyQuestionAnswer.objects.filter(case=case).select_related("updated_by")
    }
    prompt_answers = {
        a.prompt_id: a for a in PromptAnswer.objects.filter(case=case).select_related("updated_by")
    }
    facts = case_facts(case)
    prompts_by_kq: dict[int, list[Prompt]] = {}
    for prompt in prompts:
        prompts_by_kq.setdefault(prompt.key_question_id, []).append(prompt)
    kqs_by_standard: dict[int, list[KeyQuestionItem]] = {}
    for kq in key_questions:
        kq_prompts = prompts_by_kq.get(kq.pk, [])
        answer = kq_answers.get(kq.pk)
        report = rules.key_question_report(
            key_question_shape(kq, kq_prompts),
            facts,
            rules.KeyQuestionAnswer(answer.value, answer.rationale, answer.out_of_scope_reason)
            if answer
            else None,
            {p.code: prompt_answers[p.pk].value for p in kq_prompts if p.pk in prompt_answers},
        )
        kqs_by_standard.setdefault(kq.standard_id, []).append(
            KeyQuestionItem(kq, [PromptItem(p, prompt_answers.get(p.pk)) for p in kq_prompts], answer, report)
        )
    return Assessment(
        case=case,
        standards=[StandardItem(s, kqs_by_standard.get(s.pk, [])) for s in standards],
        facts_problems=facts_problems(case),
    )


def facts_problems(case: Case) -> list[rules.Problem]:
    """The case facts still to give before the case can be submitted."""
    court = case.category == Category.COURT
    return rules.facts_problems(
        {name: getattr(case, name) for name in rules.required_facts(court=court)}, court=court
    )


def key_question_shape(key_question: KeyQuestion, prompts: list[Prompt]) -> rules.KeyQuestionShape:
    return rules.KeyQuestionShape(
        code=key_question.code,
        rules=tuple(key_question.applicability),
        prompts=tuple(rules.PromptShape(p.code, p.relevant_cases_only) for p in prompts),
    )


# --- progress across cases --------------------------------------------------------------------------


def _count(answers: QuerySet) -> Coalesce:
    """How many of these answers each case has, as a subquery (0 for none)."""
    return Coalesce(
        Subquery(
            answers.filter(case=OuterRef("pk")).values("case").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _totals(inspection: Inspection) -> dict[str, int]:
    """Answers due per case, by the case's category: every key question and prompt of its domain."""
    totals = dict.fromkeys(Category.values, 0)
    domain_of = {"2": Category.COURT, "3": Category.OUT_OF_COURT}
    rows = (
        KeyQuestion.objects.filter(
            standard__domain__framework_id=inspection.framework_id,
            standard__domain__code__in=list(domain_of),
        )
        .values("standard__domain__code")
        .annotate(n=Count("pk", distinct=True) + Count("prompts", distinct=True))
    )
    for row in rows:
        totals[domain_of[row["standard__domain__code"]]] = row["n"]
    return totals


def _with_progress(cases: QuerySet[Case], totals: dict[str, int]) -> QuerySet[Case]:
    return cases.annotate(
        answered=_count(KeyQuestionAnswer.objects.exclude(value=""))
        + _count(PromptAnswer.objects.exclude(value="")),
        # Key questions for all cases answered "out of scope": flagged to the lead at quality assurance.
        out_of_scope=_count(
            KeyQuestionAnswer.objects.filter(
                value=rules.NA, key_question__applicability__contains=[rules.ALL_CASES]
            )
        ),
        total=SqlCase(
            *[When(category=category, then=Value(n)) for category, n in totals.items()],
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def cases_allocated_to(*, user, inspection: Inspection) -> list[Case]:
    """The user's cases on this inspection with answers given (`answered`) and due (`total`): two queries."""
    return list(
        _with_progress(
            Case.objects.filter(inspection=inspection, inspector=user), _totals(inspection)
        ).order_by("category", "reference")
    )


def returned_cases_of(user) -> list[Case]:
    """The person's cases returned by quality assurance on inspections not yet published, oldest return first
    (one query)."""
    return list(
        Case.objects.filter(inspector=user, status=CaseStatus.RETURNED, inspection__published_at__isnull=True)
        .select_related("inspection", "returned_by")
        .order_by("returned_at", "reference")
    )


def inspection_progress(inspection: Inspection) -> dict:
    """Per inspector and per case: how far each assessment is and its quality assurance state.

    Three queries whatever the number of cases.
    """
    totals = _totals(inspection)
    cases = _with_progress(Case.objects.filter(inspection=inspection), totals)
    per_status = {status: Count("pk", filter=Q(status=status)) for status in CaseStatus.values}
    inspectors = list(
        cases.order_by()
        .values("inspector", "inspector__first_name", "inspector__last_name", "inspector__email")
        .annotate(cases=Count("pk"), answered_sum=Sum("answered"), total_sum=Sum("total"), **per_status)
        .order_by("inspector__last_name", "inspector__first_name", "inspector__email")
    )
    for row in inspectors:
        full_name = f"{row['inspector__first_name']} {row['inspector__last_name']}".strip()
        row["name"] = full_name or row["inspector__email"] or ""
    return {
        "inspectors": inspectors,
        "cases": list(cases.select_related("inspector").order_by("category", "reference")),
    }


# --- history --------------------------------------------------------------------------------------

HISTORY_PAGE_SIZE = 50
BURST = timedelta(minutes=10)  # cases.models.HISTORY_BURST, which the database's trigger uses
# Bookkeeping columns of the event tables: the history page shows what the inspector changed, not these.
HISTORY_IGNORED = {"id", "version", "updated_at", "updated_by_id", "case_id", "key_question_id", "prompt_id"}
KEY_QUESTION_FIELD_NAMES = {
    "value": "judgement",
    "rationale": "rationale",
    "out_of_scope_reason": "reason it is out of scope",
    "quote": "quote for the report",
    "good_practice": "good practice example",
}


def case_events(case: Case) -> QuerySet:
    """Every recorded change to the case itself (its facts, allocation and QA states), newest first
    (django-pghistory's event table). Answers have their own history: `answer_history`."""
    return (
        pghistory.models.MiddlewareEvents.objects.across(CaseEvent)
        .references(case)
        .order_by("-pgh_created_at", "-pgh_id")
    )


ANSWER_STATE_FIELDS = {
    PromptAnswer: ("value",),
    KeyQuestionAnswer: ("value", "rationale", "out_of_scope_reason", "quote", "good_practice"),
}


def _answer_states(case: Case, model, event_model, item: str) -> dict[int, list[dict]]:
    """answer id -> its states, oldest first: every state the history tables hold (the end of each editing
    burst since coalescing; every save before it), then the answer as it is now, each with its prompt's or
    key question's code. Two queries."""
    columns = ("updated_by_id", "updated_at", *ANSWER_STATE_FIELDS[model])
    code = F(f"{item}__code")
    states: dict[int, list[dict]] = {}
    events = event_model.objects.filter(case_id=case.pk).order_by("pgh_obj_id", "updated_at", "pgh_id")
    for row in events.values("pgh_obj_id", *columns, code=code):
        states.setdefault(row.pop("pgh_obj_id"), []).append(row)
    for row in model.objects.filter(case=case).values("id", *columns, code=code):
        answer_states = states.setdefault(row.pop("id"), [])
        if not answer_states or answer_states[-1]["updated_at"] < row["updated_at"]:
            answer_states.append(row)
    return states


def _bursts(states: list[dict]) -> list[tuple[dict, dict]]:
    """(state before, state after) for each editing burst. States the database appended since coalescing
    are each the end of a burst already; history kept before it has a state per save, and consecutive
    states by the same person within BURST of each other are merged here the same way (the last "to")."""
    kept: list[dict] = []
    for state in states:
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and previous["updated_by_id"] == state["updated_by_id"]
            and state["updated_at"] - previous["updated_at"] <= BURST
        ):
            kept[-1] = state
        else:
            kept.append(state)
    return list(zip([{}, *kept[:-1]], kept, strict=True))


def answer_history(case: Case) -> list[Change]:
    """Every editing burst on the case's answers (one row per field a burst changed, by whom, when it
    ended), newest first. Six queries, however long the history."""
    states = _all_answer_states(case)
    return sorted(
        _answer_changes(*states, _names(_state_people(*states)), _reconciled(case)), key=_when, reverse=True
    )


def _reconciled(case: Case) -> dict[tuple[str, object], str]:
    """(key question code, when) -> the lead inspector's reason, for each answer that reconciliation of a blind
    second marking changed (the agreement app writes the answer with `updated_at` equal to the marking's
    `reconciled_at`, so the burst it ends is known exactly). One query."""
    rows = (
        SecondMarkingAnswer.objects.filter(marking__case=case, marking__reconciled_at__isnull=False)
        .exclude(agreed_value="")
        .exclude(agreed_value=F("first_value"))
        .values_list("code", "marking__reconciled_at", "agreed_reason")
    )
    return {(code, when): reason for code, when, reason in rows}


def _all_answer_states(case: Case) -> tuple[dict, dict]:
    return (
        _answer_states(case, PromptAnswer, PromptAnswerEvent, "prompt"),
        _answer_states(case, KeyQuestionAnswer, KeyQuestionAnswerEvent, "key_question"),
    )


def _state_people(prompts: dict, key_questions: dict) -> set:
    return {s["updated_by_id"] for states in (*prompts.values(), *key_questions.values()) for s in states}


def _names(ids: set) -> dict:
    return {u.pk: str(u) for u in User.objects.filter(pk__in=ids - {None})}


def _when(change: Change):
    return change.when


def _answer_changes(
    prompts: dict, key_questions: dict, users: dict, reconciled: dict | None = None
) -> list[Change]:
    rows = []
    for model, answers in ((PromptAnswer, prompts), (KeyQuestionAnswer, key_questions)):
        for states in answers.values():
            for before, after in _bursts(states):
                who = users.get(after["updated_by_id"], "The system")
                if model is KeyQuestionAnswer and (after["code"], after["updated_at"]) in (reconciled or {}):
                    who = f"{who}, at reconciliation: {reconciled[after['code'], after['updated_at']]}"
                for name in ANSWER_STATE_FIELDS[model]:
                    old, new = before.get(name), after[name]
                    if (old or None) == (new or None):
                        continue
                    if model is PromptAnswer:
                        what = f"Prompt {after['code']}"
                    else:
                        what = f"Key question {after['code']}: {KEY_QUESTION_FIELD_NAMES[name]}"
                    rows.append(
                        Change(
                            after["updated_at"], who, what, _shown(name, old, users), _shown(name, new, users)
                        )
                    )
    return rows


def case_history(case: Case) -> list[Change]:
    """The case's history page: changes to the case and editing bursts on its answers, newest first. Eight
    queries, however long the history."""
    events = list(case_events(case))
    states = _all_answer_states(case)
    people = _state_people(*states) | {
        person
        for event in events
        for person in (
            (event.pgh_context or {}).get("user"),
            event.pgh_data.get("updated_by_id"),
            event.pgh_data.get("inspector_id"),
        )
    }
    users = _names(people)
    changes = history_changes(events, users=users) + _answer_changes(*states, users, _reconciled(case))
    return sorted(changes, key=_when, reverse=True)


@dataclass(frozen=True)
class Change:
    when: object
    who: str
    what: str
    old: str
    new: str


def history_changes(events: list, users: dict | None = None) -> list[Change]:
    """One row per field each event changed, in the inspectors' words. Three queries for any page of events
    (one fewer with `users`, id -> name, given)."""
    kq_ids, prompt_ids, user_ids = set(), set(), set()
    for event in events:
        data = event.pgh_data
        kq_ids.add(data.get("key_question_id"))
        prompt_ids.add(data.get("prompt_id"))
        user_ids |= {
            (event.pgh_context or {}).get("user"),
            data.get("updated_by_id"),
            data.get("inspector_id"),
        }
    kq_codes = dict(KeyQuestion.objects.filter(pk__in=kq_ids - {None}).values_list("pk", "code"))
    prompt_codes = dict(Prompt.objects.filter(pk__in=prompt_ids - {None}).values_list("pk", "code"))
    missing = user_ids - {None} - set(users or {})
    users = {**(users or {}), **{u.pk: str(u) for u in User.objects.filter(pk__in=missing)}}
    labels = {f.name: f.verbose_name for f in Case._meta.fields}
    rows = []
    for event in events:
        data = event.pgh_data
        who_id = (event.pgh_context or {}).get("user") or data.get("updated_by_id")
        who = users.get(who_id, "The system")
        if (event.pgh_context or {}).get(
            "reconciliation"
        ):  # the agreement app's reconciliation of two markings
            who = f"{who}, at reconciliation: {event.pgh_context.get('reason', '')}"
        if event.pgh_diff:
            changed = {name: tuple(pair) for name, pair in event.pgh_diff.items()}
        else:
            changed = {name: (None, value) for name, value in data.items() if value not in (None, "", False)}
        for name, (old, new) in sorted(changed.items()):
            if name in HISTORY_IGNORED:
                continue
            if event.pgh_model.endswith("PromptAnswerEvent"):
                what = f"Prompt {prompt_codes.get(data['prompt_id'], '?')}"
            elif event.pgh_model.endswith("KeyQuestionAnswerEvent"):
                what = f"Key question {kq_codes.get(data['key_question_id'], '?')}: {KEY_QUESTION_FIELD_NAMES[name]}"
            else:
                name_ = "inspector" if name == "inspector_id" else name
                what = str(labels.get(name_, name_)).capitalize()
            rows.append(
                Change(event.pgh_created_at, who, what, _shown(name, old, users), _shown(name, new, users))
            )
    return rows


def _shown(name: str, value, users: dict) -> str:
    if value is None or value == "":
        return "–"
    if name == "inspector_id":
        return users.get(value, "someone")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name in TEXT_FIELDS:
        return value
    return CHOICE_NAMES.get(value, str(value))


TEXT_FIELDS = {"rationale", "out_of_scope_reason", "quote", "notes", "returned_reason"}
CHOICE_NAMES = {
    **dict(AnswerValue.choices),
    **dict(Level.choices),
    **dict(OffenceGroup.choices),
    **dict(Oversight.choices),
    **dict(YesNo.choices),
    **dict(CaseStatus.choices),
}


# --- quality assurance: the queue, comments and what changed since a return ------------------------------


@dataclass
class CommentItem:
    """A reviewer's comment with its state (cases/review_rules.py)."""

    comment: ReviewComment
    state: review_rules.CommentState

    @property
    def is_open(self) -> bool:
        return self.state == review_rules.CommentState.OPEN

    @property
    def state_label(self) -> str:
        return review_rules.STATE_LABELS[self.state]

    @property
    def code(self) -> str:
        return self.comment.key_question.code


def _comment_facts(comment: ReviewComment) -> review_rules.CommentFacts:
    return review_rules.CommentFacts(
        code=comment.key_question.code,
        reply=comment.reply,
        withdrawn=comment.withdrawn_at is not None,
        judgement_when_made=comment.judgement_when_made,
        judgement_now=comment.judgement_now or "",
    )


def review_comments(case: Case, *, for_update: bool = False) -> list[CommentItem]:
    """Every comment on the case's key questions, oldest first, each with the judgement now and its state.
    One query (locking the comments too if `for_update`)."""
    comments = ReviewComment.objects.filter(case=case).annotate(
        judgement_now=Subquery(
            KeyQuestionAnswer.objects.filter(case=case, key_question=OuterRef("key_question")).values(
                "value"
            )[:1]
        )
    )
    if for_update:
        comments = comments.select_for_update(of=("self",)).select_related("key_question__standard")
    else:
        comments = comments.select_related("key_question__standard", "author", "replied_by", "withdrawn_by")
    return [
        CommentItem(comment, review_rules.comment_state(_comment_facts(comment)))
        for comment in comments.order_by("created_at", "pk")
    ]


def comment_facts(items: list[CommentItem]) -> list[review_rules.CommentFacts]:
    return [_comment_facts(item.comment) for item in items]


def comments_by_key_question(items: list[CommentItem]) -> dict[int, list[CommentItem]]:
    by_key_question: dict[int, list[CommentItem]] = {}
    for item in items:
        by_key_question.setdefault(item.comment.key_question_id, []).append(item)
    return by_key_question


def answers_snapshot(case: Case) -> dict:
    """Every answer of the case as it stands: the inspector's judgements on the facts, each key question's
    fields and each prompt's answer, by code (two queries). What a return keeps (CaseReturn.answers)."""
    key_questions = {
        row.pop("key_question__code"): row
        for row in KeyQuestionAnswer.objects.filter(case=case).values(
            "key_question__code", "value", "rationale", "out_of_scope_reason", "quote", "good_practice"
        )
    }
    prompts = dict(PromptAnswer.objects.filter(case=case).values_list("prompt__code", "value"))
    return {
        "facts": {name: getattr(case, name) for name in FACT_FIELDS},
        "key_questions": key_questions,
        "prompts": prompts,
    }


def last_return(case: Case) -> CaseReturn | None:
    return (
        CaseReturn.objects.filter(case=case)
        .select_related("returned_by")
        .order_by("-returned_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class AnswerChange:
    """One answer that differs from what it was when the case was last returned."""

    anchor: str  # the id of the answer's place on the review page
    what: str
    then: str
    now: str


@dataclass
class ChangesSinceReturn:
    case_return: CaseReturn
    changes: list[AnswerChange]
    # key question code -> field -> value when returned ("value" for the judgement); prompt code -> value
    key_questions: dict[str, dict[str, object]]
    prompts: dict[str, object]


KEY_QUESTION_CHANGE_FIELDS = ("value", "out_of_scope_reason", "rationale", "quote", "good_practice")


def changes_since_return(assessment: Assessment, case_return: CaseReturn | None) -> ChangesSinceReturn | None:
    """Each answer whose value now differs from the value kept when the case was returned (no queries)."""
    if case_return is None:
        return None
    then = case_return.answers
    now = answers_snapshot_from(assessment)
    changes: list[AnswerChange] = []
    facts_labels = {f.name: str(f.verbose_name).capitalize() for f in Case._meta.fields}
    for name in FACT_FIELDS:
        before, after = then.get("facts", {}).get(name), now["facts"][name]
        if before != after:
            changes.append(
                AnswerChange("facts", facts_labels[name], _shown(name, before, {}), _shown(name, after, {}))
            )
    changed_kqs: dict[str, dict[str, object]] = {}
    changed_prompts: dict[str, object] = {}
    for kq in assessment.key_questions:
        code = kq.key_question.code
        before_kq = then.get("key_questions", {}).get(code, {})
        after_kq = now["key_questions"].get(code, {})
        for name in KEY_QUESTION_CHANGE_FIELDS:
            before, after = before_kq.get(name, _blank(name)), after_kq.get(name, _blank(name))
            if before != after:
                changed_kqs.setdefault(code, {})[name] = before
                changes.append(
                    AnswerChange(
                        kq.slug,
                        f"Key question {code}: {KEY_QUESTION_FIELD_NAMES[name]}",
                        _shown(name, before, {}),
                        _shown(name, after, {}),
                    )
                )
        for prompt in kq.prompts:
            prompt_code = prompt.prompt.code
            before, after = then.get("prompts", {}).get(prompt_code, ""), now["prompts"].get(prompt_code, "")
            if before != after:
                changed_prompts[prompt_code] = before
                changes.append(
                    AnswerChange(
                        kq.slug,
                        f"Prompt {prompt_code}",
                        _shown("value", before, {}),
                        _shown("value", after, {}),
                    )
                )
    return ChangesSinceReturn(case_return, changes, changed_kqs, changed_prompts)


def _blank(name: str):
    return False if name == "good_practice" else ""


def answers_snapshot_from(assessment: Assessment) -> dict:
    """The same as answers_snapshot, from an assessment already read (no queries)."""
    key_questions, prompts = {}, {}
    for kq in assessment.key_questions:
        if kq.answer is not None:
            key_questions[kq.key_question.code] = {
                name: getattr(kq.answer, name) for name in KEY_QUESTION_CHANGE_FIELDS
            }
        for prompt in kq.prompts:
            if prompt.answer is not None:
                prompts[prompt.prompt.code] = prompt.answer.value
    return {
        "facts": {name: getattr(assessment.case, name) for name in FACT_FIELDS},
        "key_questions": key_questions,
        "prompts": prompts,
    }


@dataclass
class QaQueue:
    cases: list[Case]  # submitted, oldest first, after the filters
    waiting: int  # submitted cases in all, before the filters
    inspectors: list[tuple[str, str, int]]  # (id, name, cases waiting) for the filter
    categories: list[tuple[str, str, int]]  # (value, label, cases waiting)
    returned: list[Case]  # returned to their inspectors, with their open comments


def _open_comments_count() -> Subquery:
    """How many of a case's comments are open (neither answered, nor withdrawn, nor on a judgement changed
    since), as a subquery (0 for none)."""
    judgement_now = KeyQuestionAnswer.objects.filter(
        case=OuterRef("case"), key_question=OuterRef("key_question")
    ).values("value")[:1]
    comments = (
        ReviewComment.objects.filter(case=OuterRef("pk"), withdrawn_at__isnull=True, reply="")
        .annotate(judgement_now=Coalesce(Subquery(judgement_now), Value("")))
        .filter(judgement_now=F("judgement_when_made"))
    )
    return Coalesce(
        Subquery(comments.values("case").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


def qa_queue(inspection: Inspection, *, inspector_id: str = "", category: str = "") -> QaQueue:
    """The cases waiting for quality assurance, oldest submission first, filtered by inspector ("none" for
    cases not allocated) and category; with how many wait per inspector and per category, and the cases
    returned to their inspectors. Three queries whatever the number of cases."""
    submitted = Case.objects.filter(inspection=inspection, status=CaseStatus.SUBMITTED)
    inspectors: dict[str, tuple[str, str, int]] = {}
    categories = dict.fromkeys(Category.values, 0)
    waiting = 0
    # Every inspector with a case on the inspection is a choice (0 if none of theirs waits).
    rows = (
        Case.objects.filter(inspection=inspection)
        .order_by()
        .values("inspector", "inspector__first_name", "inspector__last_name", "inspector__email", "category")
        .annotate(n=Count("pk", filter=Q(status=CaseStatus.SUBMITTED)))
    )
    for row in rows:
        key = str(row["inspector"] or "none")
        name = f"{row['inspector__first_name'] or ''} {row['inspector__last_name'] or ''}".strip()
        name = name or row["inspector__email"] or "Not allocated"
        inspectors[key] = (key, name, inspectors.get(key, (key, name, 0))[2] + row["n"])
        categories[row["category"]] += row["n"]
        waiting += row["n"]
    filtered = submitted
    if inspector_id == "none":
        filtered = filtered.filter(inspector__isnull=True)
    elif inspector_id:
        filtered = filtered.filter(inspector_id=inspector_id)
    if category:
        filtered = filtered.filter(category=category)
    cases = list(
        filtered.select_related("inspector")
        .annotate(
            times_returned=Count("returns", distinct=True),
            comments_open=_open_comments_count(),
            out_of_scope=_count(
                KeyQuestionAnswer.objects.filter(
                    value=rules.NA, key_question__applicability__contains=[rules.ALL_CASES]
                )
            ),
        )
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    returned = list(
        Case.objects.filter(inspection=inspection, status=CaseStatus.RETURNED)
        .select_related("inspector", "returned_by")
        .annotate(comments_open=_open_comments_count())
        .order_by("returned_at", "pk")
    )
    return QaQueue(
        cases=cases,
        waiting=waiting,
        inspectors=sorted(inspectors.values(), key=lambda row: (row[0] == "none", row[1])),
        categories=[(value, label, categories[value]) for value, label in Category.choices],
        returned=returned,
    )


def qa_waiting_by_inspection(user) -> list[dict]:
    """For the home page: each inspection the user quality assures (its lead or a QA inspector) with the
    number of cases waiting for review, where any wait. One query."""
    return list(
        Case.objects.filter(
            status=CaseStatus.SUBMITTED,
            inspection__team__user=user,
            inspection__team__role__in=[TeamRole.LEAD, TeamRole.QA],
            inspection__published_at__isnull=True,
        )
        .order_by()
        .values("inspection__reference", "inspection__service__name")
        .annotate(waiting=Count("pk"))
        .order_by("inspection__reference")
    )


def stage_facts(inspection_ids: list[int]) -> dict[int, dict]:
    """For the inspection's stage (inspections/stage.py): its cases, how many are allocated, submitted (or
    approved) and approved. One query."""
    rows = (
        Case.objects.filter(inspection_id__in=inspection_ids)
        .values("inspection_id")
        .annotate(
            cases=Count("pk"),
            allocated=Count("pk", filter=Q(inspector__isnull=False)),
            submitted=Count("pk", filter=Q(status__in=[CaseStatus.SUBMITTED, CaseStatus.APPROVED])),
            approved=Count("pk", filter=Q(status=CaseStatus.APPROVED)),
        )
    )
    return {row.pop("inspection_id"): row for row in rows}

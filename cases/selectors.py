"""Reads of cases and their assessments that span relations, each in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

import pghistory.models
from django.contrib.auth import get_user_model
from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
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

from inspections.models import Inspection, KeyQuestion, Prompt, Standard

from . import rules
from .models import (
    AnswerValue,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    KeyQuestionAnswer,
    KeyQuestionAnswerEvent,
    Level,
    OffenceGroup,
    Oversight,
    PromptAnswer,
    PromptAnswerEvent,
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


def answer_slug(prefix: str, code: str) -> str:
    """The id of an answer's fields in a page: p-2-1-1-a for prompt 2.1.1.a, kq-2-1-1 for key question 2.1.1."""
    return f"{prefix}-{code.replace('.', '-')}"


def domain_key_questions(case: Case) -> QuerySet[KeyQuestion]:
    return KeyQuestion.objects.filter(
        standard__domain__framework_id=case.inspection.framework_id,
        standard__domain__code=case.domain_code,
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
    """Every recorded change to the case and its answers, newest first (django-pghistory's event tables)."""
    return (
        pghistory.models.MiddlewareEvents.objects.across(CaseEvent, KeyQuestionAnswerEvent, PromptAnswerEvent)
        .references(case)
        .order_by("-pgh_created_at", "-pgh_id")
    )


@dataclass(frozen=True)
class Change:
    when: object
    who: str
    what: str
    old: str
    new: str


def history_changes(events: list) -> list[Change]:
    """One row per field each event changed, in the inspectors' words. Three queries for any page of events."""
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
    users = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids - {None})}
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

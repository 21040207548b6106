"""Reads of second markings: the choice of cases, a marker's pages, the pairs of answers and their figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from cases import rules as case_rules
from cases.blinding import is_revealed
from cases.models import Case, CaseStatus, Category, KeyQuestionAnswer, SecondMarking, SecondMarkingAnswer
from inspections.models import Inspection, TeamMembership
from inspections.selectors import framework_structure
from ratings.selectors import key_question_counts

from . import rules, statistics
from .permissions import MARKER_ROLES

DOMAIN_OF_CATEGORY = {Category.COURT: "2", Category.OUT_OF_COURT: "3"}


def markings_of(inspection: Inspection) -> list[SecondMarking]:
    """Every second marking of the inspection, with its case, inspector, marker and answers given."""
    return list(
        SecondMarking.objects.filter(case__inspection=inspection)
        .select_related("case", "case__inspector", "marker", "reconciled_by")
        .annotate(answered=Count("answers", filter=~Q(answers__value="")))
        .order_by("case__category", "case__reference")
    )


def marking_get(inspection: Inspection, case_id: int) -> SecondMarking:
    marking = (
        SecondMarking.objects.filter(case__inspection=inspection, case_id=case_id)
        .select_related("case", "case__inspector", "marker", "reconciled_by")
        .first()
    )
    if marking is None:
        raise Http404("This case is not chosen for second marking.")
    marking.case.inspection = inspection
    return marking


def marking_state(marking: SecondMarking) -> tuple[str, str]:
    """(state, words) for the task lists: not named, not started, in progress, submitted, ready, reconciled."""
    if marking.reconciled_at:
        return "reconciled", "Reconciled"
    if is_revealed(marking):
        return "ready", "Ready to reconcile"
    if marking.submitted_at:
        return "submitted", "Submitted: waiting for the inspector"
    if not marking.marker_id and not marking.marker_label:
        return "not_named", "No marker named"
    if getattr(marking, "answered", 0):
        return "in_progress", "In progress"
    return "not_started", "Not started"


def possible_markers(inspection: Inspection) -> list:
    """Team members who may be named second marker (each case also excludes its own inspector)."""
    members = TeamMembership.objects.filter(inspection=inspection, role__in=MARKER_ROLES).select_related(
        "user"
    )
    return sorted((member.user for member in members), key=str)


def cases_to_add(inspection: Inspection) -> list[Case]:
    """The inspection's cases not yet chosen for second marking."""
    return list(
        Case.objects.filter(inspection=inspection, second_marking__isnull=True)
        .select_related("inspector")
        .order_by("category", "reference")
    )


# --- a marker's pages ----------------------------------------------------------------------------------


@dataclass
class MarkPrompt:
    id: str
    text: str
    relevant_cases_only: bool
    value: str = ""

    @property
    def slug(self) -> str:
        return "p-" + self.id.replace(".", "-")


@dataclass
class MarkKeyQuestion:
    id: str
    text: str
    applicability: case_rules.Applicability
    prompts: list[MarkPrompt]
    value: str = ""
    rationale: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return "kq-" + self.id.replace(".", "-")


@dataclass
class MarkStandard:
    id: str
    title: str
    statement: str
    key_questions: list[MarkKeyQuestion]

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(kq.slug, problem) for kq in self.key_questions for problem in kq.problems]

    @property
    def status(self) -> str:
        if not any(kq.value or any(p.value for p in kq.prompts) for kq in self.key_questions):
            return "not_started"
        return "in_progress" if self.problems else "completed"


def second_facts(case: Case) -> case_rules.Facts:
    """The applicability rules' facts for a second marker: only the service's record of the case. The first
    marker's own judgements (risk level, safety factors) are theirs, so the second marker gets no suggestion
    from them; the rule that fixes an answer (3.4.2 outside youth conditional cautions) applies the same."""
    return case_rules.Facts(is_youth_conditional_caution=case.is_youth_conditional_caution)


def marking_standards(marking: SecondMarking) -> list[MarkStandard]:
    """The standards of the case's domain with the second marker's answers and what is left to do."""
    case = marking.case
    domain_code = DOMAIN_OF_CATEGORY[case.category]
    structure = framework_structure(case.inspection.framework)
    answers = {a.code: a for a in SecondMarkingAnswer.objects.filter(marking=marking)}
    facts = second_facts(case)
    standards = []
    for domain in structure:
        if domain["id"] != domain_code:
            continue
        for s in domain["standards"]:
            kqs = []
            for kq in s["key_questions"]:
                answer = answers.get(kq["id"])
                item = MarkKeyQuestion(
                    kq["id"],
                    kq["text"],
                    case_rules.key_question_applicability(kq["applicability"], facts),
                    [
                        MarkPrompt(
                            p["id"],
                            p["text"],
                            p["relevant_cases_only"],
                            answers[p["id"]].value if p["id"] in answers else "",
                        )
                        for p in kq["prompts"]
                    ],
                    answer.value if answer else "",
                    answer.rationale if answer else "",
                )
                item.problems = key_question_problems(item)
                kqs.append(item)
            standards.append(MarkStandard(s["id"], s["title"], s["statement"], kqs))
    return standards


def key_question_problems(kq: MarkKeyQuestion) -> list[str]:
    """What a second marker still has to do on one key question. Prompts are optional; the key question's
    answer, within the same rules as the first marker's, and its rationale are not."""
    if kq.applicability.forced:
        return []
    problems = []
    if not kq.value:
        problems.append(f"Give your judgement on key question {kq.id}")
    elif kq.value not in kq.applicability.choices:
        problems.append(f"{kq.applicability.explanation} Answer {kq.id} yes or no")
    elif not kq.rationale.strip():
        problems.append(f"Give the rationale for your judgement on {kq.id}")
    for prompt in kq.prompts:
        if kq.value == case_rules.NA and prompt.value not in ("", case_rules.NA):
            problems.append(f"Prompt {prompt.id} must be not applicable, because key question {kq.id} is")
        elif (
            kq.value in (case_rules.YES, case_rules.NO)
            and prompt.value == case_rules.NA
            and not prompt.relevant_cases_only
        ):
            problems.append(
                f"Prompt {prompt.id} can be not applicable only if key question {kq.id} is: answer yes or no"
            )
    return problems


# --- the pairs and their figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    case: str
    key_question: str
    standard: str
    domain: str
    first: str
    second: str
    first_marker: str
    second_marker: str
    first_rationale: str = ""
    second_rationale: str = ""

    @property
    def inspectors(self) -> str:
        return f"{self.first_marker} and {self.second_marker}"


def _first_marker_name(case: Case) -> str:
    return str(case.inspector) if case.inspector_id else "Imported (no inspector named)"


def revealed_markings(inspections) -> list[SecondMarking]:
    """The second markings of these inspections whose two markers have both submitted."""
    markings = (
        SecondMarking.objects.filter(case__inspection__in=inspections, submitted_at__isnull=False)
        .select_related("case", "case__inspector", "case__inspection", "marker")
        .prefetch_related(Prefetch("answers", queryset=SecondMarkingAnswer.objects.order_by("code")))
        .order_by("case__inspection__reference", "case__category", "case__reference")
    )
    return [marking for marking in markings if is_revealed(marking)]


def pairs_of(markings: list[SecondMarking]) -> list[Pair]:
    """One pair per key question of each revealed marking where both markers answered it. The first marker's
    answer is the case's own, or, once reconciled, the one it had before reconciliation."""
    kq_answers = defaultdict(dict)
    rows = KeyQuestionAnswer.objects.filter(case__in=[m.case_id for m in markings]).values_list(
        "case_id", "key_question__code", "key_question__standard__code", "value", "rationale"
    )
    for case_id, code, standard, value, rationale in rows:
        kq_answers[case_id][code] = (standard, value, rationale)
    pairs = []
    for marking in markings:
        seconds = {a.code: a for a in marking.answers.all()}
        domain = DOMAIN_OF_CATEGORY[marking.case.category]
        for code, (standard, value, rationale) in sorted(
            kq_answers[marking.case_id].items(), key=_code_order
        ):
            second = seconds.get(code)
            if second is None or not second.value:
                continue
            first, first_rationale = value, rationale
            if second.first_value:  # reconciled: the first marker's answer as it was
                first, first_rationale = second.first_value, second.first_rationale
            if not first:
                continue
            pairs.append(
                Pair(
                    marking.case.reference,
                    code,
                    standard,
                    domain,
                    first,
                    second.value,
                    _first_marker_name(marking.case),
                    marking.marker_name,
                    first_rationale,
                    second.rationale,
                )
            )
    return pairs


def _code_order(item) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in item[0].split("."))


def figures_json(markings: list[SecondMarking], pairs: list[Pair]) -> dict:
    """The agreement document (README: `./dev manage agreement`): per key question, domain and overall."""
    by_kq: dict[str, list] = defaultdict(list)
    by_domain: dict[str, list] = {"2": [], "3": []}
    for pair in pairs:
        by_kq[pair.key_question].append((pair.first, pair.second))
        by_domain[pair.domain].append((pair.first, pair.second))
    return {
        "cases": len(markings),
        "key_questions": {
            code: statistics.agreement(values).as_json()
            for code, values in sorted(by_kq.items(), key=lambda item: _code_order(item))
        },
        "domains": {code: statistics.agreement(values).as_json() for code, values in by_domain.items()},
        "overall": statistics.agreement((p.first, p.second) for p in pairs).as_json(),
    }


def agreement_json(inspection: Inspection) -> dict:
    markings = revealed_markings([inspection])
    return figures_json(markings, pairs_of(markings))


@dataclass(frozen=True)
class Row:
    """One line of a figures table: what it is about, its figures and their reading."""

    label: str
    figures: statistics.Agreement

    @property
    def reading(self) -> str:
        return statistics.reading(self.figures)


def _rows(groups: dict[str, list[tuple[str, str]]], order=None) -> list[Row]:
    keys = sorted(groups, key=order) if order else sorted(groups)
    return [Row(key, statistics.agreement(groups[key])) for key in keys]


@dataclass
class Figures:
    cases: int
    pairs: list[Pair]
    overall: Row
    domains: list[Row]
    key_questions: list[Row]
    inspector_pairs: list[Row]
    inspectors: list[Row] = field(default_factory=list)
    sensitivity: list[rules.Sensitivity] = field(default_factory=list)

    @property
    def disagreements(self) -> list[Pair]:
        return [pair for pair in self.pairs if pair.first != pair.second]


def figures(markings: list[SecondMarking], *, per_inspector: bool = False) -> Figures:
    pairs = pairs_of(markings)
    by_kq, by_domain, by_couple, by_inspector = (defaultdict(list) for _ in range(4))
    for pair in pairs:
        value = (pair.first, pair.second)
        by_kq[pair.key_question].append(value)
        by_domain[f"Domain {pair.domain}"].append(value)
        by_couple[pair.inspectors].append(value)
        by_inspector[pair.first_marker].append(value)
        by_inspector[pair.second_marker].append(value)
    return Figures(
        cases=len(markings),
        pairs=pairs,
        overall=Row("All key questions", statistics.agreement((p.first, p.second) for p in pairs)),
        domains=_rows(by_domain),
        key_questions=_rows(by_kq, order=lambda code: _code_order((code,))),
        inspector_pairs=_rows(by_couple),
        inspectors=_rows(by_inspector) if per_inspector else [],
    )


def inspection_figures(inspection: Inspection) -> Figures:
    """The inspection's figures, with the ratings' sensitivity to the disagreements on each case-based
    standard's limiting key question (the provisional figures, counted as the ratings page counts them)."""
    markings = revealed_markings([inspection])
    result = figures(markings)
    # Reconciliation has already changed the case's answer where it differed; the sensitivity asks what the
    # disagreements not yet reconciled could do.
    open_ = defaultdict(list)
    reconciled = {m.case.reference for m in markings if m.reconciled_at}
    for pair in result.disagreements:
        if pair.case not in reconciled:
            open_[pair.key_question].append((pair.first, pair.second))
    counts = key_question_counts(inspection)
    for domain in framework_structure(inspection.framework):
        if domain["id"] not in ("2", "3"):
            continue
        for s in domain["standards"]:
            found = rules.sensitivity(s["id"], counts, [kq["id"] for kq in s["key_questions"]], open_)
            if found is not None:
                result.sensitivity.append(found)
    return result


def programme_figures() -> tuple[Figures, int]:
    """Every inspection's second markings pooled: per key question and per inspector (administrators)."""
    inspections = Inspection.objects.all()
    markings = revealed_markings(inspections)
    return figures(markings, per_inspector=True), len({m.case.inspection_id for m in markings})


def my_markings(inspection: Inspection, user) -> list[SecondMarking]:
    return [m for m in markings_of(inspection) if m.marker_id == user.pk]


def first_marking_submitted(case: Case) -> bool:
    return case.status in (CaseStatus.SUBMITTED, CaseStatus.APPROVED)

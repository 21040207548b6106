"""Reads that turn an inspection's case answers into figures and ratings (docs/rules.md sections 3 and 4).

The counts are aggregated in the database: one grouped query for every key question and one for every prompt,
whatever the number of cases. The arithmetic is `rules.py`'s. There are three views of the same inspection:

- provisional figures, from submitted and approved case assessments (during fieldwork);
- final figures, from approved case assessments only (what the ratings panel decides on);
- locked figures, the snapshot taken when the panel signed the ratings off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, F, Q

from cases.models import (
    AnswerValue,
    Case,
    CaseStatus,
    Category,
    KeyQuestionAnswer,
    Level,
    Oversight,
    PromptAnswer,
    YesNo,
)
from inspections.models import Applicability, Inspection
from inspections.selectors import framework_structure

from . import rules
from .models import DomainOneProposal, EvidenceNote, PanelDecision, RatingsSignOff

PROVISIONAL, FINAL = "provisional", "final"
CASE_STATUSES = {
    PROVISIONAL: (CaseStatus.SUBMITTED, CaseStatus.APPROVED),
    FINAL: (CaseStatus.APPROVED,),
}
DOMAIN_ONE = "1"

# The keys of the ratings document, in the documented order.
STANDARD_KEYS = (
    "id",
    "title",
    "computed_rating",
    "rating",
    "triggers",
    "discretion_applied",
    "discretion_key_question",
)
KEY_QUESTION_KEYS = ("id", "yes", "applicable", "percent", "lowest")
# Domain-one standards add "case_figures" after "key_questions" (sign-offs from before they were kept lack it).
CASE_FIGURE_KEYS = ("id", "key_question", "yes", "applicable", "percent")

# yes, applicable (key questions) or yes, answered (prompts), by public id.
Counts = dict[str, tuple[int, int]]


# --- Aggregation ------------------------------------------------------------------------------------------


def _answer_counts(model, code_field: str, inspection: Inspection, statuses) -> Counts:
    rows = (
        model.objects.filter(case__inspection=inspection, case__status__in=statuses)
        .values(code_field)
        .annotate(
            yes=Count("pk", filter=Q(value=AnswerValue.YES)),
            answered=Count("pk", filter=Q(value__in=(AnswerValue.YES, AnswerValue.NO))),
        )
        .order_by()
    )
    return {row[code_field]: (row["yes"], row["answered"]) for row in rows}


def key_question_counts(inspection: Inspection, *, figures: str = PROVISIONAL) -> Counts:
    """Yes and applicable ('yes' or 'no') answers of every key question, in one query."""
    return _answer_counts(KeyQuestionAnswer, "key_question__code", inspection, CASE_STATUSES[figures])


def prompt_counts(inspection: Inspection, *, figures: str = PROVISIONAL) -> Counts:
    """Yes and answered ('yes' or 'no') answers of every prompt, in one query. A prompt left out of an imported
    case, or answered 'not applicable', takes no part."""
    return _answer_counts(PromptAnswer, "prompt__code", inspection, CASE_STATUSES[figures])


@dataclass(frozen=True)
class CaseCounts:
    """How many cases of each category are in each state, for the sample sentences and the provisional note."""

    by_category_and_status: dict[tuple[str, str], int]
    # The case-sample figures of the cases in each category and state, (yes, applicable) by id.
    figures_by_category_and_status: dict[tuple[str, str], Counts] = field(default_factory=dict)

    def count(self, *, category: str | None = None, statuses=None) -> int:
        return sum(
            n
            for (cat, status), n in self.by_category_and_status.items()
            if (category is None or cat == category) and (statuses is None or status in statuses)
        )

    @property
    def total(self) -> int:
        return self.count()

    @property
    def approved(self) -> int:
        return self.count(statuses=CASE_STATUSES[FINAL])

    @property
    def awaiting_approval(self) -> int:
        return self.count(statuses=(CaseStatus.SUBMITTED,))

    @property
    def not_submitted(self) -> int:
        return self.total - self.approved - self.awaiting_approval

    def counted(self, figures: str) -> dict[str, int]:
        """Cases that count in these figures, by category."""
        return {
            category: self.count(category=category, statuses=CASE_STATUSES[figures])
            for category in (Category.COURT, Category.OUT_OF_COURT)
        }

    def case_figures(self, figures: str) -> Counts:
        """Every case-sample figure, (yes, applicable) by id, over the cases that count in these figures."""
        totals = dict.fromkeys((kind.id for kind in CASE_FIGURE_KINDS), (0, 0))
        for (_, status), counts in self.figures_by_category_and_status.items():
            if status in CASE_STATUSES[figures]:
                for code, (yes, applicable) in counts.items():
                    totals[code] = (totals[code][0] + yes, totals[code][1] + applicable)
        return totals


def case_counts(inspection: Inspection) -> CaseCounts:
    """Cases by category and state, with their case-sample figures, in one query."""
    aggregates = {}
    for kind in CASE_FIGURE_KINDS:
        aggregates[f"{kind.id}__yes"] = Count("pk", filter=kind.says_so & kind.recorded)
        aggregates[f"{kind.id}__applicable"] = Count("pk", filter=kind.recorded)
    rows = (
        Case.objects.filter(inspection=inspection)
        .values("category", "status")
        .annotate(n=Count("pk"), **aggregates)
        .order_by()
    )
    by_group, figures_by_group = {}, {}
    for row in rows:
        group = (row["category"], row["status"])
        by_group[group] = row["n"]
        figures_by_group[group] = {
            kind.id: (row[f"{kind.id}__yes"], row[f"{kind.id}__applicable"]) for kind in CASE_FIGURE_KINDS
        }
    return CaseCounts(by_group, figures_by_group)


# --- Case-sample figures behind domain one ----------------------------------------------------------------


@dataclass(frozen=True)
class CaseFigureKind:
    """A figure the case sample gives the domain-one ratings (docs/report.md, Roles): of the
    cases where the inspector recorded it (`recorded`), how many say so (`says_so`)."""

    id: str
    label: str
    standard: str
    key_question: str | None  # None: the standard as a whole
    says_so: Q
    recorded: Q


_OVERSIGHT_RECORDED = Q(management_oversight__in=(Oversight.SUFFICIENT, Oversight.INSUFFICIENT))
_OVERSIGHT_SUFFICIENT = Q(management_oversight=Oversight.SUFFICIENT)


def _oversight_by_risk(suffix: str, levels: tuple[str, ...], words: str) -> CaseFigureKind:
    """Oversight in the cases of the service's risk of serious harm classification (the report splits it so)."""
    return CaseFigureKind(
        f"management_oversight_sufficient_{suffix}",
        f"Management oversight was sufficient, in cases the service classified as {words} risk of serious harm",
        "1.2",
        "1.2.3",
        _OVERSIGHT_SUFFICIENT & Q(rosh__in=levels),
        _OVERSIGHT_RECORDED & Q(rosh__in=levels),
    )


# In the order the pages list them. Classifications and the inspector's own level speak to the staff's skills
# (1.2.2), oversight to 1.2.3; the case manager interviews (about training, supervision and leadership) to
# the staff standard as a whole.
CASE_FIGURE_KINDS: tuple[CaseFigureKind, ...] = (
    CaseFigureKind(
        "rosh_classification_reasonable",
        "The service's risk of serious harm classification was reasonable",
        "1.2",
        "1.2.2",
        Q(rosh_reasonable=YesNo.YES),
        Q(rosh_reasonable__in=YesNo.values),
    ),
    CaseFigureKind(
        "safety_wellbeing_classification_reasonable",
        "The service's safety and wellbeing classification was reasonable",
        "1.2",
        "1.2.2",
        Q(safety_wellbeing_reasonable=YesNo.YES),
        Q(safety_wellbeing_reasonable__in=YesNo.values),
    ),
    CaseFigureKind(
        "inspector_rosh_agrees",
        "The inspector's own risk of serious harm level matched the service's",
        "1.2",
        "1.2.2",
        ~Q(inspector_rosh="") & Q(inspector_rosh=F("rosh")),
        ~Q(inspector_rosh=""),
    ),
    CaseFigureKind(
        "management_oversight_sufficient",
        "Management oversight was sufficient",
        "1.2",
        "1.2.3",
        _OVERSIGHT_SUFFICIENT,
        _OVERSIGHT_RECORDED,
    ),
    _oversight_by_risk("low", (Level.LOW,), "low"),
    _oversight_by_risk("medium", (Level.MEDIUM,), "medium"),
    _oversight_by_risk("high", (Level.HIGH, Level.VERY_HIGH), "high or very high"),
    CaseFigureKind(
        "case_manager_interviewed",
        "The case manager was interviewed",
        "1.2",
        None,
        Q(case_manager_interviewed=True),
        Q(case_manager_interviewed__isnull=False),
    ),
)


@dataclass(frozen=True)
class CaseFigure:
    """One case-sample figure: `yes` of the `applicable` cases (those where it was recorded)."""

    kind: CaseFigureKind
    yes: int
    applicable: int

    @property
    def id(self) -> str:
        return self.kind.id

    @property
    def percent(self) -> int | None:
        """Rounded as key questions are (half up); None when no case has it recorded: not enough cases."""
        return rules.percent(self.yes, self.applicable)

    @property
    def counts(self) -> tuple[int, int]:
        return (self.yes, self.applicable)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "key_question": self.kind.key_question,
            "yes": self.yes,
            "applicable": self.applicable,
            "percent": self.percent,
        }


def case_figure_counts(inspection: Inspection, *, figures: str = PROVISIONAL) -> Counts:
    """Every case-sample figure of the inspection, (yes, applicable) by id, in one query. Provisional figures
    count submitted and approved cases, final ones approved cases, as the key questions do."""
    return case_counts(inspection).case_figures(figures)


def standard_case_figures(standard_code: str, counts: Counts) -> tuple[CaseFigure, ...]:
    """The figures that bear on one domain-one standard; a figure missing from `counts` is left out."""
    return tuple(
        CaseFigure(kind, *counts[kind.id])
        for kind in CASE_FIGURE_KINDS
        if kind.standard == standard_code and kind.id in counts
    )


def case_figures_record(inspection: Inspection, standard_code: str, *, figures: str = PROVISIONAL) -> dict:
    """What a domain-one proposal keeps of the case-sample figures it was made on, in one query: which figures
    (provisional or final), how many cases counted, and each figure's (yes, applicable)."""
    cases = case_counts(inspection)
    return {
        "figures": figures,
        "cases": cases.count(statuses=CASE_STATUSES[figures]),
        "counts": {
            f.id: list(f.counts) for f in standard_case_figures(standard_code, cases.case_figures(figures))
        },
    }


def figures_of_record(standard_code: str, record: dict) -> tuple[CaseFigure, ...]:
    """The figures of a `case_figures_record`."""
    return standard_case_figures(standard_code, {code: tuple(c) for code, c in record["counts"].items()})


@dataclass(frozen=True)
class CaseFigureRow:
    """A figure as it is now beside the one the proposal was made on (None: not kept with the proposal)."""

    now: CaseFigure
    proposed: CaseFigure | None

    @property
    def changed(self) -> bool:
        return self.proposed is not None and self.proposed.counts != self.now.counts


def case_figure_rows(figures: tuple[CaseFigure, ...], proposed_on: dict | None) -> tuple[CaseFigureRow, ...]:
    """Each figure now, with the one a proposal kept (`proposed_on`, a `case_figures_record`) where it has it."""
    kept = (proposed_on or {}).get("counts", {})
    return tuple(
        CaseFigureRow(figure, CaseFigure(figure.kind, *kept[figure.id]) if figure.id in kept else None)
        for figure in figures
    )


# --- What the ratings pages show ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptFigures:
    id: str
    text: str
    yes: int
    answered: int

    @property
    def percent(self) -> int | None:
        return rules.percent(self.yes, self.answered)


@dataclass(frozen=True)
class KeyQuestionFigures:
    id: str
    text: str
    applicability: tuple[str, ...]
    yes: int
    applicable: int
    percent: int | None
    lowest: bool
    asterisk: bool
    prompts: tuple[PromptFigures, ...] = ()

    @property
    def sub_sample(self) -> str:
        """Which cases the key question is answered in, where it is not all of them."""
        labels = [Applicability(rule).label for rule in self.applicability if rule != Applicability.ALL_CASES]
        return "; ".join(labels)


@dataclass
class StandardRatings:
    """One standard: its figures, the computed rating, the decision on it and its final rating."""

    id: str
    title: str
    statement: str
    domain_id: str
    key_questions: tuple[KeyQuestionFigures, ...]
    result: rules.StandardResult | None
    rating: str | None = None
    decision: PanelDecision | None = None
    decision_applies: bool = False
    discretion_key_question: str | None = None
    proposal: DomainOneProposal | None = None
    evidence: list[EvidenceNote] = field(default_factory=list)
    # Domain one: the case-sample figures that bear on the standard, from the same cases as the rest.
    case_figures: tuple[CaseFigure, ...] = ()

    @property
    def is_case_based(self) -> bool:
        return self.domain_id != DOMAIN_ONE

    @property
    def computed_rating(self) -> str | None:
        return self.result.computed_rating if self.result else None

    @property
    def triggers(self) -> tuple[rules.Trigger, ...]:
        return self.result.triggers if self.result else ()

    @property
    def discretion_applied(self) -> bool:
        return self.discretion_key_question is not None

    @property
    def base_rating(self) -> str | None:
        """What the panel confirms or changes: the computed rating, or the lead inspector's proposal."""
        if self.is_case_based:
            return self.computed_rating
        return self.proposal.rating if self.proposal else None

    @property
    def decision_out_of_date(self) -> bool:
        return self.decision is not None and not self.decision_applies

    @property
    def proposed_on(self) -> dict | None:
        """The case-sample figures the lead inspector's proposal was made on (None: it kept none, having been
        imported or saved before proposals kept them)."""
        return self.proposal.case_figures if self.proposal else None

    @cached_property
    def case_figure_rows(self) -> tuple[CaseFigureRow, ...]:
        return case_figure_rows(self.case_figures, self.proposed_on)

    @property
    def case_figures_changed(self) -> tuple[CaseFigureRow, ...]:
        """The figures that differ from those the proposal was made on."""
        return tuple(row for row in self.case_figure_rows if row.changed)

    def basis(self) -> dict:
        """What a panel decision on this standard rests on; the decision counts only while this is unchanged."""
        if not self.is_case_based:
            return {"proposed_rating": self.proposal.rating if self.proposal else None}
        return {
            "computed_rating": self.computed_rating,
            "key_questions": {kq.id: [kq.yes, kq.applicable] for kq in self.key_questions},
        }

    def as_json(self) -> dict:
        document = {
            "id": self.id,
            "title": self.title,
            "computed_rating": self.computed_rating,
            "rating": self.rating,
            "triggers": list(self.result.trigger_kinds) if self.result else [],
            "discretion_applied": self.discretion_applied,
            "discretion_key_question": self.discretion_key_question,
            "key_questions": [
                {
                    "id": kq.id,
                    "yes": kq.yes,
                    "applicable": kq.applicable,
                    "percent": kq.percent,
                    "lowest": kq.lowest,
                }
                for kq in self.key_questions
            ],
        }
        if not self.is_case_based:
            document["case_figures"] = [figure.as_json() for figure in self.case_figures]
        return document


@dataclass
class DomainRatings:
    id: str
    title: str
    standards: list[StandardRatings]


@dataclass
class InspectionRatings:
    """Every standard of an inspection with its figures and ratings, and the overall score and rating."""

    inspection: Inspection
    figures: str  # PROVISIONAL or FINAL: which case assessments count
    locked: bool  # the snapshot taken at sign-off
    domains: list[DomainRatings]
    overall: rules.OverallResult
    counted_cases: dict[str, int]
    records: _Records
    sign_off: RatingsSignOff | None = None

    @property
    def cases(self) -> CaseCounts:
        """Every case of the inspection, by category and state, as they are now."""
        return self.records.cases

    @property
    def status(self) -> str:
        return FINAL if self.locked else PROVISIONAL

    @property
    def standards(self) -> list[StandardRatings]:
        return [standard for domain in self.domains for standard in domain.standards]

    def standard(self, code: str) -> StandardRatings | None:
        return next((s for s in self.standards if s.id == code), None)

    @property
    def prompt_counts(self) -> Counts:
        return {
            p.id: (p.yes, p.answered) for s in self.standards for kq in s.key_questions for p in kq.prompts
        }

    @property
    def counted_total(self) -> int:
        """How many case assessments the figures come from."""
        return sum(self.counted_cases.values())

    @property
    def unrated_standards(self) -> list[StandardRatings]:
        return [s for s in self.standards if s.rating is None]

    def as_json(self) -> dict:
        """The document `inspection_ratings REF --json` prints (docs/inspection-data-format.md)."""
        overall = self.overall
        return {
            "inspection": self.inspection.reference,
            "framework": self.inspection.framework.code,
            "status": self.status,
            "overall": None
            if overall.score is None
            else {"score": overall.score, "max_score": overall.max_score, "rating": overall.rating},
            "standards": [standard.as_json() for standard in self.standards],
        }

    def snapshot(self) -> dict:
        """What sign-off stores: the ratings document as final, every prompt's counts and the sample."""
        return {
            "ratings": {**self.as_json(), "status": FINAL},
            "prompts": {code: list(counts) for code, counts in self.prompt_counts.items()},
            "cases": dict(self.counted_cases),
        }


def _decide(standard: StandardRatings, decision: PanelDecision | None) -> None:
    """Apply the panel's decision where it still rests on the standard's figures; else fall back."""
    standard.decision = decision
    standard.decision_applies = decision is not None and decision.basis == standard.basis()
    if standard.decision_applies:
        standard.rating = decision.rating
        # Discretion: the panel moved a computed rating, with the asterisk on a key question.
        if decision.key_question_id and decision.rating != standard.computed_rating:
            standard.discretion_key_question = decision.key_question.code
    elif standard.is_case_based:
        standard.rating = standard.computed_rating
    else:
        standard.rating = standard.proposal.rating if standard.proposal else None


class _Records:
    """What the ratings are built from besides the counts, read once however many views of them are built."""

    def __init__(self, inspection: Inspection):
        self.inspection = inspection

    @cached_property
    def structure(self) -> list[dict]:
        return framework_structure(self.inspection.framework)

    @cached_property
    def decisions(self) -> dict[str, PanelDecision]:
        return {
            d.standard.code: d
            for d in PanelDecision.objects.filter(inspection=self.inspection).select_related(
                "standard", "key_question", "decided_by"
            )
        }

    @cached_property
    def proposals(self) -> dict[str, DomainOneProposal]:
        return {
            p.standard.code: p
            for p in DomainOneProposal.objects.filter(inspection=self.inspection)
            .select_related("standard", "proposed_by")
            .prefetch_related("key_question_rationales__key_question")
        }

    @cached_property
    def evidence(self) -> dict[str, list[EvidenceNote]]:
        notes: dict[str, list[EvidenceNote]] = {}
        for note in EvidenceNote.objects.filter(inspection=self.inspection).select_related(
            "standard", "key_question", "recorded_by"
        ):
            notes.setdefault(note.standard.code, []).append(note)
        return notes

    @cached_property
    def cases(self) -> CaseCounts:
        return case_counts(self.inspection)


def _build(
    records: _Records,
    *,
    figures: str,
    kq_counts: Counts,
    prompt_figures: Counts,
    counted_cases: dict[str, int],
    case_figures: Counts,
    locked: dict | None = None,
) -> InspectionRatings:
    inspection = records.inspection
    locked_standards = {s["id"]: s for s in locked["standards"]} if locked else {}

    domains = []
    for domain in records.structure:
        standards = []
        for s in domain["standards"]:
            standard = standard_figures(s, domain["id"], kq_counts, prompt_figures)
            standard.proposal = records.proposals.get(s["id"])
            standard.evidence = records.evidence.get(s["id"], [])
            if not standard.is_case_based:
                standard.case_figures = standard_case_figures(s["id"], case_figures)
            _decide(standard, records.decisions.get(s["id"]))
            if locked:
                # The locked figures are shown as they were signed off, never worked out again.
                entry = locked_standards[s["id"]]
                standard.rating = entry["rating"]
                standard.discretion_key_question = entry["discretion_key_question"]
            if standard.discretion_key_question:
                standard.key_questions = tuple(
                    _with_asterisk(kq, kq.id == standard.discretion_key_question)
                    for kq in standard.key_questions
                )
            standards.append(standard)
        domains.append(DomainRatings(domain["id"], domain["title"], standards))
    overall = rules.overall_compute({s.id: s.rating for d in domains for s in d.standards})
    return InspectionRatings(
        inspection=inspection,
        figures=figures,
        locked=locked is not None,
        domains=domains,
        overall=overall,
        counted_cases=counted_cases,
        records=records,
    )


def _with_asterisk(kq: KeyQuestionFigures, asterisk: bool) -> KeyQuestionFigures:
    return KeyQuestionFigures(
        kq.id, kq.text, kq.applicability, kq.yes, kq.applicable, kq.percent, kq.lowest, asterisk, kq.prompts
    )


def standard_figures(s: dict, domain_id: str, kq_counts: Counts, prompt_figures: Counts) -> StandardRatings:
    """A standard of `framework_structure` with its figures and computed rating; no decision applied yet."""
    if domain_id == DOMAIN_ONE:
        return StandardRatings(s["id"], s["title"], s["statement"], domain_id, (), None)
    counts = [rules.KeyQuestionCount(kq["id"], *kq_counts.get(kq["id"], (0, 0))) for kq in s["key_questions"]]
    result = rules.standard_compute(s["id"], counts)
    key_questions = tuple(
        KeyQuestionFigures(
            id=kq["id"],
            text=kq["text"],
            applicability=tuple(kq["applicability"]),
            yes=figures.yes,
            applicable=figures.applicable,
            percent=figures.percent,
            lowest=figures.lowest,
            asterisk=False,
            prompts=tuple(
                PromptFigures(p["id"], p["text"], *prompt_figures.get(p["id"], (0, 0))) for p in kq["prompts"]
            ),
        )
        for kq, figures in zip(s["key_questions"], result.key_questions, strict=True)
    )
    return StandardRatings(s["id"], s["title"], s["statement"], domain_id, key_questions, result)


def current_sign_off(inspection: Inspection) -> RatingsSignOff | None:
    return (
        RatingsSignOff.objects.filter(inspection=inspection, reopened_at__isnull=True)
        .select_related("signed_off_by")
        .first()
    )


def inspection_ratings_get(
    inspection: Inspection, *, figures: str | None = None, records: _Records | None = None
) -> InspectionRatings:
    """The inspection's ratings.

    With `figures` unset: the locked figures once the panel has signed off, else provisional ones. With
    `figures` PROVISIONAL or FINAL: figures worked out now from those case assessments. `records` lets a second
    view of the same inspection reuse what the first one read.
    """
    records = records or _Records(inspection)
    sign_off = current_sign_off(inspection) if figures is None else None
    if sign_off is not None:
        snapshot = sign_off.snapshot
        kq_counts = {
            kq["id"]: (kq["yes"], kq["applicable"])
            for s in snapshot["ratings"]["standards"]
            for kq in s["key_questions"]
        }
        ratings = _build(
            records,
            figures=FINAL,
            kq_counts=kq_counts,
            prompt_figures={code: tuple(counts) for code, counts in snapshot["prompts"].items()},
            counted_cases=snapshot["cases"],
            # Sign-offs from before the case-sample figures were kept have none.
            case_figures={
                figure["id"]: (figure["yes"], figure["applicable"])
                for s in snapshot["ratings"]["standards"]
                for figure in s.get("case_figures", ())
            },
            locked=snapshot["ratings"],
        )
        ratings.sign_off = sign_off
        return ratings
    figures = figures or PROVISIONAL
    return _build(
        records,
        figures=figures,
        kq_counts=key_question_counts(inspection, figures=figures),
        prompt_figures=prompt_counts(inspection, figures=figures),
        counted_cases=records.cases.counted(figures),
        case_figures=records.cases.case_figures(figures),
    )


def inspection_ratings_json(inspection: Inspection) -> dict:
    """The ratings document (docs/inspection-data-format.md): as signed off, or provisional until then."""
    sign_off = current_sign_off(inspection)
    if sign_off is not None:
        return _in_documented_order(sign_off.snapshot["ratings"])
    return inspection_ratings_get(inspection, figures=PROVISIONAL).as_json()


def _in_documented_order(document: dict) -> dict:
    """The stored document with its keys back in the documented order (the database keeps them sorted)."""
    overall = document["overall"]
    return {
        "inspection": document["inspection"],
        "framework": document["framework"],
        "status": document["status"],
        "overall": None
        if overall is None
        else {key: overall[key] for key in ("score", "max_score", "rating")},
        "standards": [_standard_in_documented_order(standard) for standard in document["standards"]],
    }


def _standard_in_documented_order(standard: dict) -> dict:
    ordered = {
        **{key: standard[key] for key in STANDARD_KEYS},
        "key_questions": [{key: kq[key] for key in KEY_QUESTION_KEYS} for kq in standard["key_questions"]],
    }
    if "case_figures" in standard:
        ordered["case_figures"] = [
            {key: figure[key] for key in CASE_FIGURE_KEYS} for figure in standard["case_figures"]
        ]
    return ordered


# --- What changed since sign-off -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyQuestionChange:
    id: str
    before: tuple[int, int, int | None]  # yes, applicable, percent
    after: tuple[int, int, int | None]


@dataclass(frozen=True)
class StandardChange:
    id: str
    title: str
    rating_before: str | None
    rating_after: str | None
    key_questions: tuple[KeyQuestionChange, ...]


@dataclass(frozen=True)
class RatingsChanges:
    standards: tuple[StandardChange, ...]
    overall_before: rules.OverallResult
    overall_after: rules.OverallResult

    def __bool__(self) -> bool:
        return bool(self.standards)

    @property
    def overall_changed(self) -> bool:
        return self.overall_before != self.overall_after


def ratings_changes(locked: InspectionRatings, current: InspectionRatings) -> RatingsChanges:
    """What would change if the locked ratings were worked out again from the current case answers."""
    changes = []
    for before in locked.standards:
        after = current.standard(before.id)
        kq_changes = tuple(
            KeyQuestionChange(b.id, (b.yes, b.applicable, b.percent), (a.yes, a.applicable, a.percent))
            for b, a in zip(before.key_questions, after.key_questions, strict=True)
            if (b.yes, b.applicable) != (a.yes, a.applicable)
        )
        if kq_changes or before.rating != after.rating:
            changes.append(StandardChange(before.id, before.title, before.rating, after.rating, kq_changes))
    return RatingsChanges(tuple(changes), locked.overall, current.overall)


def changes_since_sign_off(ratings: InspectionRatings) -> RatingsChanges | None:
    """For locked ratings: the difference from the approved case answers as they are now."""
    if not ratings.locked:
        return None
    current = inspection_ratings_get(ratings.inspection, figures=FINAL, records=ratings.records)
    return ratings_changes(ratings, current)


def stage_facts(inspection_ids: list[int]) -> dict[int, dict]:
    """For the inspection's stage (inspections/stage.py): whether the ratings are signed off (not reopened)."""
    ids = RatingsSignOff.objects.filter(
        inspection_id__in=inspection_ids, reopened_at__isnull=True
    ).values_list("inspection_id", flat=True)
    return {pk: {"signed_off": True} for pk in ids}

"""Reads for the report: its authored content, the figures from the lower floors, and the renders."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from cases.models import Case, Category, KeyQuestionAnswer, OffenceGroup
from fieldwork.selectors import meetings_logged
from inspections.models import Domain, Inspection
from inspections.selectors import framework_structure
from ratings.selectors import CASE_STATUSES, FINAL, PROVISIONAL, current_sign_off, inspection_ratings_get
from sampling.selectors import sample_settings_for

from . import facts as catalogue
from .context import ReportSources, build_snapshot, vocabulary_of
from .exports import export_data
from .figures import KeyQuestionFigures, PromptFigures, RatingsFigures, SampleFigures, StandardFigures
from .models import (
    Addressee,
    CaseExample,
    ContextualFact,
    DomainSection,
    Finding,
    KeyQuestionNarrative,
    PublishedReport,
    Recommendation,
    Render,
    Report,
    StandardNarrative,
)
from .tokens import Vocabulary


def report_get(inspection: Inspection) -> Report:
    """The inspection's report; an unsaved, empty one if nothing has been written yet."""
    try:
        return Report.objects.select_related("updated_by").get(inspection=inspection)
    except Report.DoesNotExist:
        return Report(inspection=inspection)


def token_vocabulary(inspection: Inspection) -> Vocabulary:
    return vocabulary_of(framework_structure(inspection.framework))


def sample_figures(inspection: Inspection, *, statuses=None) -> SampleFigures:
    """The sampled cases by disposal type, case manager interviews by category, and the court cases by
    principal offence group, in one query."""
    cases = Case.objects.filter(inspection=inspection)
    if statuses is not None:
        cases = cases.filter(status__in=statuses)
    rows = (
        cases.values("category", "disposal_type", "offence_group")
        .annotate(
            n=Count("pk"),
            interviewed=Count("pk", filter=Q(case_manager_interviewed=True)),
            answered=Count("pk", filter=Q(case_manager_interviewed__isnull=False)),
        )
        .order_by()
    )
    disposals: dict[str, int] = {}
    interviews: dict[str, int] = {"court": 0, "out_of_court": 0}
    answered: dict[str, int] = {}
    offences: dict[str, int] = {}
    for row in rows:
        disposals[row["disposal_type"]] = disposals.get(row["disposal_type"], 0) + row["n"]
        interviews[row["category"]] = interviews.get(row["category"], 0) + row["interviewed"]
        answered[row["category"]] = answered.get(row["category"], 0) + row["answered"]
        if row["category"] == Category.COURT:
            group = row["offence_group"] if row["offence_group"] in OffenceGroup.values else ""
            offences[group] = offences.get(group, 0) + row["n"]
    # Cases of a category whose interview question nobody answered: not recorded (None), never zero.
    for category in interviews:
        if category in answered and not answered[category]:
            interviews[category] = None
    return SampleFigures(
        disposals=disposals,
        interviews=interviews,
        offences={
            **{
                OffenceGroup(group).label: offences[group]
                for group in OffenceGroup.values
                if group in offences
            },
            **({"": offences[""]} if "" in offences else {}),
        },
    )


def inspection_facts(inspection: Inspection) -> dict:
    fieldwork = [(inspection.fieldwork_start, inspection.fieldwork_end)]
    if inspection.second_period_start and inspection.second_period_end:
        fieldwork.append((inspection.second_period_start, inspection.second_period_end))
    lead = inspection.lead_inspector
    return {
        "reference": inspection.reference,
        "service": inspection.service.name,
        "term": inspection.service.term,
        "is_joint": inspection.is_joint,
        "lead_inspector": (lead.get_full_name() or "") if lead else "",
        "fieldwork": fieldwork,
        "announcement_date": inspection.announcement_date,
    }


def report_sources(inspection: Inspection, *, ratings: RatingsFigures, statuses=None) -> ReportSources:
    """Everything the report builder reads, in a bounded number of queries."""
    report = report_get(inspection)
    sources = ReportSources(
        inspection=inspection_facts(inspection),
        report=report,
        framework=framework_structure(inspection.framework),
        ratings=ratings,
        sample=sample_figures(inspection, statuses=statuses),
        sampling=sample_settings_for(inspection).as_rules(),
        meetings_logged=meetings_logged(inspection),
    )
    if report.pk is None:
        return sources
    sources.sections = {
        s.domain.code: s for s in DomainSection.objects.filter(report=report).select_related("domain")
    }
    sources.findings = list(Finding.objects.filter(report=report).select_related("domain"))
    recommendations = Recommendation.objects.order_by("order", "pk")
    sources.recommendations = [
        (addressee, list(addressee.ordered))
        for addressee in Addressee.objects.filter(report=report).prefetch_related(
            Prefetch("recommendations", queryset=recommendations, to_attr="ordered")
        )
    ]
    sources.facts = {f.key: f for f in ContextualFact.objects.filter(report=report).select_related("source")}
    narratives = list(StandardNarrative.objects.filter(report=report).select_related("standard"))
    sources.standard_narratives = {n.standard.code: n.text for n in narratives}
    sources.discretion_texts = {n.standard.code: n.discretion for n in narratives}
    sources.key_question_narratives = {
        n.key_question.code: n.text
        for n in KeyQuestionNarrative.objects.filter(report=report).select_related("key_question")
    }
    examples: dict[str, list[CaseExample]] = {}
    for example in CaseExample.objects.filter(report=report).select_related("key_question"):
        examples.setdefault(example.key_question.code, []).append(example)
    sources.examples = examples
    return sources


# --- authoring pages ------------------------------------------------------------------------------------


def identifying_details(inspection: Inspection) -> list[str]:
    """What must never reach the report: the inspection's case references, children's identifiers and case
    managers' names."""
    details = set()
    for reference, child_id, manager in Case.objects.filter(inspection=inspection).values_list(
        "reference", "child_id", "case_manager"
    ):
        details.update(d.strip() for d in (reference, child_id, manager) if d and d.strip())
    return sorted(details, key=len, reverse=True)


def identifying_details_in(text: str, details: list[str]) -> list[str]:
    """Which of the identifying details occur in the text, as whole words, ignoring case."""
    found = []
    for detail in details:
        if re.search(rf"(?<![\w-]){re.escape(detail)}(?![\w-])", text or "", flags=re.IGNORECASE):
            found.append(detail)
    return found


def flagged_quotes(inspection: Inspection, key_question_codes=None) -> list[KeyQuestionAnswer]:
    """The inspectors' quotes flagged for the report, for the quote picker: on these key questions, or all."""
    answers = KeyQuestionAnswer.objects.filter(case__inspection=inspection)
    if key_question_codes is not None:
        answers = answers.filter(key_question__code__in=key_question_codes)
    return list(
        answers.exclude(quote="")
        .select_related("case", "key_question")
        .order_by("key_question__order", "case__reference")
    )


def domains_of(inspection: Inspection):
    return Domain.objects.filter(framework=inspection.framework).order_by("order")


def fact_records(report: Report) -> dict[str, ContextualFact]:
    if report.pk is None:
        return {}
    return {f.key: f for f in ContextualFact.objects.filter(report=report).select_related("source")}


def fact_warnings(report: Report) -> list[str]:
    values = {k: Decimal(r.value) for k, r in fact_records(report).items() if r.value}
    return catalogue.subtotal_warnings(values)


def offence_warnings(inspection: Inspection) -> list[str]:
    """The court cases the report counts that have no principal offence recorded, in words: the cases of
    the final figures once the ratings are signed off, else the submitted and approved ones."""
    statuses = CASE_STATUSES[FINAL if current_sign_off(inspection) else PROVISIONAL]
    return catalogue.offence_warnings(sample_figures(inspection, statuses=statuses).offences)


def renders_of(inspection: Inspection) -> list[Render]:
    return list(Render.objects.filter(inspection=inspection).select_related("requested_by"))


# --- the figures from the ratings floor --------------------------------------------------------------------


def ratings_figures(inspection: Inspection) -> tuple[RatingsFigures, tuple[str, ...]]:
    """The figures and ratings the report prints, from the ratings floor: as the panel signed them off, or
    provisional until then (and the report is a draft). Also the case statuses that those figures count,
    so that the sample sentences count the same cases."""
    ratings = inspection_ratings_get(inspection)
    standards = {
        s.id: StandardFigures(
            s.id,
            s.rating,
            tuple(
                KeyQuestionFigures(kq.id, kq.yes, kq.applicable, kq.percent, kq.lowest, kq.asterisk)
                for kq in s.key_questions
            ),
            s.decision.rationale if s.discretion_applied and s.decision else "",
        )
        for s in ratings.standards
    }
    prompts = {
        p.id: PromptFigures(p.id, p.yes, p.answered, p.percent)
        for s in ratings.standards
        for kq in s.key_questions
        for p in kq.prompts
    }
    figures = RatingsFigures.with_overall(
        standards=standards, prompts=prompts, overall=ratings.overall, signed_off=ratings.locked
    )
    return figures, CASE_STATUSES[ratings.figures]


def report_snapshot(inspection: Inspection) -> dict:
    """The whole report as the PDF and the preview print it, from the data as it is now."""
    ratings, statuses = ratings_figures(inspection)
    return build_snapshot(report_sources(inspection, ratings=ratings, statuses=statuses))


def print_snapshot(inspection: Inspection) -> dict:
    """What the PDF and the preview print: the snapshot frozen at publication while the inspection is
    published, otherwise the data as they are now."""
    if inspection.is_published:
        published = PublishedReport.objects.filter(
            publication__inspection=inspection, publication__withdrawn_at__isnull=True
        ).first()
        if published is not None:
            return published.snapshot
    return report_snapshot(inspection)


def export_snapshot(inspection: Inspection) -> dict:
    """The published figures as the data export lists them."""
    return export_data(
        inspection=inspection_facts(inspection),
        framework=framework_structure(inspection.framework),
        ratings=ratings_figures(inspection)[0],
    )

"""Writes for the report: authored content (every text checked for unknown tokens and identifying details),
the renders made by the Celery worker, and the download log."""

from __future__ import annotations

import contextlib
import datetime
import errno
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.queue import QueueUnavailable, enqueue
from alerts.models import Alert, AlertStatus
from audit.models import EventKind
from audit.services import security_event_record
from cases.models import Case, KeyQuestionAnswer
from inspections.models import Domain, Inspection, KeyQuestion, Publication, Standard
from inspections.publication import refuse_if_published
from inspections.services import inspection_publish
from ratings.selectors import current_sign_off

from . import facts as catalogue
from .markup import markup_problems
from .models import (
    Addressee,
    AddresseeKind,
    CaseExample,
    ContextualFact,
    DomainSection,
    ExampleKind,
    FactSource,
    Finding,
    FindingKind,
    KeyQuestionNarrative,
    PublishedReport,
    Recommendation,
    Render,
    RenderFormat,
    RenderStatus,
    Report,
    StandardNarrative,
    SuppliedBy,
)
from .selectors import identifying_details, identifying_details_in, report_snapshot, token_vocabulary

LOGGER = logging.getLogger(__name__)

# A render that has not moved for this long has lost its worker: the sweep retries it, up to the limit.
RENDER_STALE_AFTER = datetime.timedelta(seconds=int(getattr(settings, "REPORT_RENDER_STALE_SECONDS", 600)))
RENDER_MAX_ATTEMPTS = 3


# --- checking text ---------------------------------------------------------------------------------------


class TextChecker:
    """Checks authored text for tokens the report cannot fill and for details that identify a child."""

    def __init__(self, inspection: Inspection):
        self.vocabulary = token_vocabulary(inspection)
        self.details = identifying_details(inspection)

    def problems(self, text: str, *, literal: bool = False) -> list[str]:
        """`literal`: an inspector's words, printed as written, so only what identifies a child counts."""
        problems = [] if literal else markup_problems(text, self.vocabulary)
        for detail in identifying_details_in(text, self.details):
            problems.append(
                f"'{detail}' identifies a case, a child or a case manager of this inspection: remove it, "
                "because the report is published."
            )
        return problems

    def check(self, texts: Mapping[str, str], *, literal: Sequence[str] = ()) -> None:
        """Raises one ValidationError listing every problem of every field (`literal`: the names of the
        fields that hold an inspector's words)."""
        errors = {
            name: problems
            for name, text in texts.items()
            if (problems := self.problems(text or "", literal=name in literal))
        }
        if errors:
            raise ValidationError(errors)


def _check_version(obj, version: int | None, what: str) -> None:
    if obj.pk is not None and version is not None and obj.version != version:
        who = obj.updated_by or "someone else"
        when = timezone.localtime(obj.updated_at).strftime("%d %B %Y at %H:%M") if obj.updated_at else ""
        raise ValidationError(
            f"{who} changed the {what} on {when}, after you opened this page. Your change was not saved: "
            "reload the page to see theirs, then make yours again."
        )


def _stamp(obj, user) -> None:
    obj.version = (obj.version or 0) + 1 if obj.pk else 1
    obj.updated_by = user


def _report_for_update(inspection: Inspection) -> Report:
    """The report's row, locked, for a write to its content: refused once the inspection is published."""
    refuse_if_published(inspection)
    # Created at version 0 when another part is written first: its own first save makes it version 1.
    report, _created = Report.objects.select_for_update().get_or_create(
        inspection=inspection, defaults={"version": 0}
    )
    return report


# --- the report's own fields -----------------------------------------------------------------------------

REPORT_TEXT_FIELDS = ("foreword", "summary_context", "background")
REPORT_FIELDS = (
    "cover_lead",
    "publication_date",
    "isbn",
    "service_short_name",
    "signatory_name",
    "signatory_title",
    "lead_inspector_name",
    "presenters",
    "meetings_held",
    *REPORT_TEXT_FIELDS,
)


def isbn_problem(isbn: str) -> str | None:
    digits = isbn.replace("-", "").replace(" ", "")
    if not digits:
        return None
    if len(digits) != 13 or not digits.isdigit():
        return "Enter the ISBN as 13 digits, for example 978-1-914478-34-5."
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    if (10 - total % 10) % 10 != int(digits[12]):
        return "The ISBN's last digit does not match the others: check it against the ISBN you were given."
    return None


@transaction.atomic
def report_save(*, inspection: Inspection, user, version: int | None, **fields) -> Report:
    """Saves the report's publishing details and its once-only sections (foreword, background ...)."""
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"report_save got unknown fields {sorted(unknown)}")
    report = _report_for_update(inspection)
    _check_version(report, version, "report's details")
    TextChecker(inspection).check({name: fields[name] for name in REPORT_TEXT_FIELDS if name in fields})
    if fields.get("isbn") and (problem := isbn_problem(fields["isbn"])):
        raise ValidationError({"isbn": problem})
    for name, value in fields.items():
        setattr(report, name, value)
    _stamp(report, user)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def domain_section_save(
    *,
    inspection: Inspection,
    domain: Domain,
    user,
    version: int | None,
    summary: str,
    results: str,
    overview: str,
) -> DomainSection:
    report = _report_for_update(inspection)
    section = DomainSection.objects.select_for_update().filter(report=report, domain=domain).first()
    section = section or DomainSection(report=report, domain=domain)
    _check_version(section, version, f"domain {domain.code} text")
    TextChecker(inspection).check({"summary": summary, "results": results, "overview": overview})
    section.summary, section.results, section.overview = summary, results, overview
    _stamp(section, user)
    section.full_clean()
    section.save()
    return section


# --- findings, addressees, recommendations -------------------------------------------------------------


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def finding_save(
    *,
    inspection: Inspection,
    user,
    finding: Finding | None = None,
    version: int | None = None,
    domain: Domain,
    kind: str,
    text: str,
    in_summary: bool,
    in_chapter: bool,
    keeps_capital: bool = False,
) -> Finding:
    report = _report_for_update(inspection)
    if finding is None:
        finding = Finding(
            report=report, order=_next_order(Finding.objects.filter(report=report, domain=domain))
        )
    else:
        finding = Finding.objects.select_for_update().get(pk=finding.pk, report=report)
        _check_version(finding, version, "finding")
    TextChecker(inspection).check({"text": text})
    if not (in_summary or in_chapter):
        raise ValidationError(
            {"in_summary": "Choose where the finding is printed: the summary, the chapter or both."}
        )
    finding.domain, finding.kind, finding.text = domain, kind, text.strip()
    finding.in_summary, finding.in_chapter, finding.keeps_capital = in_summary, in_chapter, keeps_capital
    _stamp(finding, user)
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def addressee_save(
    *,
    inspection: Inspection,
    user,
    addressee: Addressee | None = None,
    version: int | None = None,
    kind: str,
    name: str,
) -> Addressee:
    report = _report_for_update(inspection)
    if addressee is None:
        addressee = Addressee(report=report, order=_next_order(Addressee.objects.filter(report=report)))
    else:
        addressee = Addressee.objects.select_for_update().get(pk=addressee.pk, report=report)
        _check_version(addressee, version, "addressee")
    name = name.strip().removesuffix("should:").strip()
    if Addressee.objects.filter(report=report, name__iexact=name).exclude(pk=addressee.pk).exists():
        raise ValidationError({"name": f"There is already an addressee called {name}."})
    addressee.kind, addressee.name = kind, name
    _stamp(addressee, user)
    addressee.full_clean()
    addressee.save()
    return addressee


@transaction.atomic
@transaction.atomic
def recommendation_save(
    *,
    inspection: Inspection,
    user,
    recommendation: Recommendation | None = None,
    version: int | None = None,
    addressee: Addressee,
    text: str,
    standards=(),
) -> Recommendation:
    report = _report_for_update(inspection)
    if addressee.report_id != report.pk:
        raise ValidationError({"addressee": "Choose one of this report's addressees."})
    if recommendation is None or recommendation.addressee_id != addressee.pk:
        order = _next_order(Recommendation.objects.filter(addressee=addressee))
    else:
        order = recommendation.order
    if recommendation is None:
        recommendation = Recommendation(report=report)
    else:
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk, report=report)
        _check_version(recommendation, version, "recommendation")
    TextChecker(inspection).check({"text": text})
    recommendation.addressee, recommendation.text, recommendation.order = addressee, text.strip(), order
    _stamp(recommendation, user)
    recommendation.full_clean()
    recommendation.save()
    recommendation.standards.set(standards)
    return recommendation


@transaction.atomic
def item_move(*, item, direction: int) -> None:
    """Moves a finding, addressee or recommendation one place up (-1) or down (+1) among its siblings."""
    refuse_if_published(item.report.inspection)
    model = type(item)
    siblings = {
        Finding: lambda: Finding.objects.filter(report=item.report, domain=item.domain, kind=item.kind),
        Addressee: lambda: Addressee.objects.filter(report=item.report),
        Recommendation: lambda: Recommendation.objects.filter(addressee=item.addressee),
    }[model]()
    ordered = list(siblings.select_for_update().order_by("order", "pk"))
    index = next(i for i, s in enumerate(ordered) if s.pk == item.pk)
    other = index + direction
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered, 1):
        if sibling.order != position:
            model.objects.filter(pk=sibling.pk).update(order=position)


# --- contextual facts -----------------------------------------------------------------------------------


@transaction.atomic
def fact_source_save(
    *,
    inspection: Inspection,
    user,
    source: FactSource | None = None,
    version: int | None = None,
    supplied_by: str,
    organisation: str = "",
    year: int | None = None,
    title: str = "",
    period: str = "",
) -> FactSource:
    report = _report_for_update(inspection)
    if source is None:
        source = FactSource(report=report)
    else:
        source = FactSource.objects.select_for_update().get(pk=source.pk, report=report)
        _check_version(source, version, "source")
    if supplied_by == SuppliedBy.PUBLISHED and not (organisation.strip() and title.strip()):
        raise ValidationError("Give the organisation and the title of the published statistics.")
    source.supplied_by, source.organisation, source.year = supplied_by, organisation.strip(), year
    source.title, source.period = title.strip(), period.strip()
    _stamp(source, user)
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def report_item_delete(*, inspection: Inspection, item) -> None:
    """Deletes an authored item of the report: a finding, recommendation or example; an addressee with no
    recommendations left; a source no figure cites."""
    if item.report.inspection_id != inspection.pk:
        raise ValidationError("That is not part of this inspection's report.")
    refuse_if_published(inspection)
    if isinstance(item, Addressee) and item.recommendations.exists():
        raise ValidationError(
            f"{item.name} still has recommendations: move or delete them before removing the addressee."
        )
    if isinstance(item, FactSource) and item.facts.exists():
        raise ValidationError("Some figures still cite this source: choose another source for them first.")
    item.delete()


FIGURE_MAX_CHARACTERS = 40
FIGURE_MAX_DIGITS = 15
"""Whole-number digits of a figure: up to 999,999,999,999,999 (a budget in pounds fits many times over)."""
FIGURE_MAX_PLACES = 6


def parse_figure(raw: str) -> str:
    """A figure as the author typed it ('1,066,647', '40.5%', '£2,801,086') -> its plain decimal string.

    Bounded before it is written out in full: '1e100000000' is a valid decimal of a hundred million digits.
    """
    text = (raw or "").strip().replace(",", "").removeprefix("£").removesuffix("%").strip()
    if not text:
        return ""
    shown = raw.strip() if len(raw.strip()) <= 24 else raw.strip()[:21] + "..."
    if len(text) > FIGURE_MAX_CHARACTERS:
        raise ValueError(f"'{shown}' is too long for a figure")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{shown}' is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"'{shown}' is not a number of 0 or more")
    if value.is_zero():
        return "0"
    if value.adjusted() >= FIGURE_MAX_DIGITS:
        raise ValueError(f"'{shown}' is too large: a figure can be at most {10**FIGURE_MAX_DIGITS - 1:,}")
    # (the first check before normalize(), which would round a tiny value to a zero of any exponent)
    if value.adjusted() < -FIGURE_MAX_PLACES or value.normalize().as_tuple().exponent < -FIGURE_MAX_PLACES:
        raise ValueError(
            f"'{shown}' has too many decimal places: a figure can have up to {FIGURE_MAX_PLACES}"
        )
    return f"{value.normalize():f}"


@transaction.atomic
def facts_save(
    *, inspection: Inspection, user, block: str, rows: Mapping[str, Mapping[str, object]], versions=None
) -> list[str]:
    """Saves one block of contextual facts: {fact key: {"value", "national", "source"}}; an empty value
    removes the figure. Returns the sub-total warnings (mismatches warn, they do not block)."""
    report = _report_for_update(inspection)
    facts = {f.key: f for f in catalogue.BLOCKS_BY_KEY[block].facts}
    existing = {
        f.key: f for f in ContextualFact.objects.select_for_update().filter(report=report, key__in=facts)
    }
    for key, record in existing.items():
        if versions and key in versions:
            _check_version(record, versions[key], f"figure '{facts[key].label}'")
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for key, row in rows.items():
        if key not in facts:
            raise ValidationError(f"{key} is not a figure of {block}.")
        try:
            value = parse_figure(str(row.get("value") or ""))
            national = parse_figure(str(row.get("national") or "")) if facts[key].national else ""
        except ValueError as exc:
            errors.setdefault(key, []).append(f"{facts[key].label}: {exc}.")
            continue
        source = row.get("source")
        if source is not None and source.report_id != report.pk:
            errors.setdefault(key, []).append("Choose one of this report's sources.")
        if national and not value:
            errors.setdefault(key, []).append(
                f"{facts[key].label}: enter the local figure as well as the national one."
            )
        if value and facts[key].unit == catalogue.PERCENT and Decimal(value) > 100:
            errors.setdefault(key, []).append(f"{facts[key].label}: a percentage cannot be more than 100.")
        cleaned[key] = (value, national, source)
    if errors:
        raise ValidationError(errors)
    for key, (value, national, source) in cleaned.items():
        record = existing.get(key)
        if not value:
            if record:
                record.delete()
            continue
        record = record or ContextualFact(report=report, key=key)
        record.value, record.national, record.source = value, national, source
        _stamp(record, user)
        record.full_clean()
        record.save()
    values = {f.key: Decimal(f.value) for f in ContextualFact.objects.filter(report=report) if f.value}
    return catalogue.subtotal_warnings(values)


# --- narrative and examples -------------------------------------------------------------------------------


@transaction.atomic
def standard_narrative_save(
    *,
    inspection: Inspection,
    user,
    standard: Standard,
    text: str,
    key_question_texts: Mapping[str, str],
    versions: Mapping[str, int | None],
    discretion: str | None = None,
) -> None:
    """Saves a standard's paragraph and the narrative of each of its key questions, all or nothing; and,
    where the panel applied discretion, the explanation printed under the table (`discretion`; None leaves
    it as it is)."""
    report = _report_for_update(inspection)
    key_questions = {kq.code: kq for kq in standard.key_questions.all()}
    checker = TextChecker(inspection)
    checker.check(
        {
            "text": text,
            **({"discretion": discretion} if discretion is not None else {}),
            **{f"kq_{code}": t for code, t in key_question_texts.items()},
        }
    )
    narrative = StandardNarrative.objects.select_for_update().filter(report=report, standard=standard).first()
    narrative = narrative or StandardNarrative(report=report, standard=standard)
    _check_version(narrative, versions.get("standard"), f"text of standard {standard.code}")
    existing = {
        n.key_question.code: n
        for n in KeyQuestionNarrative.objects.select_for_update(of=("self",))
        .filter(report=report, key_question__in=key_questions.values())
        .select_related("key_question", "updated_by")
    }
    for code, n in existing.items():
        _check_version(n, versions.get(code), f"narrative of {code}")
    if discretion is not None:
        discretion = discretion.strip()
    changed_discretion = discretion is not None and narrative.discretion != discretion
    if narrative.text != text or narrative.pk is None or changed_discretion:
        narrative.text = text
        if discretion is not None:
            narrative.discretion = discretion
        _stamp(narrative, user)
        narrative.save()
    for code, kq_text in key_question_texts.items():
        record = existing.get(code) or KeyQuestionNarrative(report=report, key_question=key_questions[code])
        if record.pk is None or record.text != kq_text:
            record.text = kq_text
            _stamp(record, user)
            record.save()


@transaction.atomic
def case_example_add(
    *,
    inspection: Inspection,
    user,
    answer: KeyQuestionAnswer,
    key_question: KeyQuestion,
    kind: str | None = None,
) -> CaseExample:
    """Takes an inspector's flagged quote into the report, as a quote or a good practice example, placed
    under a key question. Its text is checked when the author saves it."""
    report = _report_for_update(inspection)
    if answer.case.inspection_id != inspection.pk or not answer.quote.strip():
        raise ValidationError("Choose one of this inspection's flagged quotes.")
    kind = kind or (ExampleKind.GOOD_PRACTICE if answer.good_practice else ExampleKind.QUOTE)
    example = CaseExample(
        report=report,
        answer=answer,
        key_question=key_question,
        kind=kind,
        lead_in="In one case, the inspector noted:" if kind == ExampleKind.QUOTE else "",
        text=answer.quote.strip(),
        order=_next_order(CaseExample.objects.filter(report=report, key_question=key_question)),
    )
    _stamp(example, user)
    example.full_clean()
    example.save()
    return example


@transaction.atomic
def case_example_save(
    *,
    inspection: Inspection,
    user,
    example: CaseExample,
    version: int | None,
    kind: str,
    lead_in: str,
    text: str,
) -> CaseExample:
    refuse_if_published(inspection)
    example = CaseExample.objects.select_for_update().get(pk=example.pk, report__inspection=inspection)
    _check_version(example, version, "example")
    # The quote is the inspector's words, printed as written (never parsed for tokens): only the lead-in,
    # which the lead writes, may carry tokens. Both are checked for details that identify a child.
    TextChecker(inspection).check({"lead_in": lead_in, "text": text}, literal=("text",))
    example.kind, example.lead_in, example.text = kind, lead_in.strip(), text.strip()
    _stamp(example, user)
    example.full_clean()
    example.save()
    return example


def examples_needing_anonymising(inspection: Inspection) -> list[CaseExample]:
    """Chosen examples whose text still names a case, a child or a case manager (as first picked)."""
    checker = TextChecker(inspection)
    return [
        e
        for e in CaseExample.objects.filter(report__inspection=inspection).select_related("key_question")
        if identifying_details_in(e.text + " " + e.lead_in, checker.details)
    ]


# --- importing authored content (the demo, or content moved between systems) ----------------------------


def _content_problems(inspection: Inspection, data: Mapping) -> list[str]:
    checker = TextChecker(inspection)
    problems: list[str] = []

    def check(path: str, text, *, literal: bool = False) -> None:
        if not isinstance(text, str):
            problems.append(f"{path}: must be text.")
            return
        problems.extend(f"{path}: {p}" for p in checker.problems(text, literal=literal))

    if data.get("format") != "report-content/1":
        problems.append("format: must be report-content/1.")
    report = data.get("report") or {}
    for name in set(report) - set(REPORT_FIELDS):
        problems.append(f"report.{name}: not a field of the report.")
    for name in REPORT_TEXT_FIELDS:
        check(f"report.{name}", report.get(name, ""))
    if report.get("isbn") and (p := isbn_problem(report["isbn"])):
        problems.append(f"report.isbn: {p}")
    dates = [("report.publication_date", report.get("publication_date"))]
    for i, period in enumerate((data.get("inspection_details") or {}).get("fieldwork") or []):
        dates += [(f"inspection_details.fieldwork[{i}][{j}]", day) for j, day in enumerate(period)]
    for path, day in dates:
        try:
            if day:
                datetime.date.fromisoformat(day)
        except (TypeError, ValueError):
            problems.append(f"{path}: {day!r} is not a date written YYYY-MM-DD.")
    domains = {d.code for d in Domain.objects.filter(framework=inspection.framework)}
    for code, section in (data.get("domains") or {}).items():
        if code not in domains:
            problems.append(f"domains.{code}: there is no domain {code}.")
        for name in set(section) - {"summary", "results", "overview"}:
            problems.append(f"domains.{code}.{name}: a domain has only a summary, results and an overview.")
        for name in ("summary", "results", "overview"):
            check(f"domains.{code}.{name}", section.get(name, ""))
    for i, finding in enumerate(data.get("findings") or []):
        check(f"findings[{i}].text", finding.get("text", ""))
        if finding.get("domain") not in domains or finding.get("kind") not in FindingKind.values:
            problems.append(
                f"findings[{i}]: needs a domain of the framework and a kind ({', '.join(FindingKind.values)})."
            )
    standards = set(
        Standard.objects.filter(domain__framework=inspection.framework).values_list("code", flat=True)
    )
    for i, group in enumerate(data.get("recommendations") or []):
        if group.get("kind") not in AddresseeKind.values:
            problems.append(f"recommendations[{i}].kind: use one of {', '.join(AddresseeKind.values)}.")
        for j, item in enumerate(group.get("items") or []):
            check(f"recommendations[{i}].items[{j}].text", item.get("text", ""))
            for code in item.get("standards") or []:
                if code not in standards:
                    problems.append(
                        f"recommendations[{i}].items[{j}].standards: there is no standard {code}."
                    )
    source_ids = {s.get("id") for s in data.get("sources") or []}
    for key, fact in (data.get("facts") or {}).items():
        if key not in catalogue.FACTS:
            problems.append(f"facts.{key}: not a contextual fact.")
        if fact.get("source") and fact["source"] not in source_ids:
            problems.append(f"facts.{key}.source: no source has the id {fact['source']}.")
        for name in ("value", "national"):
            try:
                parse_figure(str(fact.get(name) or ""))
            except ValueError as exc:
                problems.append(f"facts.{key}.{name}: {exc}.")
    kq_codes = set(
        KeyQuestion.objects.filter(standard__domain__framework=inspection.framework).values_list(
            "code", flat=True
        )
    )
    for code, text in (data.get("standards") or {}).items():
        if code not in standards:
            problems.append(f"standards.{code}: there is no standard {code}.")
        check(f"standards.{code}", text)
    for code, text in (data.get("key_questions") or {}).items():
        if code not in kq_codes:
            problems.append(f"key_questions.{code}: there is no key question {code}.")
        check(f"key_questions.{code}", text)
    cases = set(Case.objects.filter(inspection=inspection).values_list("reference", flat=True))
    for i, example in enumerate(data.get("examples") or []):
        if example.get("case") not in cases:
            problems.append(f"examples[{i}].case: the inspection has no case {example.get('case')}.")
        for name in ("key_question", "answer_key_question"):
            if example.get(name) not in kq_codes:
                problems.append(f"examples[{i}].{name}: there is no key question {example.get(name)}.")
        if example.get("kind") not in ExampleKind.values:
            problems.append(f"examples[{i}].kind: use one of {', '.join(ExampleKind.values)}.")
        check(f"examples[{i}].text", example.get("text", ""), literal=True)
        check(f"examples[{i}].lead_in", example.get("lead_in", ""))
    for reference in (data.get("interviews") or {}).get("not_interviewed", []):
        if reference not in cases:
            problems.append(f"interviews.not_interviewed: the inspection has no case {reference}.")
    return problems


@transaction.atomic
def report_content_import(*, inspection: Inspection, data: Mapping, user=None) -> Report:
    """Replaces the report's authored content with a `report-content/1` document, all or nothing.

    The document may also record, for the demo inspection, the case manager interviews held, the fieldwork
    periods and the inspectors' flagged quotes that its examples were chosen from.
    """
    refuse_if_published(inspection)
    problems = _content_problems(inspection, data)
    if problems:
        raise ValidationError(problems)
    Report.objects.filter(inspection=inspection).delete()
    fields = dict(data.get("report") or {})
    if fields.get("publication_date"):
        fields["publication_date"] = datetime.date.fromisoformat(fields["publication_date"])
    report = Report(inspection=inspection, updated_by=user, **fields)
    report.full_clean()
    report.save()
    details = data.get("inspection_details") or {}
    _apply_inspection_details(inspection, details)
    domains = {d.code: d for d in Domain.objects.filter(framework=inspection.framework)}
    for code, section in (data.get("domains") or {}).items():
        DomainSection.objects.create(report=report, domain=domains[code], updated_by=user, **section)
    for order, f in enumerate(data.get("findings") or [], 1):
        Finding.objects.create(
            report=report,
            domain=domains[f["domain"]],
            kind=f["kind"],
            text=f["text"],
            in_summary=f.get("in_summary", True),
            in_chapter=f.get("in_chapter", True),
            keeps_capital=f.get("keeps_capital", False),
            order=order,
            updated_by=user,
        )
    standards = {s.code: s for s in Standard.objects.filter(domain__framework=inspection.framework)}
    for a_order, group in enumerate(data.get("recommendations") or [], 1):
        addressee = Addressee.objects.create(
            report=report, kind=group["kind"], name=group["addressee"], order=a_order, updated_by=user
        )
        for r_order, item in enumerate(group.get("items") or [], 1):
            recommendation = Recommendation.objects.create(
                report=report, addressee=addressee, text=item["text"], order=r_order, updated_by=user
            )
            recommendation.standards.set([standards[c] for c in item.get("standards") or []])
    sources = {}
    for s in data.get("sources") or []:
        sources[s["id"]] = FactSource.objects.create(
            report=report,
            supplied_by=s["supplied_by"],
            organisation=s.get("organisation") or "",
            year=s.get("year"),
            title=s.get("title") or "",
            period=s.get("period") or "",
            updated_by=user,
        )
    for key, fact in (data.get("facts") or {}).items():
        ContextualFact.objects.create(
            report=report,
            key=key,
            value=parse_figure(str(fact.get("value") or "")),
            national=parse_figure(str(fact.get("national") or "")),
            source=sources.get(fact.get("source")),
            updated_by=user,
        )
    for code, text in (data.get("standards") or {}).items():
        StandardNarrative.objects.create(report=report, standard=standards[code], text=text, updated_by=user)
    key_questions = {
        k.code: k for k in KeyQuestion.objects.filter(standard__domain__framework=inspection.framework)
    }
    for code, text in (data.get("key_questions") or {}).items():
        KeyQuestionNarrative.objects.create(
            report=report, key_question=key_questions[code], text=text, updated_by=user
        )
    _import_examples(inspection, report, data.get("examples") or [], key_questions, user)
    interviews = data.get("interviews")
    if interviews is not None:
        cases = Case.objects.filter(inspection=inspection)
        cases.update(case_manager_interviewed=True)
        cases.filter(reference__in=interviews.get("not_interviewed", [])).update(
            case_manager_interviewed=False
        )
    return report


def _apply_inspection_details(inspection: Inspection, details: Mapping) -> None:
    periods = details.get("fieldwork") or []
    if periods:
        inspection.fieldwork_start, inspection.fieldwork_end = (
            datetime.date.fromisoformat(d) for d in periods[0]
        )
        second = periods[1] if len(periods) > 1 else (None, None)
        inspection.second_period_start, inspection.second_period_end = (
            datetime.date.fromisoformat(d) if d else None for d in second
        )
    if "is_joint" in details:
        inspection.is_joint = bool(details["is_joint"])
    if "partner_inspectorates" in details:
        inspection.partner_inspectorates = "\n".join(details["partner_inspectorates"])
    inspection.full_clean()
    inspection.save()


def _import_examples(inspection, report, examples, key_questions, user) -> None:
    answers = {
        (a.case.reference, a.key_question.code): a
        for a in KeyQuestionAnswer.objects.filter(case__inspection=inspection).select_related(
            "case", "key_question"
        )
    }
    for order, e in enumerate(examples, 1):
        answer = answers.get((e["case"], e["answer_key_question"]))
        if answer is not None:
            # The demo's answers are imported without quotes: record the inspector's flagged quote first.
            answer.quote = e["text"]
            answer.good_practice = e["kind"] == ExampleKind.GOOD_PRACTICE
            answer.save(update_fields=["quote", "good_practice"])
        CaseExample.objects.create(
            report=report,
            answer=answer,
            key_question=key_questions[e["key_question"]],
            kind=e["kind"],
            lead_in=e.get("lead_in") or "",
            text=e["text"],
            order=order,
            updated_by=user,
        )


# --- renders --------------------------------------------------------------------------------------------


def _next_number(inspection: Inspection, format: str) -> int:
    return (
        Render.objects.select_for_update()
        .filter(inspection=inspection, format=format)
        .aggregate(m=Max("number"))["m"]
        or 0
    ) + 1


# The Celery task that makes a render's file (reports/tasks.py registers it under this name).
RENDER_TASK = "reports.tasks.render_task"


def _enqueue(render: Render, *, quietly: bool = False) -> None:
    """Queues the render's task once the transaction commits. If the queue does not answer, the render is
    marked failed with the reason (so nothing waits for a job that was never queued) and, unless
    `quietly`, QueueUnavailable tells the person to try again. The task is queued by its name: its module
    imports this one (the task calls the service), never the other way round."""

    def send():
        try:
            enqueue(RENDER_TASK, args=(render.pk,))
        except QueueUnavailable:
            render_enqueue_failed(render_id=render.pk, reason=QueueUnavailable.message)
            if not quietly:
                raise

    transaction.on_commit(send)


@transaction.atomic
def render_request(*, inspection: Inspection, user, format: str = RenderFormat.PDF) -> Render:
    """Asks the worker for a new render of the report (PDF) or its data (CSV, XLSX); queued on commit.

    The PDF of a published inspection is made from the snapshot frozen at publication, so it is the same
    file, byte for byte, however often it is made again."""
    if format not in RenderFormat.values:
        raise ValidationError(f"{format} is not a format the report can be made in.")
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    publication = None
    if format in (RenderFormat.PDF, RenderFormat.HTML) and locked.is_published:
        publication = Publication.objects.get(inspection=locked, withdrawn_at__isnull=True)
    render = Render.objects.create(
        inspection=inspection,
        format=format,
        number=_next_number(inspection, format),
        requested_by=user,
        publication=publication,
    )
    _enqueue(render)
    return render


@transaction.atomic
def render_retry(*, render: Render, user) -> Render:
    """Queues a failed render again (its version number stays)."""
    render = Render.objects.select_for_update().get(pk=render.pk)
    if render.status != RenderStatus.FAILED:
        raise ValidationError("Only a failed render can be tried again.")
    render.status, render.attempts, render.failure_reason = RenderStatus.QUEUED, 0, ""
    render.save(update_fields=["status", "attempts", "failure_reason", "updated_at"])
    _enqueue(render)
    return render


def render_enqueue_failed(*, render_id: int, reason: str) -> None:
    """The queue refused the job (it is down): say so on the render, so the page is not left waiting."""
    Render.objects.filter(pk=render_id, status=RenderStatus.QUEUED).update(
        status=RenderStatus.FAILED, failure_reason=reason, updated_at=timezone.now()
    )


def _claim(render_id: int, task_id: str) -> Render | None:
    """Marks the render as being made by this task; None if there is nothing to do.

    A render another task is making (and touched lately) is left to it. The same task delivered again
    (acks_late: its worker died before acknowledging it) takes the render over.
    """
    with transaction.atomic():
        render = Render.objects.select_for_update().select_related("inspection").filter(pk=render_id).first()
        if render is None or render.status in (RenderStatus.READY, RenderStatus.FAILED):
            return None
        fresh = timezone.now() - render.updated_at < RENDER_STALE_AFTER
        if render.status == RenderStatus.RENDERING and fresh and render.task_id != task_id:
            return None
        render.attempts += 1
        if render.attempts > RENDER_MAX_ATTEMPTS:
            render.status = RenderStatus.FAILED
            render.failure_reason = (
                f"The file could not be made in {RENDER_MAX_ATTEMPTS} attempts: the worker stopped each time. "
                "Try again; if it fails again, tell the service's support team."
            )
            render.save()
            return None
        render.status, render.started_at, render.failure_reason = RenderStatus.RENDERING, timezone.now(), ""
        render.task_id = task_id
        render.save()
        return render


def render_run(
    *, render_id: int, make: Callable[[Render], tuple[dict, bytes]], task_id: str = ""
) -> Render | None:
    """Makes the file of a render with `make` (snapshot, bytes), and stores it with its SHA-256.

    Failures that retrying cannot fix are recorded on the render with the reason; the task retries the
    others (a database that went away). A render is never left 'rendering': if the worker dies, the task is
    delivered again (acks_late) or the stale-render sweep queues it again.
    """
    render = _claim(render_id, task_id)
    if render is None:
        return None
    started = time.monotonic()
    try:
        snapshot, content = make(render)
    except Exception as exc:
        LOGGER.exception("Render %s failed", render_id)
        if _is_transient(exc):
            Render.objects.filter(pk=render_id).update(status=RenderStatus.QUEUED, updated_at=timezone.now())
            raise
        reason = f"The file could not be made: {exc}"[:2000]
        Render.objects.filter(pk=render_id).update(
            status=RenderStatus.FAILED,
            failure_reason=reason,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        return Render.objects.get(pk=render_id)
    return _store(render, snapshot, content, time.monotonic() - started)


def _is_transient(exc: Exception) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


# What a person can do about a file the server could not write, by the operating system's error.
STORE_FAILURES = {
    errno.ENOSPC: "the server's disk is full",
    errno.EDQUOT: "the server's storage quota is used up",
    errno.EFBIG: "the file is larger than the server allows",
    errno.EROFS: "the server's file store is read-only",
    errno.EACCES: "the server is not allowed to write to its file store",
    errno.EPERM: "the server is not allowed to write to its file store",
    errno.ENOTDIR: "the server's file store folder is missing or is not a folder",
    errno.ENOENT: "the server's file store folder is missing or is not a folder",
}


def store_failure_reason(exc: OSError) -> str:
    """The reason a render shows when its file could not be written, in words a lead inspector can pass on."""
    cause = STORE_FAILURES.get(exc.errno, f"the server could not write it ({exc.strerror or exc})")
    return (
        f"The file was made but could not be saved: {cause}. Nothing else has been lost. "
        "Tell the service's support team, then try again."
    )


def _store(render: Render, snapshot: dict, content: bytes, seconds: float) -> Render:
    digest = hashlib.sha256(content).hexdigest()
    snapshot_json = _canonical_json(snapshot)
    # Set before the file is named: a final PDF is not "-draft".
    render.is_draft = bool(snapshot.get("is_draft", True))
    # The name the storage will save under (a free one), so that a failed write's part can be found again.
    field = Render.file.field
    name = field.storage.get_available_name(field.generate_filename(render, render.filename))
    try:
        with transaction.atomic():
            locked = Render.objects.select_for_update().get(pk=render.pk)
            if locked.status == RenderStatus.READY:
                return locked
            locked.is_draft = render.is_draft
            locked.file.save(locked.filename, ContentFile(content), save=False)
            locked.sha256, locked.size = digest, len(content)
            locked.snapshot, locked.snapshot_sha256 = snapshot, hashlib.sha256(snapshot_json).hexdigest()
            locked.status, locked.finished_at = RenderStatus.READY, timezone.now()
            locked.seconds = Decimal(f"{seconds:.2f}")
            locked.save()
            return locked
    except OSError as exc:
        LOGGER.exception("Render %s: the file could not be saved as %s", render.pk, name)
        _remove_partial_file(name)
        Render.objects.filter(pk=render.pk).update(
            status=RenderStatus.FAILED,
            failure_reason=store_failure_reason(exc),
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        return Render.objects.get(pk=render.pk)
    except BaseException:
        _remove_partial_file(name)  # e.g. the database went away after the file was written: retried anew
        raise


def _remove_partial_file(name: str) -> None:
    """A write that failed part way (a full disk) leaves part of a file. The name was free when this render
    took it, and only this render's task is making it (`_claim`), so whatever is there is that part."""
    with contextlib.suppress(OSError):
        Render.file.field.storage.delete(name)


def _canonical_json(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str).encode()


def renders_sweep_stale(*, inspection: Inspection | None = None, now=None) -> list[int]:
    """Queues again (or fails, after the last attempt) renders whose worker stopped: nothing stays stuck.

    A render counts as stuck when it has been 'rendering' or 'queued' without change for longer than
    RENDER_STALE_AFTER. Returns the ids queued again.
    """
    now = now or timezone.now()
    stale = Render.objects.filter(
        status__in=(RenderStatus.QUEUED, RenderStatus.RENDERING), updated_at__lt=now - RENDER_STALE_AFTER
    )
    if inspection is not None:
        stale = stale.filter(inspection=inspection)
    requeued = []
    with transaction.atomic():
        for render in stale.select_for_update(skip_locked=True):
            if render.attempts >= RENDER_MAX_ATTEMPTS:
                render.status = RenderStatus.FAILED
                render.failure_reason = (
                    "The worker stopped while making this file, too many times. Try again; if it fails again, "
                    "tell the service's support team."
                )
                render.finished_at = now
                render.save()
                continue
            render.status = RenderStatus.QUEUED
            render.save(update_fields=["status", "updated_at"])
            _enqueue(render, quietly=True)
            requeued.append(render.pk)
    return requeued


def render_download_record(*, render: Render, request) -> None:
    """Every download goes to the security event log: a data file as an export, the PDF as a download."""
    kind = EventKind.DOWNLOAD if render.format == RenderFormat.PDF else EventKind.EXPORT
    security_event_record(
        kind=kind, request=request, obj=render, detail=f"{render.filename}, SHA-256 {render.sha256}"
    )


# --- publication ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishProblem:
    """Something a published report needs that this one lacks. `part` and `ref` say where to put it right:
    part is sign_off, details (ref: the field), domain (the domain's code), finding, recommendation,
    example (their pk) or standard (the standard's code)."""

    message: str
    part: str
    ref: str = ""


def publication_problems(inspection: Inspection) -> list[PublishProblem]:
    """Everything that stops the report being published, each said once: the ratings signed off, the
    publishing details (a valid ISBN, the month, the foreword's signatory), no unknown token in any text,
    and no chosen example that still names a case, a child or a case manager."""
    problems: list[PublishProblem] = []
    if current_sign_off(inspection) is None:
        problems.append(PublishProblem("The ratings panel has not signed the ratings off yet.", "sign_off"))
    for alert in Alert.objects.filter(inspection=inspection, status=AlertStatus.OPEN).select_related("case"):
        problems.append(
            PublishProblem(
                f"Alert {alert.number} (case {alert.case.reference}) is still open: record the service's "
                "confirmation of what it has done.",
                "alert",
                str(alert.number),
            )
        )
    report = Report.objects.filter(inspection=inspection).first() or Report(inspection=inspection)
    if not report.isbn.strip():
        problems.append(PublishProblem("Enter the report's ISBN.", "details", "isbn"))
    elif problem := isbn_problem(report.isbn):
        problems.append(PublishProblem(problem, "details", "isbn"))
    if report.publication_date is None:
        problems.append(PublishProblem("Enter the month of publication.", "details", "publication_date"))
    if not report.signatory_name.strip():
        problems.append(PublishProblem("Name who signs the foreword.", "details", "signatory_name"))
    if report.pk is None:
        return problems + missing_problems(inspection, problems)
    # Texts are checked again, for unknown tokens and for details that identify a case, a child or a case
    # manager: both may have changed since a text was saved (a token withdrawn, a case swapped into the
    # sample, case managers' names imported later).
    checker = TextChecker(inspection)

    def check(where: str, text: str, part: str, ref, *, identifying: bool = True) -> None:
        found = (
            checker.problems(text or "") if identifying else markup_problems(text or "", checker.vocabulary)
        )
        for problem in found:
            problems.append(PublishProblem(f"{where}: {problem}", part, str(ref)))

    for name in ("cover_lead", "presenters"):
        label = str(Report._meta.get_field(name).verbose_name).capitalize()
        for detail in identifying_details_in(getattr(report, name) or "", checker.details):
            problems.append(
                PublishProblem(
                    f"{label}: '{detail}' identifies a case, a child or a case manager of this inspection: "
                    "remove it, because the report is published.",
                    "details",
                    name,
                )
            )
    for name in REPORT_TEXT_FIELDS:
        check(Report._meta.get_field(name).verbose_name.capitalize(), getattr(report, name), "details", name)
    for section in DomainSection.objects.filter(report=report).select_related("domain"):
        for name in ("summary", "results", "overview"):
            label = DomainSection._meta.get_field(name).verbose_name
            check(
                f"Domain {section.domain.code}, {label}",
                getattr(section, name),
                "domain",
                section.domain.code,
            )
    for finding in Finding.objects.filter(report=report).select_related("domain"):
        what = "A strength" if finding.kind == FindingKind.STRENGTH else "An area for improvement"
        check(f"{what} of domain {finding.domain.code}", finding.text, "finding", finding.pk)
    for number, recommendation in enumerate(
        Recommendation.objects.filter(report=report).order_by("addressee__order", "addressee", "order", "pk"),
        1,
    ):
        check(f"Recommendation {number}", recommendation.text, "recommendation", recommendation.pk)
    for narrative in StandardNarrative.objects.filter(report=report).select_related("standard"):
        code = narrative.standard.code
        check(f"The text of standard {code}", narrative.text, "standard", code)
        if narrative.discretion:
            check(f"The explanation of discretion in standard {code}", narrative.discretion, "standard", code)
    for narrative in KeyQuestionNarrative.objects.filter(report=report).select_related(
        "key_question__standard"
    ):
        kq = narrative.key_question
        check(f"The text under key question {kq.code}", narrative.text, "standard", kq.standard.code)
    examples = CaseExample.objects.filter(report=report).select_related("key_question")
    for example in examples:
        check(
            f"An example under {example.key_question.code}",
            example.lead_in,
            "example",
            example.pk,
            identifying=False,  # said once, below
        )
    for example in examples_needing_anonymising(inspection):
        problems.append(
            PublishProblem(
                f"An example under {example.key_question.code} still names a case, a child or a case manager.",
                "example",
                str(example.pk),
            )
        )
    return problems + missing_problems(inspection, problems)


def missing_problems(inspection: Inspection, already: Sequence[PublishProblem]) -> list[PublishProblem]:
    """What the report cannot say yet (the draft prints a placeholder for each), except what is already
    listed for the same place."""
    listed = {(p.part, p.ref) for p in already}
    return [
        PublishProblem(item["message"], item["part"], item["ref"])
        for item in report_snapshot(inspection)["missing"]
        if (item["part"], item["ref"]) not in listed or item["part"] in ("domain", "standard", "cases")
    ]


def _published_snapshot(inspection: Inspection, publication: Publication) -> dict:
    """The report as it is at publication, with what makes its PDF the same every time it is made: the
    publication's time as the PDF's creation and modification dates, and a file identifier of its own."""
    snapshot = report_snapshot(inspection)
    at = publication.published_at.astimezone(datetime.UTC).replace(microsecond=0)
    identity = f"{inspection.reference}/{at.isoformat()}".encode()
    snapshot["published"] = {
        "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "identifier": hashlib.md5(identity, usedforsecurity=False).hexdigest(),
    }
    return snapshot


@transaction.atomic
def report_publish(*, inspection: Inspection, user) -> Render:
    """Publishes the report: refused, with every problem listed, unless it has all a published report needs.

    Freezes the inspection's data, stores the report's snapshot and queues the final PDF made from it. Only
    the inspection's lead inspector publishes; the foreword's signatory is recorded with who published.
    """
    if not user.has_perm("inspections.publish", inspection):
        raise PermissionDenied("Only the lead inspector of this inspection can publish its report.")
    locked = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("service", "framework", "lead_inspector")
        .get(pk=inspection.pk)
    )
    refuse_if_published(locked, reread=False)
    problems = publication_problems(locked)
    if problems:
        raise ValidationError([p.message for p in problems])
    report = Report.objects.get(inspection=locked)
    publication = inspection_publish(
        inspection=locked,
        published_by=user,
        signatory_name=report.signatory_name,
        signatory_title=report.signatory_title,
    )
    snapshot = _published_snapshot(locked, publication)
    PublishedReport.objects.create(
        publication=publication,
        snapshot=snapshot,
        snapshot_sha256=hashlib.sha256(_canonical_json(snapshot)).hexdigest(),
    )
    render = Render.objects.create(
        inspection=locked,
        format=RenderFormat.PDF,
        number=_next_number(locked, RenderFormat.PDF),
        requested_by=user,
        publication=publication,
    )
    # The HTML edition is made from the same frozen snapshot.
    edition = Render.objects.create(
        inspection=locked,
        format=RenderFormat.HTML,
        number=_next_number(locked, RenderFormat.HTML),
        requested_by=user,
        publication=publication,
    )
    # If the queue is down the render is marked failed, with "Try again": the publication stands.
    _enqueue(render, quietly=True)
    _enqueue(edition, quietly=True)
    inspection.published_at, inspection.status = locked.published_at, locked.status
    return render

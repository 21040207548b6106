"""The `inspection-data/1` format (docs/inspection-data-format.md).

`read_document` checks a whole document against the format, the framework and the rules of sections 2 to 4
and lists every problem with its JSON path; it writes nothing (`services.inspection_import` writes).
`export_document` writes an inspection out in the same format, so that import then export gives the same
document back.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from cases.models import (
    COURT_DISPOSALS,
    AnswerValue,
    Case,
    CaseStatus,
    Category,
    DisposalType,
    Gender,
    KeyQuestionAnswer,
    Level,
    OffenceGroup,
    Oversight,
    PromptAnswer,
    SecondMarking,
    SecondMarkingAnswer,
    YesNo,
)
from inspections.models import Applicability, FrameworkVersion, Inspection, Service, ServiceTerm
from inspections.selectors import framework_structure

from . import rules
from .checks import panel_decision_problems
from .models import DomainOneProposal, EvidenceSource
from .selectors import DOMAIN_ONE, FINAL, inspection_ratings_get, standard_figures

FORMAT = "inspection-data/1"

TOP_LEVEL = {"format", "framework", "service", "inspection", "cases"}
TOP_LEVEL_OPTIONAL = {"domain_one", "panel_decisions", "second_markings"}
SERVICE_KEYS = {"name", "term"}
INSPECTION_KEYS = {"reference", "fieldwork_start", "fieldwork_end"}
INSPECTION_OPTIONAL = {"ratings_signed_off"}
CASE_KEYS = {"reference", "category", "disposal_type", "gender", "rosh", "safety_wellbeing", "answers"}
# Beyond the format's basic example, and optional: what the inspector recorded on the case facts page that the
# figures and the report depend on, in the order the page asks them. The applicability flags say which
# sub-samples the case is in (docs/rules.md section 2); the principal offence group feeds the report's
# offence-types table; the classification, oversight and interview judgements feed domain one's case-sample
# figures. Each entry: (allowed values, or bool for true/false; what a value is, for the error message).
# Absent means not recorded.
CASE_FACTS = {
    "offence_group": (OffenceGroup.values, "an offence group"),
    "rosh_reasonable": (YesNo.values, "a yes or no answer"),
    "inspector_rosh": (Level.values, "a level"),
    "safety_wellbeing_reasonable": (YesNo.values, "a yes or no answer"),
    "child_safety_factors": (bool, "true or false"),
    "others_safety_factors": (bool, "true or false"),
    "review_needed": (bool, "true or false"),
    "management_oversight": (Oversight.values, "a management oversight judgement"),
    "case_manager_interviewed": (bool, "true or false"),
}
CASE_OPTIONAL = set(CASE_FACTS)
DOMAIN_ONE_KEYS = {"standard", "rating", "rationale"}
# Beyond the format's basic example, and optional: the lead inspector's rationale for each key question and the
# evidence notes, so that an exported inspection keeps them.
DOMAIN_ONE_OPTIONAL = {"key_questions", "evidence"}
PANEL_KEYS = {"standard", "rating"}
PANEL_OPTIONAL = {"key_question", "rationale"}
# Blind second markings (issue 17): the second marker's answers to a case of the file, by email or label.
SECOND_MARKING_KEYS = {"case", "marker", "answers"}

REFERENCE_PATTERN = re.compile(r"^[-A-Za-z0-9_]+$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DOMAIN_OF_CATEGORY = {Category.COURT: "2", Category.OUT_OF_COURT: "3"}
ANSWERS = tuple(AnswerValue.values)
# An entry the document does not have; `_Reader.mapping` has reported it already.
MISSING = object()


def path_of(base: str, key: str | int) -> str:
    """A JSON path in the style of JSONPath: $.cases[3].answers['2.1.1']."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    if re.fullmatch(r"[a-z_]+", key):
        return f"{base}.{key}"
    return f"{base}['{key}']"


def _choices(values) -> str:
    values = list(values)
    return ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else "".join(values)


@dataclass
class ImportedCase:
    reference: str
    category: str
    disposal_type: str
    gender: str
    rosh: str
    safety_wellbeing: str
    answers: dict[str, str]
    # CASE_FACTS entries the file gives (the others stay not recorded).
    facts: dict[str, str | bool] = field(default_factory=dict)


@dataclass
class ImportedProposal:
    standard: str
    rating: str
    rationale: str
    key_questions: list[tuple[str, str]] = field(default_factory=list)
    evidence: list[tuple[str, str | None, str]] = field(default_factory=list)


@dataclass
class ImportedDecision:
    standard: str
    rating: str
    key_question: str | None
    rationale: str


@dataclass
class ImportedSecondMarking:
    case: str
    marker: str
    answers: dict[str, str]


@dataclass
class ImportedDocument:
    framework: FrameworkVersion
    service_name: str
    service_term: str
    reference: str
    fieldwork_start: datetime.date
    fieldwork_end: datetime.date
    signed_off: bool
    cases: list[ImportedCase]
    domain_one: list[ImportedProposal]
    panel_decisions: list[ImportedDecision]
    # Answers to flag to the lead inspector: 'na' on an all-cases key question, whose reason an import lacks.
    flagged: list[str]
    second_markings: list[ImportedSecondMarking] = field(default_factory=list)


class _Reader:
    """Reads one document, collecting every problem as 'path: reason' rather than stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []

    def problem(self, path: str, reason: str) -> None:
        self.problems.append(f"{path}: {reason}")

    def mapping(self, value, path: str, required: set[str], optional: set[str] = frozenset()) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, "must be a JSON object.")
            return None
        for key in sorted(required - set(value)):
            self.problem(path_of(path, key), "is missing.")
        for key in sorted(set(value) - required - optional):
            self.problem(path_of(path, key), f"is not part of {FORMAT} here.")
        return value

    def listing(self, value, path: str) -> list:
        if not isinstance(value, list):
            self.problem(path, "must be a JSON list.")
            return []
        return value

    def text(self, value, path: str, *, max_length: int | None = None) -> str | None:
        if value is MISSING:
            return None
        if not isinstance(value, str):
            self.problem(path, "must be text.")
            return None
        if not value.strip():
            self.problem(path, "must not be empty.")
            return None
        if max_length and len(value) > max_length:
            self.problem(path, f"is {len(value)} characters long; at most {max_length} are allowed.")
            return None
        return value

    def choice(self, value, path: str, allowed, what: str) -> str | None:
        if value is MISSING:
            return None
        allowed = list(allowed)
        if value not in allowed:
            self.problem(path, f"{value!r} is not {what}: use {_choices(allowed)}.")
            return None
        return value

    def date(self, value, path: str) -> datetime.date | None:
        if value is MISSING:
            return None
        if isinstance(value, str) and DATE_PATTERN.match(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(path, f"{value!r} is not a date: write it as YYYY-MM-DD, for example 2021-07-12.")
        return None


class _Framework:
    """The framework's ids, as the reader needs them."""

    def __init__(self, framework: FrameworkVersion):
        self.framework = framework
        self.structure = framework_structure(framework)
        self.standards: dict[str, dict] = {}
        self.key_questions: dict[str, dict] = {}
        self.prompts: dict[str, dict] = {}
        self.domain_of: dict[str, str] = {}
        for domain in self.structure:
            for standard in domain["standards"]:
                self.standards[standard["id"]] = standard
                self.domain_of[standard["id"]] = domain["id"]
                for kq in standard["key_questions"]:
                    self.key_questions[kq["id"]] = kq
                    self.domain_of[kq["id"]] = domain["id"]
                    for prompt in kq["prompts"]:
                        self.prompts[prompt["id"]] = {**prompt, "key_question": kq["id"]}
                        self.domain_of[prompt["id"]] = domain["id"]

    def key_questions_of_domain(self, domain_id: str) -> list[str]:
        return [code for code in self.key_questions if self.domain_of[code] == domain_id]


def read_document(document, *, replace: bool = False) -> ImportedDocument:
    """Checks a whole inspection-data/1 document. Raises ValidationError listing every problem."""
    reader = _Reader()
    root = reader.mapping(document, "$", TOP_LEVEL, TOP_LEVEL_OPTIONAL)
    if root is None:
        raise ValidationError(reader.problems)
    if "format" in root and root["format"] != FORMAT:
        reader.problem("$.format", f"{root['format']!r} is not a format this service reads: use {FORMAT!r}.")
    framework = None
    if "framework" in root:
        framework = (
            FrameworkVersion.objects.filter(code=root["framework"]).first()
            if isinstance(root["framework"], str)
            else None
        )
        if framework is None:
            known = list(FrameworkVersion.objects.values_list("code", flat=True))
            reader.problem(
                "$.framework",
                f"{root['framework']!r} is not a framework loaded here"
                + (
                    f": use {_choices(known)}."
                    if known
                    else "; load one first with ./dev manage load_framework."
                ),
            )
    if framework is None:
        # Without the framework no id can be checked; report what is known so far.
        raise ValidationError(reader.problems)
    fw = _Framework(framework)

    service_name, service_term = _read_service(reader, root.get("service"))
    reference, start, end, signed_off = _read_inspection(reader, root.get("inspection"), replace)
    cases, flagged = _read_cases(reader, root.get("cases", []), fw)
    proposals = _read_domain_one(reader, root.get("domain_one", []), fw)
    decisions = _read_panel_decisions(
        reader, root.get("panel_decisions", []), fw, cases, proposals, signed_off
    )
    second_markings = _read_second_markings(reader, root.get("second_markings", []), fw, cases)
    if reader.problems:
        raise ValidationError(reader.problems)
    return ImportedDocument(
        framework=framework,
        service_name=service_name,
        service_term=service_term,
        reference=reference,
        fieldwork_start=start,
        fieldwork_end=end,
        signed_off=signed_off,
        cases=cases,
        domain_one=proposals,
        panel_decisions=decisions,
        flagged=flagged,
        second_markings=second_markings,
    )


def _read_service(reader: _Reader, value) -> tuple[str | None, str | None]:
    service = reader.mapping(value, "$.service", SERVICE_KEYS)
    if service is None:
        return None, None
    name = reader.text(service.get("name", MISSING), "$.service.name", max_length=200)
    term = reader.choice(service.get("term", MISSING), "$.service.term", ServiceTerm.values, "a service term")
    if name and term:
        existing = Service.objects.filter(name=name).first()
        if existing is not None and existing.term != term:
            reader.problem(
                "$.service.term",
                f"{name} is already recorded here as a {existing.term}; the file says {term}. "
                "Change the service's term in the administration pages first if it has changed.",
            )
    return name, term


def _read_inspection(reader: _Reader, value, replace: bool):
    inspection = reader.mapping(value, "$.inspection", INSPECTION_KEYS, INSPECTION_OPTIONAL)
    if inspection is None:
        return None, None, None, False
    reference = reader.text(inspection.get("reference", MISSING), "$.inspection.reference", max_length=40)
    if reference and not REFERENCE_PATTERN.match(reference):
        reader.problem(
            "$.inspection.reference", f"{reference!r} may hold only letters, digits, hyphens and underscores."
        )
        reference = None
    if reference and not replace and Inspection.objects.filter(reference=reference).exists():
        reader.problem(
            "$.inspection.reference",
            f"an inspection {reference} exists already. Import with --replace to replace it whole.",
        )
    start = reader.date(inspection.get("fieldwork_start", MISSING), "$.inspection.fieldwork_start")
    end = reader.date(inspection.get("fieldwork_end", MISSING), "$.inspection.fieldwork_end")
    if start and end and end < start:
        reader.problem("$.inspection.fieldwork_end", "fieldwork must end on or after the day it starts.")
    signed_off = inspection.get("ratings_signed_off", False)
    if not isinstance(signed_off, bool):
        reader.problem("$.inspection.ratings_signed_off", "must be true or false.")
        signed_off = False
    return reference, start, end, signed_off


def _read_cases(reader: _Reader, value, fw: _Framework) -> tuple[list[ImportedCase], list[str]]:
    cases, flagged = [], []
    first_seen: dict[str, int] = {}
    for index, item in enumerate(reader.listing(value, "$.cases")):
        path = path_of("$.cases", index)
        case = reader.mapping(item, path, CASE_KEYS, CASE_OPTIONAL)
        if case is None:
            continue
        reference = reader.text(case.get("reference", MISSING), f"{path}.reference", max_length=40)
        if reference is not None:
            if reference in first_seen:
                reader.problem(
                    f"{path}.reference",
                    f"{reference} is also the reference of $.cases[{first_seen[reference]}]; "
                    "each case needs its own.",
                )
            else:
                first_seen[reference] = index
        category = reader.choice(
            case.get("category", MISSING), f"{path}.category", Category.values, "a category"
        )
        disposal = reader.choice(
            case.get("disposal_type", MISSING),
            f"{path}.disposal_type",
            DisposalType.values,
            "a disposal type",
        )
        if category and disposal and (disposal in COURT_DISPOSALS) != (category == Category.COURT):
            reader.problem(
                f"{path}.disposal_type",
                f"{disposal} is not a disposal of a {Category(category).label.lower()}.",
            )
        gender = reader.choice(case.get("gender", MISSING), f"{path}.gender", Gender.values, "a gender")
        rosh = reader.choice(case.get("rosh", MISSING), f"{path}.rosh", Level.values, "a level")
        safety = reader.choice(
            case.get("safety_wellbeing", MISSING), f"{path}.safety_wellbeing", Level.values, "a level"
        )
        facts = {}
        for name, (allowed, what) in CASE_FACTS.items():
            if name not in case:
                continue
            if allowed is bool and not isinstance(case[name], bool):
                reader.problem(f"{path}.{name}", f"must be {what} (leave it out if it was not recorded).")
            elif allowed is bool or reader.choice(case[name], f"{path}.{name}", allowed, what):
                facts[name] = case[name]
        answers = case.get("answers")
        if "answers" in case and not isinstance(answers, dict):
            reader.problem(
                f"{path}.answers", "must be a JSON object of answers by key question or prompt id."
            )
        if not isinstance(answers, dict):
            answers = None
        elif category:
            flagged += _check_answers(reader, f"{path}.answers", answers, fw, category, disposal)
        if None not in (reference, category, disposal, gender, rosh, safety) and answers is not None:
            cases.append(
                ImportedCase(reference, category, disposal, gender, rosh, safety, dict(answers), facts)
            )
    return cases, flagged


def _check_answers(
    reader: _Reader, path: str, answers: dict, fw: _Framework, category: str, disposal
) -> list[str]:
    domain = DOMAIN_OF_CATEGORY[category]
    kind = Category(category).label.lower()
    flagged = []
    for item_id, value in answers.items():
        here = path_of(path, item_id)
        if value not in ANSWERS:
            reader.problem(here, f"{value!r} is not an answer: use yes, no or na.")
        item_domain = fw.domain_of.get(item_id)
        if item_id not in fw.key_questions and item_id not in fw.prompts:
            reader.problem(here, f"{item_id} is not a key question or prompt of {fw.framework.code}.")
            continue
        if item_domain != domain:
            reader.problem(
                here,
                f"{item_id} belongs to domain {item_domain}, but this case is a {kind} (domain {domain}).",
            )
            continue
        if item_id in fw.prompts:
            prompt = fw.prompts[item_id]
            kq_value = answers.get(prompt["key_question"])
            if kq_value == AnswerValue.NOT_APPLICABLE and value in (AnswerValue.YES, AnswerValue.NO):
                reader.problem(
                    here, f"must be 'na': its key question {prompt['key_question']} is 'na' in this case."
                )
            elif (
                kq_value in (AnswerValue.YES, AnswerValue.NO)
                and value == AnswerValue.NOT_APPLICABLE
                and not prompt["relevant_cases_only"]
            ):
                reader.problem(
                    here,
                    f"cannot be 'na' while its key question {prompt['key_question']} is answered: only "
                    "prompts for relevant cases (a victim, other agencies, ...) may be 'na' on their own.",
                )
            continue
        rules_of_kq = fw.key_questions[item_id]["applicability"]
        if Applicability.YCC_ONLY in rules_of_kq and disposal:
            is_ycc = disposal == DisposalType.YOUTH_CONDITIONAL_CAUTION
            if is_ycc and value == AnswerValue.NOT_APPLICABLE:
                reader.problem(here, f"cannot be 'na': {item_id} applies to every youth conditional caution.")
            elif not is_ycc and value in (AnswerValue.YES, AnswerValue.NO):
                reader.problem(
                    here,
                    f"must be 'na': {item_id} applies only to youth conditional cautions, and this case is a "
                    f"{DisposalType(disposal).label.lower()}.",
                )
        if Applicability.ALL_CASES in rules_of_kq and value == AnswerValue.NOT_APPLICABLE:
            flagged.append(
                f"{here}: 'na' on {item_id}, which applies to all cases; its reason was not recorded."
            )
    missing = [code for code in fw.key_questions_of_domain(domain) if code not in answers]
    if missing:
        reader.problem(
            path,
            f"every key question of domain {domain} needs an answer; missing: {', '.join(missing)}.",
        )
    return flagged


def _read_domain_one(reader: _Reader, value, fw: _Framework) -> list[ImportedProposal]:
    proposals: list[ImportedProposal] = []
    seen: set[str] = set()
    for index, item in enumerate(reader.listing(value, "$.domain_one")):
        path = path_of("$.domain_one", index)
        entry = reader.mapping(item, path, DOMAIN_ONE_KEYS, DOMAIN_ONE_OPTIONAL)
        if entry is None:
            continue
        standard = entry.get("standard", MISSING)
        if standard is MISSING:
            standard = None
        elif (
            not isinstance(standard, str)
            or standard not in fw.standards
            or fw.domain_of[standard] != DOMAIN_ONE
        ):
            domain_one = [code for code in fw.standards if fw.domain_of[code] == DOMAIN_ONE]
            reader.problem(
                f"{path}.standard", f"{standard!r} is not a domain-one standard: use {_choices(domain_one)}."
            )
            standard = None
        elif standard in seen:
            reader.problem(f"{path}.standard", f"{standard} has a proposed rating already; give one each.")
            standard = None
        else:
            seen.add(standard)
        rating = reader.choice(entry.get("rating", MISSING), f"{path}.rating", rules.RATINGS, "a rating")
        rationale = reader.text(entry.get("rationale", MISSING), f"{path}.rationale")
        if standard is None or rating is None or rationale is None:
            continue
        proposal = ImportedProposal(standard, rating, rationale)
        own = [kq["id"] for kq in fw.standards[standard]["key_questions"]]
        kq_seen: set[str] = set()
        for kq_index, kq_item in enumerate(
            reader.listing(entry.get("key_questions", []), f"{path}.key_questions")
        ):
            kq_path = path_of(f"{path}.key_questions", kq_index)
            kq_entry = reader.mapping(kq_item, kq_path, {"id", "rationale"})
            if kq_entry is None:
                continue
            if "id" not in kq_entry:
                continue
            if kq_entry["id"] not in own:
                reader.problem(
                    f"{kq_path}.id",
                    f"{kq_entry['id']!r} is not a key question of {standard}: use {_choices(own)}.",
                )
            elif kq_entry["id"] in kq_seen:
                reader.problem(f"{kq_path}.id", f"{kq_entry['id']} has a rationale already.")
            elif (
                text := reader.text(kq_entry.get("rationale", MISSING), f"{kq_path}.rationale")
            ) is not None:
                kq_seen.add(kq_entry["id"])
                proposal.key_questions.append((kq_entry["id"], text))
        for ev_index, ev_item in enumerate(reader.listing(entry.get("evidence", []), f"{path}.evidence")):
            ev_path = path_of(f"{path}.evidence", ev_index)
            ev_entry = reader.mapping(ev_item, ev_path, {"source", "note"}, {"key_question"})
            if ev_entry is None:
                continue
            source = reader.choice(
                ev_entry.get("source", MISSING), f"{ev_path}.source", EvidenceSource.values, "a source"
            )
            note = reader.text(ev_entry.get("note", MISSING), f"{ev_path}.note")
            key_question = ev_entry.get("key_question")
            if key_question is not None and key_question not in own:
                reader.problem(
                    f"{ev_path}.key_question", f"{key_question!r} is not a key question of {standard}."
                )
            elif source and note:
                proposal.evidence.append((source, key_question, note))
        proposals.append(proposal)
    return proposals


def _read_panel_decisions(
    reader: _Reader,
    value,
    fw: _Framework,
    cases: list[ImportedCase],
    proposals: list[ImportedProposal],
    signed_off: bool,
) -> list[ImportedDecision]:
    # Imported case assessments count as approved, so the figures are those of every case in the file.
    kq_counts: dict[str, tuple[int, int]] = {}
    for case in cases:
        for item_id, answer in case.answers.items():
            if item_id in fw.key_questions and answer in (AnswerValue.YES, AnswerValue.NO):
                yes, applicable = kq_counts.get(item_id, (0, 0))
                kq_counts[item_id] = (yes + (answer == AnswerValue.YES), applicable + 1)
    proposed = {p.standard: p.rating for p in proposals}
    figures = {}
    for domain in fw.structure:
        for s in domain["standards"]:
            standard = standard_figures(s, domain["id"], kq_counts, {})
            if s["id"] in proposed:
                standard.proposal = DomainOneProposal(rating=proposed[s["id"]])
            figures[s["id"]] = standard

    decisions: list[ImportedDecision] = []
    decided: dict[str, str] = {}
    for index, item in enumerate(reader.listing(value, "$.panel_decisions")):
        path = path_of("$.panel_decisions", index)
        entry = reader.mapping(item, path, PANEL_KEYS, PANEL_OPTIONAL)
        if entry is None:
            continue
        rating = reader.choice(entry.get("rating", MISSING), f"{path}.rating", rules.RATINGS, "a rating")
        if "standard" not in entry or rating is None:
            continue
        standard = entry["standard"]
        if not isinstance(standard, str) or standard not in fw.standards:
            reader.problem(f"{path}.standard", f"{standard!r} is not a standard of {fw.framework.code}.")
            continue
        if standard in decided:
            reader.problem(f"{path}.standard", f"{standard} has a panel decision already; give one each.")
            continue
        key_question = entry.get("key_question")
        if key_question is not None and not isinstance(key_question, str):
            reader.problem(f"{path}.key_question", "must be a key question id or null.")
            continue
        rationale = entry.get("rationale", "")
        if not isinstance(rationale, str):
            reader.problem(f"{path}.rationale", "must be text.")
            continue
        problems = panel_decision_problems(figures[standard], rating, key_question, rationale)
        for field_name, messages in problems.items():
            for message in messages:
                reader.problem(f"{path}.{field_name}", message)
        if not problems:
            decided[standard] = rating
            decisions.append(ImportedDecision(standard, rating, key_question, rationale))

    if signed_off:
        unrated = [
            code
            for code, standard in figures.items()
            if decided.get(code) is None
            and (standard.computed_rating if standard.is_case_based else proposed.get(code)) is None
        ]
        if unrated:
            reader.problem(
                "$.inspection.ratings_signed_off",
                f"ratings cannot be signed off while {', '.join(unrated)} "
                f"{'has' if len(unrated) == 1 else 'have'} no rating.",
            )
    return decisions


def _read_second_markings(
    reader: _Reader, value, fw: _Framework, cases: list[ImportedCase]
) -> list[ImportedSecondMarking]:
    """Each entry marks a case of the file a second time: the same ids and rules as a case's answers, every
    key question of its domain answered, prompts optional; one second marking per case."""
    by_reference = {case.reference: case for case in cases}
    markings: list[ImportedSecondMarking] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(reader.listing(value, "$.second_markings")):
        path = path_of("$.second_markings", index)
        entry = reader.mapping(item, path, SECOND_MARKING_KEYS)
        if entry is None:
            continue
        reference = entry.get("case", MISSING)
        case = None
        if reference is not MISSING:
            if not isinstance(reference, str) or reference not in by_reference:
                reader.problem(f"{path}.case", f"{reference!r} is not the reference of a case in $.cases.")
            elif reference in seen:
                reader.problem(
                    f"{path}.case",
                    f"{reference} is marked a second time already in $.second_markings[{seen[reference]}].",
                )
            else:
                seen[reference] = index
                case = by_reference[reference]
        marker = reader.text(entry.get("marker", MISSING), f"{path}.marker", max_length=254)
        answers = entry.get("answers", MISSING)
        if answers is not MISSING and not isinstance(answers, dict):
            reader.problem(
                f"{path}.answers", "must be a JSON object of answers by key question or prompt id."
            )
            continue
        if case is None or answers is MISSING:
            continue
        before = len(reader.problems)
        _check_answers(reader, f"{path}.answers", answers, fw, case.category, case.disposal_type)
        if marker is not None and len(reader.problems) == before:
            markings.append(ImportedSecondMarking(case.reference, marker, dict(answers)))
    return markings


# --- Export -------------------------------------------------------------------------------------------------


def _recorded_facts(case: Case) -> dict:
    """The optional case entries, for those the inspector has recorded, in the documented order."""
    recorded = {}
    for name in CASE_FACTS:
        value = getattr(case, name)
        if value not in ("", None):
            recorded[name] = value
    return recorded


def export_document(inspection: Inspection) -> tuple[dict, list[str]]:
    """The inspection as an inspection-data/1 document, and what had to be left out of it, and why.

    Only approved case assessments are written (an import makes every case approved), and only panel
    decisions that rest on the current figures (an import checks decisions against them).
    """
    left_out: list[str] = []
    structure = framework_structure(inspection.framework)
    answer_order = [
        item
        for domain in structure
        for s in domain["standards"]
        for kq in s["key_questions"]
        for item in [kq["id"], *(p["id"] for p in kq["prompts"])]
    ]
    position = {item: index for index, item in enumerate(answer_order)}

    cases = list(Case.objects.filter(inspection=inspection).order_by("category", "reference"))
    approved = [case for case in cases if case.status == CaseStatus.APPROVED]
    not_approved = [case.reference for case in cases if case.status != CaseStatus.APPROVED]
    if not_approved:
        left_out.append(
            f"{len(not_approved)} case(s) not approved, so not exported: {', '.join(not_approved)}."
        )
    answers: dict[int, dict[str, str]] = {case.pk: {} for case in approved}
    for model, code_field in ((KeyQuestionAnswer, "key_question__code"), (PromptAnswer, "prompt__code")):
        rows = (
            model.objects.filter(case__in=approved)
            .exclude(value="")
            .values_list("case_id", code_field, "value")
        )
        for case_id, code, answer in rows:
            answers[case_id][code] = answer

    ratings = inspection_ratings_get(inspection, figures=FINAL)
    domain_one = []
    for standard in ratings.standards:
        if standard.is_case_based:
            continue
        proposal = standard.proposal
        if proposal is None:
            if standard.evidence:
                left_out.append(
                    f"{len(standard.evidence)} evidence note(s) on {standard.id}, which has no proposal."
                )
            continue
        entry = {"standard": standard.id, "rating": proposal.rating, "rationale": proposal.rationale}
        kq_rationales = list(proposal.key_question_rationales.all())
        if kq_rationales:
            entry["key_questions"] = [
                {"id": r.key_question.code, "rationale": r.rationale} for r in kq_rationales
            ]
        if standard.evidence:
            entry["evidence"] = [
                {
                    "source": note.source,
                    "key_question": note.key_question.code if note.key_question else None,
                    "note": note.note,
                }
                for note in standard.evidence
            ]
        domain_one.append(entry)
    panel_decisions = []
    for standard in ratings.standards:
        decision = standard.decision
        if decision is None:
            continue
        if not standard.decision_applies:
            left_out.append(
                f"The panel's decision on {standard.id}, which rests on figures that have changed."
            )
            continue
        panel_decisions.append(
            {
                "standard": standard.id,
                "rating": decision.rating,
                "key_question": decision.key_question.code if decision.key_question else None,
                "rationale": decision.rationale,
            }
        )

    second_markings = []
    exported = {case.pk for case in approved}
    markings = (
        SecondMarking.objects.filter(case__inspection=inspection)
        .select_related("case", "marker")
        .order_by("case__category", "case__reference")
    )
    second_answers: dict[int, dict[str, str]] = {}
    for marking_id, code, answer in (
        SecondMarkingAnswer.objects.filter(marking__case__inspection=inspection)
        .exclude(value="")
        .values_list("marking_id", "code", "value")
    ):
        second_answers.setdefault(marking_id, {})[code] = answer
    for marking in markings:
        if marking.case_id not in exported or marking.submitted_at is None:
            left_out.append(
                f"The second marking of case {marking.case.reference}, which is not "
                + ("exported." if marking.case_id not in exported else "submitted.")
            )
            continue
        second_markings.append(
            {
                "case": marking.case.reference,
                "marker": marking.marker.email if marking.marker_id else marking.marker_label,
                "answers": dict(
                    sorted(second_answers.get(marking.pk, {}).items(), key=lambda item: position[item[0]])
                ),
            }
        )

    document = {
        "format": FORMAT,
        "framework": inspection.framework.code,
        "service": {"name": inspection.service.name, "term": inspection.service.term},
        "inspection": {
            "reference": inspection.reference,
            "fieldwork_start": inspection.fieldwork_start.isoformat(),
            "fieldwork_end": inspection.fieldwork_end.isoformat(),
            "ratings_signed_off": inspection.ratings_sign_offs.filter(reopened_at__isnull=True).exists(),
        },
        "cases": [
            {
                "reference": case.reference,
                "category": case.category,
                "disposal_type": case.disposal_type,
                "gender": case.gender,
                "rosh": case.rosh,
                "safety_wellbeing": case.safety_wellbeing,
                **_recorded_facts(case),
                "answers": dict(sorted(answers[case.pk].items(), key=lambda item: position[item[0]])),
            }
            for case in approved
        ],
        "domain_one": domain_one,
        "panel_decisions": panel_decisions,
    }
    if second_markings:
        document["second_markings"] = second_markings
    return document, left_out

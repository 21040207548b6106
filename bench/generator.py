"""Synthetic national-scale data: services and inspections whose cases are complete and approved.

Each generated case copies the shape of a case of the same category in the Cheshire demo (which key questions
and prompts apply, which are not applicable, the sub-samples) and redraws its yes/no judgements around the
inspection's own level of quality, so the answer distributions, sub-samples and not-applicable rates are those
of a real inspection while the ratings differ from one inspection to the next.
"""

import datetime
import json
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseStatus, KeyQuestionAnswer, PromptAnswer
from inspections.models import Inspection, InspectionStatus, KeyQuestion, Prompt, Service, Standard
from inspections.services import inspection_replacement
from ratings.data_format import read_document
from ratings.demo import DEMO_FILE
from ratings.models import PanelDecision
from ratings.selectors import FINAL, inspection_ratings_get

# Generated inspections are named after the seed, so a second run with the same seed finds its own data.
PREFIX = "NAT"
SMALLEST, LARGEST = 14, 91
COURT_SHARE = 0.6
BATCH = 5000


def reference_prefix(seed: int) -> str:
    return f"{PREFIX}{seed}-"


def generated(seed: int):
    return Inspection.objects.filter(reference__startswith=reference_prefix(seed))


@dataclass
class Templates:
    framework: object
    court: list
    out_of_court: list
    kq_ids: dict
    prompt_ids: dict
    standards: dict


def templates() -> Templates:
    # (replace=True: only the shape of the demo cases is read, whether or not the demo is loaded.)
    parsed = read_document(json.loads(DEMO_FILE.read_text(encoding="utf-8")), replace=True)
    framework = parsed.framework
    prompts = Prompt.objects.filter(key_question__standard__domain__framework=framework)
    return Templates(
        framework=framework,
        court=[c for c in parsed.cases if c.category == "court"],
        out_of_court=[c for c in parsed.cases if c.category != "court"],
        kq_ids=dict(
            KeyQuestion.objects.filter(standard__domain__framework=framework).values_list("code", "pk")
        ),
        prompt_ids=dict(prompts.values_list("code", "pk")),
        standards={s.code: s for s in Standard.objects.filter(domain__framework=framework)},
    )


def sample_sizes(count: int, rng: random.Random) -> list[int]:
    """Sample sizes from 14 to 91 cases (mean about 60); the first two are the extremes, for the bench."""
    sizes = [round(rng.triangular(SMALLEST, LARGEST, 75)) for _ in range(count)]
    for index, size in enumerate((SMALLEST, LARGEST)[:count]):
        sizes[index] = size
    return sizes


def _redraw(answers: dict, quality: float, rng: random.Random) -> dict:
    """Keeps every 'na' (the case's applicability) and redraws the yes/no judgements around `quality`."""
    drawn = {}
    for code, value in answers.items():
        if value in ("yes", "no") and rng.random() < 0.5:
            value = "yes" if rng.random() < quality else "no"
        drawn[code] = value
    return drawn


def create_inspection(
    t: Templates,
    *,
    reference: str,
    service_name: str,
    size: int,
    rng: random.Random,
    status: str = CaseStatus.APPROVED,
    panel_share: float = 0.3,
) -> Inspection:
    """One inspection of `size` cases, every answer written with bulk_create (no per-answer service)."""
    start = datetime.date(2023, 1, 2) + datetime.timedelta(days=rng.randrange(0, 900))
    service, _ = Service.objects.get_or_create(name=service_name)
    inspection = Inspection.objects.create(
        reference=reference,
        service=service,
        framework=t.framework,
        status=InspectionStatus.RATING,
        fieldwork_start=start,
        fieldwork_end=start + datetime.timedelta(days=4),
    )
    court = min(size - 1, max(1, round(size * COURT_SHARE + rng.uniform(-2, 2))))
    quality = rng.uniform(0.45, 0.95)
    now = timezone.now()
    approved = status == CaseStatus.APPROVED
    cases, answers = [], []
    for index in range(size):
        template = rng.choice(t.court if index < court else t.out_of_court)
        cases.append(
            Case(
                inspection=inspection,
                reference=f"{'C' if index < court else 'O'}{index + 1:03d}",
                category=template.category,
                disposal_type=template.disposal_type,
                gender=template.gender,
                rosh=template.rosh,
                safety_wellbeing=template.safety_wellbeing,
                status=status,
                submitted_at=now if approved else None,
                approved_at=now if approved else None,
            )
        )
        answers.append(_redraw(template.answers, quality, rng))
    Case.objects.bulk_create(cases, batch_size=BATCH)
    kq_rows, prompt_rows = [], []
    for case, drawn in zip(cases, answers, strict=True):
        for code, value in drawn.items():
            if code in t.kq_ids:
                kq_rows.append(KeyQuestionAnswer(case=case, key_question_id=t.kq_ids[code], value=value))
            else:
                prompt_rows.append(PromptAnswer(case=case, prompt_id=t.prompt_ids[code], value=value))
    KeyQuestionAnswer.objects.bulk_create(kq_rows, batch_size=BATCH)
    PromptAnswer.objects.bulk_create(prompt_rows, batch_size=BATCH)
    if approved and panel_share:
        _panel_decisions(t, inspection, rng, panel_share)
    return inspection


def _panel_decisions(t: Templates, inspection: Inspection, rng: random.Random, share: float) -> None:
    """The panel confirms the computed rating of some of the standards the rules flag for its attention."""
    ratings = inspection_ratings_get(inspection, figures=FINAL)
    decisions = [
        PanelDecision(
            inspection=inspection,
            standard=t.standards[standard.id],
            rating=standard.computed_rating,
            rationale="The panel considered the flagged figures and confirmed the computed rating.",
            basis=standard.basis(),
        )
        for domain in ratings.domains
        for standard in domain.standards
        if standard.is_case_based and standard.triggers and standard.computed_rating and rng.random() < share
    ]
    PanelDecision.objects.bulk_create(decisions)


def generate(*, inspections: int, seed: int, replace: bool = False, progress=None) -> list[str]:
    """Writes `inspections` generated inspections for `seed`, one transaction each (memory stays bounded).

    Refuses (ValueError) if this seed's data exists already, unless `replace`, which deletes it first.
    """
    existing = generated(seed)
    if existing.exists():
        if not replace:
            raise ValueError(
                f"{existing.count()} inspections generated with seed {seed} exist already "
                f"(references {reference_prefix(seed)}…). Run again with --replace to replace them."
            )
        delete(seed)
    t = templates()
    rng = random.Random(seed)
    references = []
    for number, size in enumerate(sample_sizes(inspections, rng), start=1):
        reference = f"{reference_prefix(seed)}{number:04d}"
        with transaction.atomic():
            create_inspection(
                t,
                reference=reference,
                service_name=f"Generated service {seed}-{number:04d}",
                size=size,
                rng=rng,
            )
        references.append(reference)
        if progress:
            progress(number, reference, size)
    return references


@transaction.atomic
def delete(seed: int) -> int:
    inspections = list(generated(seed))
    services = {i.service_id for i in inspections}
    with inspection_replacement(reason="generated benchmark data deleted"):
        for inspection in inspections:
            PanelDecision.objects.filter(inspection=inspection).delete()
            inspection.delete()
    Service.objects.filter(pk__in=services, inspections__isnull=True).delete()
    return len(inspections)

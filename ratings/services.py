"""Writes of the ratings floor: panel decisions, domain-one proposals and evidence, sign-off and reopening, and
the import of an inspection-data/1 document. Each runs in one transaction and writes nothing on failure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from accounts import text as limits
from accounts.text import too_long_message
from audit.models import EventKind
from audit.services import security_event_record
from cases.models import Case, CaseStatus, KeyQuestionAnswer, PromptAnswer, SecondMarking, SecondMarkingAnswer
from inspections.models import (
    Inspection,
    InspectionStatus,
    KeyQuestion,
    Prompt,
    Service,
    Standard,
    TeamMembership,
)
from inspections.publication import lock_unpublished, published_message
from inspections.services import inspection_replacement

from . import data_format, rules
from .checks import panel_decision_problems, sign_off_problems
from .models import (
    DomainOneDraft,
    DomainOneKeyQuestionRationale,
    DomainOneProposal,
    EvidenceNote,
    EvidenceSource,
    PanelDecision,
    RatingsSignOff,
)
from .selectors import FINAL, PROVISIONAL, case_figures_record, current_sign_off, inspection_ratings_get

CHANGED_BY_SOMEONE_ELSE = (
    "Someone else saved a change to this while you were editing it. Check what they recorded, then "
    "make your change again."
)


def _refuse_if_signed_off(inspection: Inspection, action: str) -> None:
    if current_sign_off(inspection) is not None:
        raise ValidationError(
            f"The ratings of {inspection.reference} are signed off, so you cannot {action}. "
            "A ratings panel member must reopen them first."
        )


def _standard(inspection: Inspection, code: str, *, domain_one: bool | None = None) -> Standard:
    standard = Standard.objects.filter(domain__framework=inspection.framework, code=code).first()
    if standard is None:
        raise ValidationError(f"{code} is not a standard of the framework {inspection.framework.code}.")
    if domain_one is not None and (standard.domain.code == "1") != domain_one:
        kind = "an organisational delivery (domain one)" if domain_one else "a case-based"
        raise ValidationError(f"{code} is not {kind} standard.")
    return standard


def _check_version(record, version: int | None) -> None:
    if record is not None and version is not None and record.version != version:
        raise ValidationError({NON_FIELD_ERRORS: [CHANGED_BY_SOMEONE_ELSE]})


# --- The ratings panel --------------------------------------------------------------------------------------


@transaction.atomic
def panel_decision_record(
    *,
    inspection: Inspection,
    standard_code: str,
    rating: str,
    key_question_code: str | None,
    rationale: str,
    decided_by,
    version: int | None = None,
) -> PanelDecision:
    """Records (or replaces) the panel's decision on one standard, on the final figures (approved cases)."""
    inspection = lock_unpublished(inspection.pk)
    _refuse_if_signed_off(inspection, "change a decision")
    standard = _standard(inspection, standard_code)
    figures = inspection_ratings_get(inspection, figures=FINAL).standard(standard_code)
    decision = (
        PanelDecision.objects.select_for_update().filter(inspection=inspection, standard=standard).first()
    )
    _check_version(decision, version)
    key_question_code = key_question_code or None
    problems = panel_decision_problems(figures, rating, key_question_code, rationale)
    if problems:
        raise ValidationError(problems)
    if decision is None:
        decision = PanelDecision(inspection=inspection, standard=standard)
    else:
        decision.version += 1
    decision.rating = rating
    decision.key_question = (
        KeyQuestion.objects.get(standard=standard, code=key_question_code) if key_question_code else None
    )
    decision.rationale = rationale.strip()
    decision.basis = figures.basis()
    decision.decided_by = decided_by
    decision.decided_at = timezone.now()
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def panel_confirm_untriggered(*, inspection: Inspection, decided_by) -> list[str]:
    """Confirms, in one action, the computed rating of every case-based standard that no discretion trigger
    touches (the panel could only confirm them) and that has no current decision. Decisions already made
    stay as they are; one made on figures that have changed since is confirmed again on today's. Returns
    the standards confirmed, in framework order."""
    inspection = lock_unpublished(inspection.pk)
    _refuse_if_signed_off(inspection, "confirm ratings")
    ratings = inspection_ratings_get(inspection, figures=FINAL)
    wanted = [
        s
        for s in ratings.standards
        if s.is_case_based and s.computed_rating and not s.triggers and not s.decision_applies
    ]
    standards = {
        s.code: s
        for s in Standard.objects.filter(
            domain__framework=inspection.framework, code__in=[w.id for w in wanted]
        )
    }
    existing = {
        d.standard_id: d
        for d in PanelDecision.objects.select_for_update().filter(
            inspection=inspection, standard__in=standards.values()
        )
    }
    now = timezone.now()
    for figures in wanted:
        standard = standards[figures.id]
        decision = existing.get(standard.pk) or PanelDecision(inspection=inspection, standard=standard)
        if decision.pk:
            decision.version += 1
        decision.rating = figures.computed_rating
        decision.key_question = None
        decision.rationale = ""
        decision.basis = figures.basis()
        decision.decided_by = decided_by
        decision.decided_at = now
        decision.full_clean()
        decision.save()
    return [w.id for w in wanted]


@transaction.atomic
def ratings_sign_off(*, inspection: Inspection, signed_off_by) -> RatingsSignOff:
    """Locks the ratings: stores the final figures as they are now. Refused, with every reason, unless every
    case is approved and every standard has a current panel decision."""
    inspection = lock_unpublished(inspection.pk)
    _refuse_if_signed_off(inspection, "sign them off again")
    ratings = inspection_ratings_get(inspection, figures=FINAL)
    problems = sign_off_problems(ratings)
    if problems:
        raise ValidationError(problems)
    sign_off = RatingsSignOff(inspection=inspection, signed_off_by=signed_off_by, snapshot=ratings.snapshot())
    sign_off.full_clean()
    sign_off.save()
    return sign_off


@transaction.atomic
def ratings_reopen(*, inspection: Inspection, reopened_by, reason: str) -> RatingsSignOff:
    """Unlocks signed-off ratings, recording who reopened them, when and why."""
    inspection = lock_unpublished(inspection.pk)
    sign_off = current_sign_off(inspection)
    if sign_off is None:
        raise ValidationError(
            f"The ratings of {inspection.reference} are not signed off, so there is nothing to reopen."
        )
    if not reason.strip():
        raise ValidationError({"reopen_reason": ["Say why the ratings are being reopened."]})
    sign_off.reopened_by = reopened_by
    sign_off.reopened_at = timezone.now()
    sign_off.reopen_reason = reason.strip()
    sign_off.full_clean()
    sign_off.save()
    return sign_off


# --- Domain one ---------------------------------------------------------------------------------------------


@transaction.atomic
def domain_one_proposal_save(
    *,
    inspection: Inspection,
    standard_code: str,
    rating: str,
    rationale: str,
    key_question_rationales: dict[str, str],
    proposed_by,
    version: int | None = None,
) -> DomainOneProposal:
    """The lead inspector's proposed rating for a domain-one standard, with a rationale for each key question.

    It keeps the case-sample figures it was made on (the provisional ones the lead inspector sees), so that the
    panel sees them and is told when the figures it decides on differ."""
    inspection = lock_unpublished(inspection.pk)
    _refuse_if_signed_off(inspection, "change a proposed rating")
    standard = _standard(inspection, standard_code, domain_one=True)
    proposal = (
        DomainOneProposal.objects.select_for_update().filter(inspection=inspection, standard=standard).first()
    )
    _check_version(proposal, version)
    key_questions = {kq.code: kq for kq in standard.key_questions.all()}
    problems: dict[str, list[str]] = {}
    if rating not in rules.RATINGS:
        problems["rating"] = [f"Choose the rating you propose for {standard.code}."]
    if not rationale.strip():
        problems["rationale"] = [f"Say why you propose this rating for {standard.code}."]
    for code in sorted(set(key_question_rationales) - set(key_questions)):
        problems.setdefault(NON_FIELD_ERRORS, []).append(f"{code} is not a key question of {standard.code}.")
    for code in key_questions:
        if not key_question_rationales.get(code, "").strip():
            problems[code] = [f"Give your rationale for key question {code}."]
    if problems:
        raise ValidationError(problems)
    if proposal is None:
        proposal = DomainOneProposal(inspection=inspection, standard=standard)
    else:
        proposal.version += 1
    proposal.rating = rating
    proposal.rationale = rationale.strip()
    proposal.proposed_by = proposed_by
    proposal.proposed_at = timezone.now()
    proposal.case_figures = case_figures_record(inspection, standard.code, figures=PROVISIONAL)
    proposal.full_clean()
    proposal.save()
    existing = {
        r.key_question.code: r for r in proposal.key_question_rationales.select_related("key_question")
    }
    for code, kq in key_questions.items():
        record = existing.get(code) or DomainOneKeyQuestionRationale(proposal=proposal, key_question=kq)
        record.rationale = key_question_rationales[code].strip()
        record.full_clean()
        record.save()
    # What was drafted is now proposed: the page shows the proposal again.
    DomainOneDraft.objects.filter(inspection=inspection, standard=standard).delete()
    return proposal


@transaction.atomic
def domain_one_draft_save(
    *,
    inspection: Inspection,
    standard_code: str,
    rating: str,
    rationale: str,
    key_question_rationales: dict[str, str],
    saved_by,
    version: int | None = None,
) -> DomainOneDraft:
    """Keeps the lead inspector's proposal for a domain-one standard as written so far, any part of it blank,
    without proposing it to the panel (the panel still sees the last proposal). `version` is the draft's
    version the page showed (0: none); a draft saved meanwhile (another tab) is not overwritten."""
    inspection = lock_unpublished(inspection.pk)
    _refuse_if_signed_off(inspection, "change a proposed rating")
    standard = _standard(inspection, standard_code, domain_one=True)
    draft = (
        DomainOneDraft.objects.select_for_update().filter(inspection=inspection, standard=standard).first()
    )
    if draft is not None and version is not None and draft.version != version:
        raise ValidationError({NON_FIELD_ERRORS: [CHANGED_BY_SOMEONE_ELSE]})
    if rating and rating not in rules.RATINGS:
        raise ValidationError({"rating": [f"Choose the rating you propose for {standard.code}."]})
    codes = set(standard.key_questions.values_list("code", flat=True))
    unknown = sorted(set(key_question_rationales) - codes)
    if unknown:
        raise ValidationError(
            {NON_FIELD_ERRORS: [f"{code} is not a key question of {standard.code}." for code in unknown]}
        )
    too_long = {
        code: too_long_message(limits.NOTE, len(text))
        for code, text in sorted(key_question_rationales.items())
        if len(text or "") > limits.NOTE
    }
    if too_long:
        raise ValidationError(
            {NON_FIELD_ERRORS: [f"{code}: {message}" for code, message in too_long.items()]}
        )
    if draft is None:
        draft = DomainOneDraft(inspection=inspection, standard=standard)
    else:
        draft.version += 1
    draft.rating = rating
    draft.rationale = rationale
    draft.key_question_rationales = {code: text for code, text in key_question_rationales.items() if text}
    draft.saved_by = saved_by
    draft.saved_at = timezone.now()
    draft.full_clean()
    draft.save()
    return draft


@transaction.atomic
def evidence_note_add(
    *,
    inspection: Inspection,
    standard_code: str,
    source: str,
    note: str,
    key_question_code: str | None,
    recorded_by,
) -> EvidenceNote:
    inspection = lock_unpublished(inspection.pk)
    _refuse_if_signed_off(inspection, "add evidence")
    standard = _standard(inspection, standard_code, domain_one=True)
    problems: dict[str, list[str]] = {}
    if source not in EvidenceSource.values:
        problems["source"] = ["Choose where the evidence came from: documents, a meeting or an interview."]
    if not note.strip():
        problems["note"] = ["Describe the evidence."]
    key_question = None
    if key_question_code:
        key_question = KeyQuestion.objects.filter(standard=standard, code=key_question_code).first()
        if key_question is None:
            problems["key_question"] = [f"{key_question_code} is not a key question of {standard_code}."]
    if problems:
        raise ValidationError(problems)
    evidence = EvidenceNote(
        inspection=inspection,
        standard=standard,
        key_question=key_question,
        source=source,
        note=note.strip(),
        recorded_by=recorded_by,
    )
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def evidence_note_remove(*, inspection: Inspection, note_id: int) -> None:
    inspection = lock_unpublished(inspection.pk)
    _refuse_if_signed_off(inspection, "remove evidence")
    deleted, _ = EvidenceNote.objects.filter(inspection=inspection, pk=note_id).delete()
    if not deleted:
        raise ValidationError("That evidence note no longer exists: someone may have removed it already.")


# --- Import -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    inspection: Inspection
    replaced: bool
    # Answers to bring to the lead inspector's attention ('na' on an all-cases key question, no reason).
    flagged: list[str]


@transaction.atomic
def inspection_import(*, document, replace: bool = False) -> ImportResult:
    """Creates an inspection from an inspection-data/1 document, all or nothing.

    Every problem in the document is listed (ValidationError, one 'JSON path: reason' message each) and nothing
    is written. An existing inspection with the same reference is refused unless `replace` is set; it is then
    replaced whole, keeping only its team (people are not part of the format). The cases count as approved; the
    ratings are signed off, on the imported figures, if the document says so.
    """
    parsed = data_format.read_document(document, replace=replace)
    existing = Inspection.objects.select_for_update().filter(reference=parsed.reference).first()
    team: list[tuple[int, str]] = []
    lead_id = None
    if existing is not None:
        if not replace:
            raise ValidationError(
                [
                    f"$.inspection.reference: an inspection {parsed.reference} exists already. Import with "
                    "--replace to replace it whole."
                ]
            )
        if existing.is_published:
            raise ValidationError([f"$.inspection.reference: {published_message(existing)}"])
        team = list(existing.team.values_list("user_id", "role"))
        lead_id = existing.lead_inspector_id
        try:
            # The one path that deletes an inspection with its data (inspections.services): recorded.
            security_event_record(
                kind=EventKind.ADMIN_CHANGE,
                obj=existing,
                detail=f"Inspection {existing.reference} replaced whole by import_inspection --replace",
            )
            with inspection_replacement(reason="import_inspection --replace"):
                existing.delete()
        except (ProtectedError, RestrictedError) as exc:
            held = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            kinds = sorted({str(obj._meta.verbose_name_plural) for obj in held})
            raise ValidationError(
                [
                    f"$.inspection.reference: {parsed.reference} cannot be replaced while it has "
                    f"{', '.join(kinds)} that depend on it."
                ]
            ) from exc

    service, _ = Service.objects.get_or_create(
        name=parsed.service_name, defaults={"term": parsed.service_term}
    )
    inspection = Inspection(
        reference=parsed.reference,
        service=service,
        framework=parsed.framework,
        status=InspectionStatus.REPORTING if parsed.signed_off else InspectionStatus.RATING,
        fieldwork_start=parsed.fieldwork_start,
        fieldwork_end=parsed.fieldwork_end,
        lead_inspector_id=lead_id,
    )
    inspection.full_clean()
    inspection.save()
    TeamMembership.objects.bulk_create(
        TeamMembership(inspection=inspection, user_id=user_id, role=role) for user_id, role in team
    )
    _import_cases(inspection, parsed)
    _import_second_markings(inspection, parsed)
    _import_domain_one(inspection, parsed)

    figures = inspection_ratings_get(inspection, figures=FINAL)
    standards = {s.code: s for s in Standard.objects.filter(domain__framework=parsed.framework)}
    key_questions = {
        kq.code: kq for kq in KeyQuestion.objects.filter(standard__domain__framework=parsed.framework)
    }
    decisions = [
        PanelDecision(
            inspection=inspection,
            standard=standards[d.standard],
            rating=d.rating,
            key_question=key_questions[d.key_question] if d.key_question else None,
            rationale=d.rationale,
            basis=figures.standard(d.standard).basis(),
        )
        for d in parsed.panel_decisions
    ]
    for decision in decisions:
        decision.full_clean(validate_constraints=False)
    PanelDecision.objects.bulk_create(decisions)
    if parsed.signed_off:
        snapshot = inspection_ratings_get(inspection, figures=FINAL).snapshot()
        RatingsSignOff.objects.create(inspection=inspection, snapshot=snapshot)
    return ImportResult(inspection=inspection, replaced=existing is not None, flagged=parsed.flagged)


def _import_cases(inspection: Inspection, parsed: data_format.ImportedDocument) -> None:
    now = timezone.now()
    cases = [
        Case(
            inspection=inspection,
            reference=c.reference,
            category=c.category,
            disposal_type=c.disposal_type,
            gender=c.gender,
            rosh=c.rosh,
            safety_wellbeing=c.safety_wellbeing,
            **c.facts,
            status=CaseStatus.APPROVED,
            submitted_at=now,
            approved_at=now,
        )
        for c in parsed.cases
    ]
    for case in cases:
        case.full_clean(exclude=["inspection"], validate_unique=False, validate_constraints=False)
    Case.objects.bulk_create(cases)
    framework = parsed.framework
    kq_ids = dict(KeyQuestion.objects.filter(standard__domain__framework=framework).values_list("code", "pk"))
    prompt_ids = dict(
        Prompt.objects.filter(key_question__standard__domain__framework=framework).values_list("code", "pk")
    )
    kq_answers, prompt_answers = [], []
    for case, imported in zip(cases, parsed.cases, strict=True):
        for code, value in imported.answers.items():
            if code in kq_ids:
                kq_answers.append(KeyQuestionAnswer(case=case, key_question_id=kq_ids[code], value=value))
            else:
                prompt_answers.append(PromptAnswer(case=case, prompt_id=prompt_ids[code], value=value))
    KeyQuestionAnswer.objects.bulk_create(kq_answers, batch_size=2000)
    PromptAnswer.objects.bulk_create(prompt_answers, batch_size=2000)


def _import_second_markings(inspection: Inspection, parsed: data_format.ImportedDocument) -> None:
    """Second markings, submitted: a marker whose email is an account's is linked to it; any other is kept as
    the label of a historical marker (no account is created)."""
    if not parsed.second_markings:
        return
    cases = {case.reference: case for case in Case.objects.filter(inspection=inspection)}
    emails = {m.marker.casefold() for m in parsed.second_markings}
    accounts = {
        user.email.casefold(): user
        for user in get_user_model().objects.filter(
            email__iregex=r"^(" + "|".join(map(re.escape, emails)) + r")$"
        )
    }
    now = timezone.now()
    markings = []
    for imported in parsed.second_markings:
        account = accounts.get(imported.marker.casefold())
        markings.append(
            SecondMarking(
                case=cases[imported.case],
                marker=account,
                marker_label="" if account else imported.marker,
                submitted_at=now,
            )
        )
    SecondMarking.objects.bulk_create(markings)
    SecondMarkingAnswer.objects.bulk_create(
        SecondMarkingAnswer(marking=marking, code=code, value=value)
        for marking, imported in zip(markings, parsed.second_markings, strict=True)
        for code, value in imported.answers.items()
    )


def _import_domain_one(inspection: Inspection, parsed: data_format.ImportedDocument) -> None:
    standards = {
        s.code: s for s in Standard.objects.filter(domain__framework=parsed.framework, domain__code="1")
    }
    key_questions = {
        kq.code: kq
        for kq in KeyQuestion.objects.filter(
            standard__domain__framework=parsed.framework, standard__domain__code="1"
        )
    }
    for imported in parsed.domain_one:
        proposal = DomainOneProposal(
            inspection=inspection,
            standard=standards[imported.standard],
            rating=imported.rating,
            rationale=imported.rationale,
        )
        proposal.full_clean(validate_constraints=False)
        proposal.save()
        DomainOneKeyQuestionRationale.objects.bulk_create(
            DomainOneKeyQuestionRationale(proposal=proposal, key_question=key_questions[code], rationale=text)
            for code, text in imported.key_questions
        )
        EvidenceNote.objects.bulk_create(
            EvidenceNote(
                inspection=inspection,
                standard=proposal.standard,
                key_question=key_questions[kq] if kq else None,
                source=source,
                note=note,
            )
            for source, kq, note in imported.evidence
        )

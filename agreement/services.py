"""Writes of second marking: the draw and the choice of cases and markers (the lead inspector), the blind
marking (the second marker) and reconciliation (the lead inspector). Each write runs in one transaction,
asks the publication rule first, lists every problem in words and writes nothing on failure."""

from __future__ import annotations

import secrets

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases import rules as case_rules
from cases.blinding import is_revealed
from cases.models import Case, KeyQuestionAnswer, PromptAnswer, SecondMarking, SecondMarkingAnswer
from inspections.models import Inspection, KeyQuestion, Prompt
from inspections.publication import lock_unpublished, refuse_if_published
from ratings.selectors import current_sign_off
from sampling.rules import Stratum

from . import rules
from .models import SecondMarkingDraw
from .permissions import MARKER_ROLES
from .selectors import DOMAIN_OF_CATEGORY, marking_standards

SEED_LIMIT = 10**9


def _stratum(case: Case) -> Stratum:
    return (case.gender, case.disposal_type, case.rosh, case.safety_wellbeing)


def _refuse_unless_chooser(inspection: Inspection, user) -> None:
    if not user.has_perm("agreement.choose_cases", inspection):
        raise PermissionDenied(
            "Only the lead inspector or an administrator can choose cases for second marking."
        )


def _marker_problem(inspection: Inspection, case: Case, marker) -> str | None:
    if marker is None:
        return None
    if case.inspector_id == marker.pk:
        return f"{marker} is the inspector of case {case.reference}: choose someone else to mark it a second time"
    if not inspection.team.filter(user=marker, role__in=MARKER_ROLES).exists():
        return f"{marker} is not an inspector or quality assurance inspector on this inspection's team"
    return None


def _suggested_markers(
    inspection: Inspection, cases: list[Case], taken: dict[int, int]
) -> dict[int, int | None]:
    """A balanced suggestion: each case to the eligible marker with the fewest second markings so far (then
    by name), never the case's own inspector."""
    from .selectors import possible_markers

    markers = possible_markers(inspection)
    load = {marker.pk: taken.get(marker.pk, 0) for marker in markers}
    suggestion = {}
    for case in cases:
        eligible = [m for m in markers if m.pk != case.inspector_id]
        if not eligible:
            suggestion[case.pk] = None
            continue
        chosen = min(eligible, key=lambda m: (load[m.pk], str(m)))
        load[chosen.pk] += 1
        suggestion[case.pk] = chosen.pk
    return suggestion


@transaction.atomic
def second_marking_draw(
    *, inspection: Inspection, user, percent: int, seed: int | None = None
) -> SecondMarkingDraw:
    """Draws the cases to mark twice (agreement.rules.draw) and suggests a marker for each. Drawing again
    replaces the drawn cases that nobody has started; it is refused once any second marking has started."""
    _refuse_unless_chooser(inspection, user)
    inspection = lock_unpublished(inspection.pk)
    existing = list(SecondMarking.objects.filter(case__inspection=inspection).prefetch_related("answers"))
    started = [m for m in existing if m.submitted_at or any(a.value for a in m.answers.all())]
    if started:
        raise ValidationError(
            "Second marking has started, so the cases cannot be drawn again. Add or swap cases instead."
        )
    cases = list(Case.objects.filter(inspection=inspection).order_by("category", "reference"))
    if not cases:
        raise ValidationError("This inspection has no cases yet: draw or import the sample first.")
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    drawn = rules.draw(
        [rules.CaseToDraw(c.pk, c.reference, c.category, _stratum(c)) for c in cases],
        percent=percent,
        seed=seed,
    )
    kept = [m for m in existing if not m.drawn]  # cases the lead added stay
    SecondMarking.objects.filter(pk__in=[m.pk for m in existing if m.drawn]).delete()
    kept_cases = {m.case_id for m in kept}
    chosen_ids = [c.id for c in drawn.chosen if c.id not in kept_cases]
    by_id = {c.pk: c for c in cases}
    taken: dict[int, int] = {}
    for marking in kept:
        if marking.marker_id:
            taken[marking.marker_id] = taken.get(marking.marker_id, 0) + 1
    suggestion = _suggested_markers(inspection, [by_id[i] for i in chosen_ids], taken)
    with pghistory.context(user=user.pk):
        SecondMarking.objects.bulk_create(
            SecondMarking(case_id=case_id, marker_id=suggestion[case_id], drawn=True)
            for case_id in chosen_ids
        )
        record, _ = SecondMarkingDraw.objects.update_or_create(
            inspection=inspection,
            defaults={
                "percent": percent,
                "seed": seed,
                "working": [
                    {
                        "category": w.category,
                        "cases": w.cases,
                        "size": w.size,
                        "strata": [
                            {"stratum": list(stratum), "cases": n, "drawn": k}
                            for stratum, n, k in w.allocation
                        ],
                    }
                    for w in drawn.categories
                ],
                "drawn_by": user,
            },
        )
    return record


def _lock_marking(inspection: Inspection, case_id: int) -> SecondMarking:
    refuse_if_published(inspection)
    marking = (
        SecondMarking.objects.select_for_update(of=("self",))
        .select_related("case", "marker")
        .filter(case__inspection=inspection, case_id=case_id)
        .first()
    )
    if marking is None:
        raise ValidationError("This case is not chosen for second marking.")
    marking.case.inspection = inspection
    return marking


def _started(marking: SecondMarking) -> bool:
    return bool(marking.submitted_at) or marking.answers.exclude(value="").exists()


@transaction.atomic
def second_marking_add(*, inspection: Inspection, user, case_id: int, marker) -> SecondMarking:
    """Adds a case to those marked twice, with its second marker (or none yet)."""
    _refuse_unless_chooser(inspection, user)
    inspection = lock_unpublished(inspection.pk)
    case = Case.objects.filter(inspection=inspection, pk=case_id).first()
    if case is None:
        raise ValidationError({"case": "Choose a case of this inspection"})
    if SecondMarking.objects.filter(case=case).exists():
        raise ValidationError({"case": f"Case {case.reference} is already chosen for second marking"})
    problem = _marker_problem(inspection, case, marker)
    if problem:
        raise ValidationError({"marker": problem})
    with pghistory.context(user=user.pk):
        return SecondMarking.objects.create(case=case, marker=marker, drawn=False)


@transaction.atomic
def second_marking_change(
    *, inspection: Inspection, user, case_id: int, version: int, marker=None, new_case_id: int | None = None
) -> SecondMarking:
    """Names another second marker, or swaps the case for another (the new case takes the old one's place),
    while the marking has not started. `version` is the marking's version the page showed."""
    _refuse_unless_chooser(inspection, user)
    marking = _lock_marking(inspection, case_id)
    if marking.version != version:
        raise ValidationError(
            "Someone changed this second marking after you opened the page. Nothing was saved: look again."
        )
    if _started(marking):
        raise ValidationError(
            f"{marking.marker_name} has started marking case {marking.case.reference}, so it can no longer be "
            "changed."
        )
    case = marking.case
    if new_case_id is not None and new_case_id != case.pk:
        case = Case.objects.filter(inspection=inspection, pk=new_case_id).first()
        if case is None:
            raise ValidationError({"new_case": "Choose a case of this inspection"})
        if SecondMarking.objects.filter(case=case).exists():
            raise ValidationError({"new_case": f"Case {case.reference} is already chosen for second marking"})
    problem = _marker_problem(inspection, case, marker)
    if problem:
        raise ValidationError({"marker": problem})
    with pghistory.context(user=user.pk):
        SecondMarking.objects.filter(pk=marking.pk).update(
            case=case, marker=marker, marker_label="", version=F("version") + 1
        )
    marking.refresh_from_db()
    return marking


@transaction.atomic
def second_marking_remove(*, inspection: Inspection, user, case_id: int, version: int) -> None:
    """Takes a case out of second marking, while it has not been submitted (its answers go with it)."""
    _refuse_unless_chooser(inspection, user)
    marking = _lock_marking(inspection, case_id)
    if marking.version != version:
        raise ValidationError(
            "Someone changed this second marking after you opened the page. Nothing was saved: look again."
        )
    if marking.submitted_at:
        raise ValidationError(f"The second marking of case {marking.case.reference} is submitted; it stays.")
    with pghistory.context(user=user.pk):
        marking.delete()


# --- the second marker ---------------------------------------------------------------------------------


def _lock_for_marking(inspection: Inspection, case_id: int, user) -> SecondMarking:
    marking = _lock_marking(inspection, case_id)
    if not user.has_perm("agreement.mark", marking):
        raise PermissionDenied("Only the second marker named for this case can mark it.")
    if marking.submitted_at:
        raise PermissionDenied(
            "You have submitted your second marking of this case, so it cannot be changed."
        )
    return marking


@transaction.atomic
def second_marking_answers_save(
    *, inspection: Inspection, case_id: int, user, standard: str, answers: dict[str, dict]
) -> int:
    """Saves the second marker's answers on one standard's page, all or none: {id: {"value", "rationale"}} for
    key questions, {id: {"value"}} for prompts. Answering a key question not applicable makes its prompts not
    applicable. Returns how many answers changed."""
    marking = _lock_for_marking(inspection, case_id, user)
    standards = {s.id: s for s in marking_standards(marking)}
    if standard not in standards:
        raise ValidationError(f"Standard {standard} is not assessed in this case.")
    items = {}
    for kq in standards[standard].key_questions:
        items[kq.id] = ("kq", kq)
        for prompt in kq.prompts:
            items[prompt.id] = ("prompt", kq)
    errors = {}
    cleaned: dict[str, dict] = {}
    for code, given in answers.items():
        if code not in items:
            errors[code] = f"{code} is not part of standard {standard}"
            continue
        kind, kq = items[code]
        value = given.get("value", "")
        if value not in ("", *case_rules.ANSWERS):
            errors[code] = f"Answer {code} with yes, no or not applicable"
            continue
        if kind == "kq" and value and value not in kq.applicability.choices:
            errors[code] = f"{kq.applicability.explanation} Answer yes or no."
            continue
        cleaned[code] = {"value": value}
        if kind == "kq":
            cleaned[code]["rationale"] = str(given.get("rationale", "")).strip()
    if errors:
        raise ValidationError(errors)
    # A key question answered not applicable makes its prompts not applicable.
    for kq in standards[standard].key_questions:
        if cleaned.get(kq.id, {}).get("value") == case_rules.NA:
            for prompt in kq.prompts:
                cleaned[prompt.id] = {"value": case_rules.NA}
    existing = {
        a.code: a for a in SecondMarkingAnswer.objects.filter(marking=marking, code__in=list(cleaned))
    }
    changed = 0
    with pghistory.context(user=user.pk):
        for code, values in cleaned.items():
            answer = existing.get(code)
            if answer is None:
                if any(values.values()):
                    SecondMarkingAnswer.objects.create(marking=marking, code=code, **values)
                    changed += 1
            elif any(getattr(answer, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(answer, name, value)
                answer.save()
                changed += 1
    return changed


@transaction.atomic
def second_marking_submit(*, inspection: Inspection, case_id: int, user) -> SecondMarking:
    """Submits the second marking once every key question is answered with its rationale; the answers the
    framework fixes (3.4.2 outside youth conditional cautions) are stored with it."""
    marking = _lock_for_marking(inspection, case_id, user)
    standards = marking_standards(marking)
    problems = [problem for s in standards for _, problem in s.problems]
    if problems:
        raise ValidationError([f"{problem}." for problem in problems])
    now = timezone.now()
    with pghistory.context(user=user.pk):
        for s in standards:
            for kq in s.key_questions:
                if kq.applicability.forced and kq.value != kq.applicability.forced:
                    SecondMarkingAnswer.objects.update_or_create(
                        marking=marking, code=kq.id, defaults={"value": kq.applicability.forced}
                    )
                    for prompt in kq.prompts:
                        SecondMarkingAnswer.objects.update_or_create(
                            marking=marking, code=prompt.id, defaults={"value": case_rules.NA}
                        )
        SecondMarking.objects.filter(pk=marking.pk).update(submitted_at=now, version=F("version") + 1)
    marking.submitted_at = now
    return marking


# --- reconciliation ------------------------------------------------------------------------------------


@transaction.atomic
def second_marking_reconcile(
    *, inspection: Inspection, case_id: int, user, agreed: dict[str, tuple[str, str]]
) -> SecondMarking:
    """Records the agreed answer, with the lead inspector's reason, of every key question on which the two
    markers disagree: {id: (value, reason)}. An agreed answer that differs from the case's changes the case's
    answer as any change does (a new version, kept in its history), marked as changed at reconciliation.
    Refused once the inspection is published or its ratings are signed off (reopen them first)."""
    marking = _lock_marking(inspection, case_id)
    if not user.has_perm("agreement.reconcile", marking):
        if not is_revealed(marking):
            raise PermissionDenied(
                "Both markers must submit before the markings can be compared and reconciled."
            )
        raise PermissionDenied("Only the lead inspector of this inspection can reconcile second markings.")
    if marking.reconciled_at:
        raise ValidationError(f"The markings of case {marking.case.reference} are reconciled already.")
    if current_sign_off(inspection) is not None:
        raise PermissionDenied(
            "The ratings panel has signed off the ratings, so case answers cannot change at reconciliation. "
            "Reopen the ratings first."
        )
    case = Case.objects.select_for_update().get(pk=marking.case_id)
    domain = DOMAIN_OF_CATEGORY[case.category]
    key_questions = {
        kq.code: kq
        for kq in KeyQuestion.objects.filter(
            standard__domain__framework=inspection.framework, standard__domain__code=domain
        )
    }
    firsts = {
        a.key_question.code: a
        for a in KeyQuestionAnswer.objects.filter(case=case).select_related("key_question")
    }
    seconds = {a.code: a for a in SecondMarkingAnswer.objects.filter(marking=marking)}
    disagreements = [
        code
        for code in key_questions
        if code in firsts
        and code in seconds
        and seconds[code].value
        and firsts[code].value != seconds[code].value
    ]
    errors = {}
    facts = _facts(case)
    for code in disagreements:
        value, reason = agreed.get(code, ("", ""))
        applicability = case_rules.key_question_applicability(key_questions[code].applicability, facts)
        if value not in applicability.choices:
            errors[code] = f"Choose the agreed answer to {code}"
        elif not reason.strip():
            errors[code] = f"Give the reason for the agreed answer to {code}"
        elif firsts[code].value == case_rules.NA and value != case_rules.NA:
            missing = _prompts_without_second_answer(key_questions[code], seconds)
            if missing:
                errors[code] = (
                    f"{code} was not applicable in the case, and the second marker did not answer its prompts "
                    f"{', '.join(missing)}: agree not applicable, or return the case to its inspector to answer "
                    "them."
                )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for code in disagreements:
        value, reason = agreed[code]
        first = firsts[code]
        second = seconds[code]
        second.first_value, second.first_rationale = first.value, first.rationale
        second.agreed_value, second.agreed_reason = value, reason.strip()
        with pghistory.context(user=user.pk):
            second.save()
        if value == first.value:
            continue
        with pghistory.context(user=user.pk, reconciliation=True, reason=reason.strip()):
            changes = {"value": value}
            if (
                value == case_rules.NA
                and key_questions[code].applies_to_all_cases
                and not first.out_of_scope_reason
            ):
                changes["out_of_scope_reason"] = reason.strip()
            KeyQuestionAnswer.objects.filter(pk=first.pk).update(
                **changes, version=F("version") + 1, updated_by=user, updated_at=now
            )
            _set_prompts(case, key_questions[code], value, seconds, user, now)
    with pghistory.context(user=user.pk):
        SecondMarking.objects.filter(pk=marking.pk).update(
            reconciled_at=now, reconciled_by=user, version=F("version") + 1
        )
    marking.reconciled_at, marking.reconciled_by = now, user
    return marking


def _facts(case: Case) -> case_rules.Facts:
    from cases.selectors import case_facts

    return case_facts(case)


def _prompts_without_second_answer(key_question: KeyQuestion, seconds: dict) -> list[str]:
    return [
        p.code
        for p in key_question.prompts.order_by("order")
        if p.code not in seconds
        or (seconds[p.code].value in ("", case_rules.NA) and not p.relevant_cases_only)
    ]


def _set_prompts(case: Case, key_question: KeyQuestion, value: str, seconds: dict, user, now) -> None:
    """Keeps the prompts within the rules after the key question's answer changed at reconciliation: all not
    applicable with it, or, moving from not applicable, the second marker's answers to them."""
    for prompt in Prompt.objects.filter(key_question=key_question):
        if value == case_rules.NA:
            wanted = case_rules.NA
        else:
            answer = PromptAnswer.objects.filter(case=case, prompt=prompt).first()
            if answer is not None and answer.value != case_rules.NA:
                continue
            wanted = seconds[prompt.code].value if prompt.code in seconds else ""
        updated = PromptAnswer.objects.filter(case=case, prompt=prompt).exclude(value=wanted)
        if updated.exists():
            updated.update(value=wanted, version=F("version") + 1, updated_by=user, updated_at=now)
        elif not PromptAnswer.objects.filter(case=case, prompt=prompt).exists() and wanted:
            PromptAnswer.objects.create(case=case, prompt=prompt, value=wanted, updated_by=user)

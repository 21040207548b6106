from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import pghistory
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import Role, User
from audit.models import EventKind
from audit.services import security_event_record

from .models import (
    Applicability,
    Domain,
    FrameworkVersion,
    Inspection,
    InspectionStatus,
    KeyQuestion,
    Prompt,
    Publication,
    Service,
    Standard,
    TeamMembership,
    TeamRole,
)
from .publication import lock_unpublished, published_message, refuse_if_published
from .rules import team_role_misfit
from .selectors import framework_structure
from .signals import team_member_leaving

FRAMEWORK_FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEFAULT_FRAMEWORK_FILE = FRAMEWORK_FIXTURES / "framework-youth-2021.yaml"


def _normalise(source: dict) -> tuple[dict, list[dict]]:
    """Reads the framework YAML into the shape `framework_structure` returns, listing every problem."""
    problems: list[str] = []
    known_rules = set(Applicability.values)
    domains = []
    for d in source.get("domains") or []:
        standards = []
        for s in d.get("standards") or []:
            kqs = []
            for k in s.get("key_questions") or []:
                rules = [str(r) for r in k.get("applicability") or []]
                for rule in rules:
                    if rule not in known_rules:
                        problems.append(f"key question {k.get('id')}: unknown applicability rule '{rule}'")
                prompts = [
                    {
                        "id": str(p["id"]),
                        "text": str(p["text"]).strip(),
                        "relevant_cases_only": "relevant_cases_only" in (p.get("applicability") or []),
                    }
                    for p in k.get("prompts") or []
                ]
                for p in prompts:
                    if not p["id"].startswith(f"{k['id']}."):
                        problems.append(f"prompt {p['id']} does not belong to key question {k['id']}")
                kqs.append(
                    {
                        "id": str(k["id"]),
                        "text": str(k["text"]).strip(),
                        "focus": str(k.get("focus") or ""),
                        "applicability": rules,
                        "prompts": prompts,
                    }
                )
            standards.append(
                {
                    "id": str(s["id"]),
                    "title": str(s["title"]).strip(),
                    "statement": str(s["statement"]).strip(),
                    "key_questions": kqs,
                }
            )
        domains.append({"id": str(d["id"]), "title": str(d["title"]).strip(), "standards": standards})
    if not domains:
        problems.append("the file has no domains")
    if problems:
        raise ValidationError([f"Framework file: {p}." for p in problems])
    meta = {
        "code": str(source["framework"]),
        "title": str(source.get("title", "")),
        "note": str(source.get("note", "")),
    }
    return meta, domains


@transaction.atomic
def framework_load(*, source: dict) -> tuple[FrameworkVersion, str]:
    """Loads a framework version from its YAML data. Idempotent.

    Returns the version and what happened: "created", "updated" or "unchanged". A version that an
    inspection uses is never changed: loading different content for it is refused.
    """
    try:
        meta, domains = _normalise(source)
    except (KeyError, TypeError) as exc:
        raise ValidationError(f"Framework file: a required entry is missing or malformed ({exc}).") from exc
    # Two loads at once (./dev run beside ./dev manage) must not both insert: serialise them.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"framework:{meta['code']}"])
    framework = FrameworkVersion.objects.select_for_update().filter(code=meta["code"]).first()
    if framework is not None:
        unchanged = (
            framework_structure(framework) == domains
            and framework.title == meta["title"]
            and framework.note == meta["note"]
        )
        if unchanged:
            return framework, "unchanged"
        framework.refuse_if_in_use()
        framework.domains.all().delete()
        outcome = "updated"
    else:
        outcome = "created"
        framework = FrameworkVersion(code=meta["code"])
    framework.title, framework.note = meta["title"], meta["note"]
    framework.full_clean()
    framework.save()
    for d_order, d in enumerate(domains, 1):
        domain = Domain.objects.create(framework=framework, code=d["id"], title=d["title"], order=d_order)
        for s_order, s in enumerate(d["standards"], 1):
            standard = Standard.objects.create(
                domain=domain, code=s["id"], title=s["title"], statement=s["statement"], order=s_order
            )
            for k_order, k in enumerate(s["key_questions"], 1):
                kq = KeyQuestion.objects.create(
                    standard=standard,
                    code=k["id"],
                    text=k["text"],
                    focus=k["focus"],
                    applicability=k["applicability"],
                    order=k_order,
                )
                Prompt.objects.bulk_create(
                    Prompt(
                        key_question=kq,
                        code=p["id"],
                        text=p["text"],
                        relevant_cases_only=p["relevant_cases_only"],
                        order=p_order,
                    )
                    for p_order, p in enumerate(k["prompts"], 1)
                )
    return framework, outcome


def framework_load_file(*, path: Path = DEFAULT_FRAMEWORK_FILE) -> tuple[FrameworkVersion, str]:
    try:
        source = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError(f"Cannot read the framework file {path}: {exc}") from exc
    if not isinstance(source, dict) or "framework" not in source:
        raise ValidationError(f"{path} is not a framework file: it has no 'framework' entry.")
    return framework_load(source=source)


# --- services, inspections and teams ------------------------------------------------------------------


class ConcurrentEditError(ValidationError):
    """Someone else saved the same thing after this form was opened; `what` names it ("this inspection")."""

    def __init__(self, what: str):
        super().__init__(
            f"Someone else changed {what} after you opened this page. Open it again to see their changes, "
            "then make yours."
        )


SERVICE_PUBLISHED = "{service} has a published inspection ({reference}), so it cannot be changed: the published report names it."
SERVICE_NOT_YOURS = (
    "Only an administrator, or the lead inspector of every inspection of this service, can change it."
)


def service_refusal(service: Service | None, user: User | None) -> str | None:
    """Why `user` may not change `service` (None if they may). No one changes a service with a published
    inspection; a lead inspector changes only a service whose every inspection they lead (or one with no
    inspection yet); an administrator any other. The message names only what the person may see."""
    if service is None or service.pk is None:
        return None
    inspections = list(service.inspections.values_list("reference", "published_at", "lead_inspector_id"))
    leads_them_all = all(lead == user.pk for _ref, _at, lead in inspections) if user is not None else True
    if (
        user is not None
        and not user.is_administrator
        and (user.role != Role.LEAD_INSPECTOR or not leads_them_all)
    ):
        return SERVICE_NOT_YOURS
    published = [reference for reference, at, _lead in inspections if at is not None]
    if published:
        return SERVICE_PUBLISHED.format(service=service.name, reference=published[0])
    return None


@transaction.atomic
def service_save(
    *,
    service: Service | None = None,
    name: str,
    term: str,
    local_authorities: str = "",
    by: User | None = None,
) -> Service:
    """Creates a service, or changes one: the name, the service's own term and the local authorities.

    A change is refused (PermissionDenied, saying why) if the service has a published inspection, or if `by`
    is a lead inspector who does not lead every inspection of it (`service_refusal`).
    """
    if service is not None and service.pk is not None:
        service = Service.objects.select_for_update().get(pk=service.pk)
        refusal = service_refusal(service, by)
        if refusal:
            raise PermissionDenied(refusal)
    service = service or Service()
    service.name = name.strip()
    service.term = term
    service.local_authorities = "\n".join(
        line.strip() for line in local_authorities.splitlines() if line.strip()
    )
    service.full_clean()
    with pghistory.context(user=by.pk if by else None):
        service.save()
    return service


@transaction.atomic
def inspection_create(*, created_by: User, lead_inspector: User | None = None, **facts) -> Inspection:
    """Creates an inspection; its lead (the creator unless another lead inspector is named) joins the team.

    The reference is kept in capitals, so that CHESHIRE-2021 and cheshire-2021 cannot be two inspections.
    """
    lead = lead_inspector or created_by
    problem = team_role_misfit(lead.role, TeamRole.LEAD, person=str(lead), role_name="lead inspector")
    if problem:
        raise ValidationError({"lead_inspector": f"{problem}."})
    inspection = Inspection(lead_inspector=lead, **facts)
    inspection.reference = (inspection.reference or "").strip().upper()
    inspection.full_clean()
    inspection.save()
    TeamMembership.objects.create(inspection=inspection, user=lead, role=TeamRole.LEAD)
    return inspection


def inspection_version(inspection: Inspection) -> str:
    """What an edit form remembers of the inspection it opened, to notice a later save by someone else."""
    return inspection.updated_at.isoformat()


@transaction.atomic
def inspection_update(*, inspection: Inspection, version: str, **facts) -> Inspection:
    """Changes an inspection's facts, refusing if it was saved by someone else since `version`."""
    locked = lock_unpublished(inspection.pk)
    if inspection_version(locked) != version:
        raise ConcurrentEditError("this inspection")
    for name, value in facts.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked


def _team_event(*, by: User | None, request, inspection: Inspection, detail: str) -> None:
    security_event_record(
        kind=EventKind.TEAM_CHANGED, request=request, user=by, obj=inspection, detail=detail
    )


@transaction.atomic
def team_member_add(
    *, inspection: Inspection, user: User, role: str, by: User | None = None, request=None
) -> TeamMembership:
    """Puts a person on the team with a role, written to the history and the security event log.

    A person is on a team once; the lead is set at creation. The team role must fit the person's account
    role (`inspections.rules`): an administrator takes no role, so none can give themselves one.
    """
    if role == TeamRole.LEAD:
        raise ValidationError({"role": "The inspection already has its lead inspector."})
    Inspection.objects.select_for_update().get(pk=inspection.pk)
    if TeamMembership.objects.filter(inspection=inspection, user=user).exists():
        raise ValidationError({"user": f"{user} is already on the team."})
    if not user.is_active:
        raise ValidationError({"user": f"{user}'s account is closed."})
    problem = team_role_misfit(
        user.role, role, person=str(user), role_name=TeamRole(role).label if role in TeamRole.values else role
    )
    if problem:
        raise ValidationError({"role": f"{problem}."})
    membership = TeamMembership(inspection=inspection, user=user, role=role)
    membership.full_clean()
    with pghistory.context(user=by.pk if by else None):
        membership.save()
    _team_event(
        by=by,
        request=request,
        inspection=inspection,
        detail=f"{user} added to {inspection.reference} as {membership.get_role_display().lower()}",
    )
    return membership


@transaction.atomic
def team_member_remove(
    *, inspection: Inspection, membership: TeamMembership, by: User | None = None, request=None
) -> None:
    """Takes a person off the team. The lead stays; other apps may refuse (for example, cases allocated).
    Written to the history and the security event log."""
    membership = (
        TeamMembership.objects.select_for_update()
        .select_related("user")
        .get(pk=membership.pk, inspection=inspection)
    )
    if membership.role == TeamRole.LEAD or membership.user_id == inspection.lead_inspector_id:
        raise ValidationError("The lead inspector cannot be taken off the team.")
    team_member_leaving.send(sender=TeamMembership, membership=membership)
    with pghistory.context(user=by.pk if by else None):
        membership.delete()
    _team_event(
        by=by,
        request=request,
        inspection=inspection,
        detail=f"{membership.user} taken off {inspection.reference} "
        f"(was {membership.get_role_display().lower()})",
    )


# --- deleting an inspection ----------------------------------------------------------------------------

# The relations of an inspection that are housekeeping, not its data: deleting them loses no judgement.
_NOT_DATA = frozenset({"team", "publications"})
_deletion_allowed: ContextVar[str | None] = ContextVar("inspection_deletion_allowed", default=None)


class InspectionHasData(ProtectedError):
    """An inspection that holds cases, answers, decisions, report text or renders is never deleted."""


def inspection_data(inspection: Inspection) -> list[str]:
    """What the inspection holds besides its team ("cases", "renders", ...): any of it stops a deletion."""
    held = []
    for relation in Inspection._meta.related_objects:
        accessor = relation.get_accessor_name()
        if accessor in _NOT_DATA or not (relation.one_to_many or relation.one_to_one):
            continue
        if relation.related_model._meta.label.endswith("Event"):
            continue  # its own history (pghistory)
        if relation.related_model._default_manager.filter(**{relation.field.name: inspection}).exists():
            held.append(str(relation.related_model._meta.verbose_name_plural))
    return sorted(held)


def refuse_deleting_inspection(inspection: Inspection) -> None:
    """Raises InspectionHasData unless the inspection holds nothing but its team, or the deletion is one of
    the recorded replacements (`inspection_replacement`). Called on every deletion (a pre_delete receiver),
    so neither the administration pages nor a queryset can take an inspection's data with it."""
    if _deletion_allowed.get() is not None:
        return
    held = inspection_data(inspection)
    if held:
        raise InspectionHasData(
            f"{inspection.reference} cannot be deleted: it holds {', '.join(held)}. Withdraw its publication "
            "or leave it as it is; an inspection's data are never deleted.",
            [inspection],
        )


@contextmanager
def inspection_replacement(*, reason: str):
    """Lets the caller delete inspections with their data, for a reason that the caller records: an
    `import_inspection --replace` (which records it in the security event log) or the benchmark's own
    generated inspections. Nothing else deletes an inspection's data."""
    token = _deletion_allowed.set(reason)
    try:
        yield
    finally:
        _deletion_allowed.reset(token)


@transaction.atomic
def inspection_delete(*, inspection: Inspection, by: User, reason: str, request=None) -> None:
    """Deletes an inspection that holds nothing but its team (set up by mistake), recorded with the reason
    in the history and the security event log. One with any data is refused (InspectionHasData)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the inspection is being deleted."})
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.is_published:
        raise PermissionDenied(published_message(locked))
    refuse_deleting_inspection(locked)
    security_event_record(
        kind=EventKind.ADMIN_CHANGE,
        request=request,
        user=by,
        obj=locked,
        detail=f"Inspection deleted: {reason}",
    )
    with pghistory.context(user=by.pk, reason=reason):
        locked.delete()


# --- publication ---------------------------------------------------------------------------------------


def inspection_publish(
    *, inspection: Inspection, published_by: User, signatory_name: str, signatory_title: str = ""
) -> Publication:
    """Records the publication and freezes the inspection's data (inspections.publication).

    The caller (the report, which knows what a publishable report needs) runs this in its transaction,
    holding the inspection's row FOR UPDATE, after checking that the report may be published.
    """
    refuse_if_published(inspection, reread=False)
    now = timezone.now()
    publication = Publication(
        inspection=inspection,
        published_at=now,
        published_by=published_by,
        signatory_name=signatory_name.strip(),
        signatory_title=signatory_title.strip(),
    )
    publication.full_clean()
    publication.save()
    inspection.published_at, inspection.status = now, InspectionStatus.PUBLISHED
    inspection.save(update_fields=["published_at", "status", "updated_at"])
    return publication


def current_publication(inspection: Inspection) -> Publication | None:
    if inspection.published_at is None:
        return None
    return (
        Publication.objects.select_related("published_by")
        .filter(inspection=inspection, withdrawn_at__isnull=True)
        .first()
    )


@transaction.atomic
def publication_withdraw(
    *, inspection: Inspection, withdrawn_by: User, reason: str, request=None
) -> Publication:
    """Withdraws the current publication (administrators only, with a reason): the data are no longer frozen.

    The withdrawal is kept on the publication and recorded in the security event log.
    """
    if not withdrawn_by.is_administrator:
        raise PermissionDenied("Only an administrator can withdraw a publication.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the publication is being withdrawn."})
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    publication = current_publication(locked)
    if publication is None:
        raise ValidationError(f"{locked.reference} is not published, so there is nothing to withdraw.")
    publication.withdrawn_at, publication.withdrawn_by = timezone.now(), withdrawn_by
    publication.withdrawal_reason = reason
    publication.full_clean()
    publication.save()
    locked.published_at, locked.status = None, InspectionStatus.REPORTING
    locked.save(update_fields=["published_at", "status", "updated_at"])
    security_event_record(
        kind=EventKind.PUBLICATION_WITHDRAWN,
        request=request,
        user=withdrawn_by,
        obj=locked,
        detail=f"Publication of {publication.published_at:%d %B %Y %H:%M} withdrawn: {reason}",
    )
    inspection.published_at, inspection.status = None, InspectionStatus.REPORTING
    return publication

from django.db.models import QuerySet
from django.http import Http404

from .models import FrameworkVersion, Inspection, KeyQuestion, Prompt, Standard, TeamMembership, TeamRole


def inspections_visible_to(user) -> QuerySet[Inspection]:
    """Inspections the user may see: all for administrators, otherwise those whose team they are on."""
    inspections = Inspection.objects.select_related("service", "framework", "lead_inspector")
    if not user.is_authenticated:
        return inspections.none()
    if user.is_administrator:
        return inspections
    return inspections.filter(team__user=user).distinct()


def inspection_get_for(user, reference: str) -> Inspection:
    """The inspection with this reference if the user may see it; 404 otherwise (even if it exists)."""
    try:
        return inspections_visible_to(user).get(reference=reference)
    except Inspection.DoesNotExist:
        raise Http404("No inspection with that reference is open to you.") from None


TEAM_ORDER = [TeamRole.LEAD, TeamRole.QA, TeamRole.INSPECTOR, TeamRole.COLLEAGUE, TeamRole.PANEL]


def team_members(inspection: Inspection) -> list[TeamMembership]:
    """The inspection's team with their people: the lead first, then by role and name."""
    team = TeamMembership.objects.filter(inspection=inspection).select_related("user")
    return sorted(team, key=lambda member: (TEAM_ORDER.index(member.role), str(member.user)))


def framework_structure(framework: FrameworkVersion) -> list[dict]:
    """The framework's domains, standards, key questions and prompts as plain data, in four queries.

    The shape is the one `services.framework_load` reads, so a loaded file and the database can be compared.
    """
    standards_by_domain, kqs_by_standard, prompts_by_kq = {}, {}, {}
    for prompt in Prompt.objects.filter(key_question__standard__domain__framework=framework).order_by(
        "order"
    ):
        prompts_by_kq.setdefault(prompt.key_question_id, []).append(
            {"id": prompt.code, "text": prompt.text, "relevant_cases_only": prompt.relevant_cases_only}
        )
    for kq in KeyQuestion.objects.filter(standard__domain__framework=framework).order_by("order"):
        kqs_by_standard.setdefault(kq.standard_id, []).append(
            {
                "id": kq.code,
                "text": kq.text,
                "focus": kq.focus,
                "applicability": list(kq.applicability),
                "prompts": prompts_by_kq.get(kq.pk, []),
            }
        )
    for standard in Standard.objects.filter(domain__framework=framework).order_by("order"):
        standards_by_domain.setdefault(standard.domain_id, []).append(
            {
                "id": standard.code,
                "title": standard.title,
                "statement": standard.statement,
                "key_questions": kqs_by_standard.get(standard.pk, []),
            }
        )
    return [
        {"id": domain.code, "title": domain.title, "standards": standards_by_domain.get(domain.pk, [])}
        for domain in framework.domains.order_by("order")
    ]

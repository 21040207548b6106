"""Test data for second marking: a team and a case marked twice."""

from cases.factories import CaseFactory, answer_whole_case
from cases.models import CaseStatus, SecondMarking
from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import TeamRole

# Canaries: the first marker's rationale and the second marker's, which must not reach the other side early.
FIRST_RATIONALE = "First marker: the plan named the wishes of the victim (canary F-1729)."
SECOND_RATIONALE = "Second marker: the plan ignored the wishes of the victim (canary S-4104)."


def agreement_team(make_user) -> dict:
    """An inspection with its lead, the case's inspector (the first marker), a QA inspector (the second
    marker), another inspector, a panel member and an administrator; "case", a court case allocated to the
    inspector, answered yes throughout and still in progress."""
    inspection = InspectionFactory(
        lead_inspector=make_user("lead_inspector", first_name="Lee", last_name="Dean")
    )
    members = {
        "lead": inspection.lead_inspector,
        "inspector": make_user("inspector", first_name="Ines", last_name="Pector"),
        "marker": make_user("inspector", first_name="Quinn", last_name="Assurer"),
        "other": make_user("inspector", first_name="Otto", last_name="Other"),
        "panel": make_user("panel_member", first_name="Pan", last_name="Ellist"),
        "administrator": make_user("administrator", is_staff=True),
    }
    for name, role in [
        ("inspector", TeamRole.INSPECTOR),
        ("marker", TeamRole.QA),
        ("other", TeamRole.INSPECTOR),
        ("panel", TeamRole.PANEL),
    ]:
        TeamMembershipFactory(inspection=inspection, user=members[name], role=role)
    case = CaseFactory(inspection=inspection, inspector=members["inspector"], reference="COURT-07")
    answer_whole_case(case, user=members["inspector"])
    case.key_question_answers.filter(key_question__code="2.1.1").update(rationale=FIRST_RATIONALE)
    return {"inspection": inspection, **members, "case": case}


def mark_case(marking: SecondMarking, *, value: str = "yes", overrides: dict | None = None) -> None:
    """Gives the second marking an answer (with a rationale) to every key question of its case's domain, as
    the second marker would; `overrides` maps key question ids to other answers."""
    from agreement.selectors import marking_standards

    overrides = overrides or {}
    for standard in marking_standards(marking):
        for kq in standard.key_questions:
            if kq.applicability.forced:
                continue
            answer = overrides.get(kq.id, value)
            rationale = SECOND_RATIONALE if kq.id == "2.1.1" else f"Second marker's rationale for {kq.id}."
            marking.answers.update_or_create(code=kq.id, defaults={"value": answer, "rationale": rationale})


def submit_first_marking(case) -> None:
    case.status = CaseStatus.SUBMITTED
    case.save(update_fields=["status"])

"""Publishing the report: what it needs, and that once published every write to the inspection's data is
refused (one test per kind of write, each checking the message and that nothing changed)."""

import datetime
import json

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Alert, AlertStatus
from cases import services as case_services
from cases.models import Case, CaseStatus, KeyQuestionAnswer
from inspections.models import Domain, Inspection, InspectionStatus, Publication, Standard
from inspections.publication import InspectionPublished
from inspections.services import inspection_update, inspection_version, publication_withdraw
from ratings import services as ratings_services
from ratings.demo import DEMO_FILE
from ratings.models import EvidenceNote
from reports import facts as catalogue
from reports import services
from reports.demo import DEMO_CONTENT
from reports.models import (
    Addressee,
    CaseExample,
    Finding,
    PublishedReport,
    Render,
    RenderFormat,
    Report,
)
from reports.selectors import print_snapshot

from .helpers import cheshire_demo

pytestmark = pytest.mark.django_db

# Every app whose rows hold an inspection's data (the test database holds only the one inspection).
DATA_APPS = ("inspections", "cases", "alerts", "sampling", "ratings", "reports")
FRAMEWORK_MODELS = ("frameworkversion", "domain", "standard", "keyquestion", "prompt")
# What an alert says (the alerts app's tests check the wording rules; here only the freeze matters).
ALERT = {
    "concern": "child_safety",
    "findings": "No safety plan.",
    "action_requested": "Review the plan.",
    "notified_name": "Sam Manager",
    "notified_role": "Team manager",
    "notified_how": "telephone",
}


def data_state() -> dict:
    """Every row of every model that holds inspection data, so a test can show nothing changed."""
    state = {}
    for label in DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name in FRAMEWORK_MODELS or model._meta.model_name.endswith("event"):
                continue
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


def day(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"


@pytest.fixture
def world(framework, panel_member, make_user):
    """The Cheshire demo, signed off and fully written, with one case in progress and one submitted, then
    published by its lead inspector."""
    inspection = cheshire_demo()
    inspection.team.create(user=panel_member, role="panel")
    inspector = make_user("inspector")
    inspection.team.create(user=inspector, role="inspector")
    in_progress, submitted = Case.objects.filter(inspection=inspection).order_by("reference")[:2]
    Case.objects.filter(pk=in_progress.pk).update(status=CaseStatus.IN_PROGRESS, inspector=inspector)
    Case.objects.filter(pk=submitted.pk).update(status=CaseStatus.SUBMITTED, inspector=inspector)
    lead = inspection.lead_inspector
    render = services.report_publish(inspection=inspection, user=lead)
    inspection = Inspection.objects.get(pk=inspection.pk)
    return {
        "inspection": inspection,
        "lead": lead,
        "panel": panel_member,
        "inspector": inspector,
        "in_progress": in_progress,
        "submitted": submitted,
        "render": render,
    }


def test_publishing_records_who_signed_and_who_published_and_freezes_a_snapshot(world):
    inspection, lead = world["inspection"], world["lead"]
    publication = Publication.objects.get(inspection=inspection)
    assert (publication.published_by, publication.signatory_name) == (lead, "Justin Russell")
    assert publication.signatory_title == "Chief Inspector of Probation"
    assert inspection.published_at == publication.published_at and inspection.is_published
    assert inspection.status == InspectionStatus.PUBLISHED
    frozen = PublishedReport.objects.get(publication=publication)
    assert frozen.snapshot["is_draft"] is False
    assert frozen.snapshot["published"]["at"] == publication.published_at.astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    # The final PDF is queued, made from that snapshot; the preview prints it too.
    render = world["render"]
    assert (render.format, render.publication, render.requested_by) == (RenderFormat.PDF, publication, lead)
    assert print_snapshot(inspection) == frozen.snapshot


def test_a_published_inspection_is_not_published_twice(world):
    with pytest.raises(InspectionPublished):
        services.report_publish(inspection=world["inspection"], user=world["lead"])
    assert Publication.objects.count() == 1


def test_only_the_inspections_lead_inspector_publishes(framework, administrator):
    inspection = cheshire_demo()
    with pytest.raises(PermissionDenied, match="Only the lead inspector of this inspection"):
        services.report_publish(inspection=inspection, user=administrator)
    assert not Inspection.objects.get(pk=inspection.pk).is_published


def test_every_missing_item_is_listed_and_nothing_is_published(framework, panel_member):
    inspection = cheshire_demo()
    ratings_services.ratings_reopen(inspection=inspection, reopened_by=panel_member, reason="A late case.")
    Report.objects.filter(inspection=inspection).update(isbn="", publication_date=None, signatory_name="")
    # Written before a token was withdrawn, or imported: the saved texts are checked again at publication.
    finding = Finding.objects.filter(report__inspection=inspection, domain__code="2").first()
    Finding.objects.filter(pk=finding.pk).update(text="Staff met {kq:9.9.9} of their targets.")
    example = CaseExample.objects.filter(report__inspection=inspection).first()
    reference = Case.objects.filter(inspection=inspection).first().reference
    CaseExample.objects.filter(pk=example.pk).update(text=f"In case {reference} the plan was clear.")
    problems = services.publication_problems(inspection)
    messages = [p.message for p in problems]
    code = example.key_question.code
    assert messages[:4] == [
        "The ratings panel has not signed the ratings off yet.",
        "Enter the report's ISBN.",
        "Enter the month of publication.",
        "Name who signs the foreword.",
    ]
    what = "A strength" if finding.kind == "strength" else "An area for improvement"
    assert messages[4].startswith(f"{what} of domain 2: ") and "9.9.9" in messages[4], messages
    assert messages[-1] == f"An example under {code} still names a case, a child or a case manager."
    assert len(messages) == 6, messages
    assert [(p.part, p.ref) for p in problems if p.part in ("finding", "example")] == [
        ("finding", str(finding.pk)),
        ("example", str(example.pk)),
    ]
    with pytest.raises(ValidationError) as refused:
        services.report_publish(inspection=inspection, user=inspection.lead_inspector)
    assert refused.value.messages == messages
    assert not Publication.objects.exists() and not Inspection.objects.get(pk=inspection.pk).is_published


def test_a_text_that_names_a_case_manager_added_since_it_was_saved_stops_publication(framework):
    inspection = cheshire_demo()
    finding = Finding.objects.filter(report__inspection=inspection, domain__code="2").order_by("pk").first()
    Finding.objects.filter(pk=finding.pk).update(text=f"{finding.text} Ms Okafor's plans were clear.")
    case = Case.objects.filter(inspection=inspection).order_by("reference").first()
    assert services.publication_problems(inspection) == []
    # The case manager's name arrives later (a swap, a re-import): the saved texts are checked again.
    Case.objects.filter(pk=case.pk).update(case_manager="Okafor")
    Report.objects.filter(inspection=inspection).update(presenters=f"Inspectors, with {case.reference}")
    what = "A strength" if finding.kind == "strength" else "An area for improvement"
    assert [(p.message, p.part, p.ref) for p in services.publication_problems(inspection)] == [
        (
            f"Who presented to the inspectors: '{case.reference}' identifies a case, a child or a case manager of this inspection: "
            "remove it, because the report is published.",
            "details",
            "presenters",
        ),
        (
            f"{what} of domain 2: 'Okafor' identifies a case, a child or a case manager of this inspection: "
            "remove it, because the report is published.",
            "finding",
            str(finding.pk),
        ),
    ]


def test_an_isbn_whose_check_digit_is_wrong_stops_publication(framework):
    inspection = cheshire_demo()
    Report.objects.filter(inspection=inspection).update(isbn="978-1-914478-34-6")
    assert [p.message for p in services.publication_problems(inspection)] == [
        "The ISBN's last digit does not match the others: check it against the ISBN you were given."
    ]


def test_an_open_alert_stops_publication_until_the_service_confirms_its_action(framework, make_user):
    inspection = cheshire_demo()
    case = Case.objects.filter(inspection=inspection).order_by("reference").first()
    raised = alert_services.alert_raise(
        case=case,
        raised_by=inspection.lead_inspector,
        **ALERT,
        notified_at=timezone.now(),
    )
    alert = raised.alert
    problems = services.publication_problems(inspection)
    assert [(p.message, p.part, p.ref) for p in problems] == [
        (
            f"Alert 1 (case {case.reference}) is still open: record the service's confirmation of what it "
            "has done.",
            "alert",
            "1",
        )
    ]
    with pytest.raises(ValidationError):
        services.report_publish(inspection=inspection, user=inspection.lead_inspector)
    alert_services.alert_resolve(
        alert_id=alert.pk,
        resolved_by=inspection.lead_inspector,
        service_action="The plan was reviewed with the victim liaison officer.",
        confirmed_by_name="Sam Manager",
        version=Alert.objects.get(pk=alert.pk).version,
    )
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.RESOLVED
    assert services.publication_problems(inspection) == []


def test_the_demo_report_has_everything_a_published_report_needs(framework):
    assert services.publication_problems(cheshire_demo()) == []


# --- every write is refused once published --------------------------------------------------------------


def first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def case_writes():
    def answer(w, user_key="inspector"):
        return {"inspection": w["inspection"], "case_id": w["in_progress"].pk, "user": w[user_key]}

    def review(w):
        return {"inspection": w["inspection"], "case_id": w["submitted"].pk, "user": w["lead"]}

    return {
        "prompt answer": lambda w: case_services.prompt_answer_save(
            **answer(w),
            code=first(KeyQuestionAnswer, case=w["in_progress"]).key_question.prompts.first().code,
            value="no",
            version=0,
        ),
        "key question answer": lambda w: case_services.key_question_answer_save(
            **answer(w),
            code=first(KeyQuestionAnswer, case=w["in_progress"]).key_question.code,
            changes={"rationale": "A different view."},
            version=1,
        ),
        "case facts": lambda w: case_services.case_facts_save(
            **answer(w), changes={"notes": "Seen on Tuesday."}, version=w["in_progress"].version
        ),
        "submission": lambda w: case_services.case_submit(**answer(w)),
        "quality assurance approval": lambda w: case_services.case_approve(**review(w)),
        "quality assurance return": lambda w: case_services.case_return(**review(w), reason="Check 2.1.1."),
    }


def ratings_writes():
    return {
        "panel decision": lambda w: ratings_services.panel_decision_record(
            inspection=w["inspection"],
            standard_code="2.1",
            rating="good",
            key_question_code=None,
            rationale="",
            decided_by=w["panel"],
        ),
        "sign-off reopen": lambda w: ratings_services.ratings_reopen(
            inspection=w["inspection"], reopened_by=w["panel"], reason="A late case."
        ),
        "domain-one proposal": lambda w: ratings_services.domain_one_proposal_save(
            inspection=w["inspection"],
            standard_code="1.1",
            rating="good",
            rationale="Strong board.",
            key_question_rationales={},
            proposed_by=w["lead"],
        ),
        "domain-one evidence": lambda w: ratings_services.evidence_note_add(
            inspection=w["inspection"],
            standard_code="1.1",
            source="documents",
            note="Minutes.",
            key_question_code=None,
            recorded_by=w["lead"],
        ),
        "domain-one evidence removal": lambda w: ratings_services.evidence_note_remove(
            inspection=w["inspection"], note_id=first(EvidenceNote).pk if first(EvidenceNote) else 0
        ),
    }


def report_writes():
    def common(w):
        return {"inspection": w["inspection"], "user": w["lead"]}

    def domain(w):
        return Domain.objects.get(framework=w["inspection"].framework, code="2")

    return {
        "report details": lambda w: services.report_save(**common(w), version=None, foreword="New."),
        "domain text": lambda w: services.domain_section_save(
            **common(w), domain=domain(w), version=None, summary="New.", results="", overview=""
        ),
        "finding": lambda w: services.finding_save(
            **common(w), domain=domain(w), kind="strength", text="New.", in_summary=True, in_chapter=True
        ),
        "addressee": lambda w: services.addressee_save(**common(w), kind="other", name="The council"),
        "recommendation": lambda w: services.recommendation_save(
            **common(w), addressee=first(Addressee), text="do more"
        ),
        "order": lambda w: services.item_move(item=first(Finding), direction=1),
        "source": lambda w: services.fact_source_save(**common(w), supplied_by="inspected_service"),
        "deletion": lambda w: services.report_item_delete(inspection=w["inspection"], item=first(Finding)),
        "contextual facts": lambda w: services.facts_save(
            **common(w), block=catalogue.BLOCKS[0].key, rows={}
        ),
        "narrative": lambda w: services.standard_narrative_save(
            **common(w),
            standard=Standard.objects.get(domain__framework=w["inspection"].framework, code="2.1"),
            text="New.",
            key_question_texts={},
            versions={},
        ),
        "example chosen": lambda w: services.case_example_add(
            **common(w),
            answer=KeyQuestionAnswer.objects.exclude(quote="").select_related("case").first(),
            key_question=first(CaseExample).key_question,
        ),
        "example text": lambda w: services.case_example_save(
            **common(w), example=first(CaseExample), version=None, kind="quote", lead_in="", text="New."
        ),
        "content import": lambda w: services.report_content_import(
            inspection=w["inspection"], data=json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))
        ),
        "inspection details": lambda w: inspection_update(
            inspection=w["inspection"], version=inspection_version(w["inspection"]), is_joint=False
        ),
    }


def alert_writes():
    return {
        "alert raised": lambda w: alert_services.alert_raise(
            case=Case.objects.get(pk=w["in_progress"].pk),  # allocated to w["inspector"] by the world
            raised_by=w["inspector"],
            **ALERT,
            notified_at=timezone.now(),
        ),
    }


WRITES = {**case_writes(), **alert_writes(), **ratings_writes(), **report_writes()}


@pytest.mark.parametrize("kind", WRITES)
def test_every_write_is_refused_once_published_and_changes_nothing(world, kind):
    inspection = world["inspection"]
    before = data_state()
    with pytest.raises(InspectionPublished) as refused:
        WRITES[kind](world)
    assert str(refused.value) == (
        f"This inspection was published on {day(inspection.published_at)}. Its data can no longer be changed."
    )
    assert isinstance(refused.value, PermissionDenied)  # a page answers 403 with the message
    assert data_state() == before


def test_an_alert_left_open_cannot_be_resolved_once_published(world):
    """Publishing needs every alert resolved; one left open (made directly here) stays as it is."""
    now = timezone.now()
    alert = Alert.objects.create(
        inspection=world["inspection"],
        case=world["in_progress"],
        number=1,
        **ALERT,
        notified_at=now,
        raised_by=world["inspector"],
        raised_at=now,
        updated_by=world["inspector"],
    )
    with pytest.raises(InspectionPublished):
        alert_services.alert_resolve(
            alert_id=alert.pk,
            resolved_by=world["lead"],
            service_action="The plan was reviewed.",
            confirmed_by_name="Sam Manager",
            version=alert.version,
        )
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_replacing_a_published_inspection_by_import_is_refused(world):
    before = data_state()
    with pytest.raises(ValidationError) as refused:
        ratings_services.inspection_import(
            document=json.loads(DEMO_FILE.read_text(encoding="utf-8")), replace=True
        )
    assert refused.value.messages == [
        f"$.inspection.reference: This inspection was published on {day(world['inspection'].published_at)}. "
        "Its data can no longer be changed."
    ]
    assert data_state() == before


def test_once_the_publication_is_withdrawn_the_data_can_be_changed_again(world, administrator):
    publication_withdraw(inspection=world["inspection"], withdrawn_by=administrator, reason="Wrong data.")
    sign_off = ratings_services.ratings_reopen(
        inspection=world["inspection"], reopened_by=world["panel"], reason="A late case."
    )
    assert sign_off.reopen_reason == "A late case."
    services.report_save(inspection=world["inspection"], user=world["lead"], version=None, foreword="New.")
    assert Report.objects.get(inspection=world["inspection"]).foreword == "New."
    # A PDF made now is a draft of the data as they are, not the withdrawn publication's.
    assert services.render_request(inspection=world["inspection"], user=world["lead"]).publication is None


def test_a_published_report_can_still_be_rendered_from_its_frozen_snapshot(world):
    render = services.render_request(inspection=world["inspection"], user=world["lead"])
    assert render.publication == world["render"].publication and render.number == 2
    data = services.render_request(inspection=world["inspection"], user=world["lead"], format="csv")
    assert data.publication is None
    # The two PDFs, the HTML edition queued at publication, and the data.
    assert Render.objects.filter(inspection=world["inspection"]).count() == 4

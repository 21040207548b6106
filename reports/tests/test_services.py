import errno
import hashlib
import json
import os

import pytest
from django.core.exceptions import ValidationError

from cases.factories import CaseFactory
from cases.models import KeyQuestionAnswer
from inspections.factories import InspectionFactory
from inspections.models import KeyQuestion, Standard
from reports import services
from reports.demo import DEMO_CONTENT
from reports.models import (
    Addressee,
    CaseExample,
    ContextualFact,
    FactSource,
    KeyQuestionNarrative,
    Recommendation,
    Render,
    RenderStatus,
    Report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(framework):
    return InspectionFactory()


def test_an_unknown_token_is_an_error_and_nothing_is_saved(inspection):
    with pytest.raises(ValidationError) as caught:
        services.report_save(
            inspection=inspection,
            user=inspection.lead_inspector,
            version=None,
            foreword="Rated {overall_rating}, with {kq:2.9.9} and {percent}.",
        )
    problems = caught.value.message_dict["foreword"]
    assert len(problems) == 2
    assert "there is no key question 2.9.9" in problems[0]
    assert "{percent} is not a token we know" in problems[1]
    assert Report.objects.filter(inspection=inspection, foreword__contains="Rated").count() == 0


def test_text_naming_a_case_a_child_or_a_case_manager_is_refused(inspection):
    CaseFactory(inspection=inspection, reference="NS-017", child_id="CHILD-99", case_manager="Pat Jones")
    for text in ("In case NS-017 the plan was late.", "child-99 was seen weekly", "Pat Jones told us so."):
        with pytest.raises(ValidationError, match="identifies a case, a child or a case manager"):
            services.report_save(
                inspection=inspection, user=inspection.lead_inspector, version=None, background=text
            )
    services.report_save(
        inspection=inspection,
        user=inspection.lead_inspector,
        version=None,
        background="NS-0170 is not a case here.",
    )


def test_a_stale_save_is_refused_and_names_who_saved_first(inspection, lead_inspector):
    report = services.report_save(
        inspection=inspection, user=inspection.lead_inspector, version=None, foreword="One."
    )
    services.report_save(inspection=inspection, user=lead_inspector, version=report.version, foreword="Two.")
    with pytest.raises(ValidationError, match="after you opened this page"):
        services.report_save(
            inspection=inspection, user=inspection.lead_inspector, version=report.version, foreword="Three."
        )
    assert Report.objects.get(inspection=inspection).foreword == "Two."


def test_isbn_check_digit(inspection):
    assert services.isbn_problem("978-1-914478-34-5") is None
    assert "last digit" in services.isbn_problem("978-1-914478-34-6")
    assert "13 digits" in services.isbn_problem("978-1")
    with pytest.raises(ValidationError):
        services.report_save(inspection=inspection, user=None, version=None, isbn="978-1-914478-34-6")


def test_facts_are_parsed_saved_removed_and_mismatched_totals_warn(inspection):
    source = services.fact_source_save(inspection=inspection, user=None, supplied_by="inspected_service")
    rows = {
        "caseload_total": {"value": "215", "source": source},
        "caseload_court": {"value": "83", "source": source},
        "caseload_out_of_court": {"value": "132", "source": source},
        "caseload_community": {"value": "81", "source": source},
        "caseload_custody": {"value": "2", "source": source},
        "caseload_licence": {"value": "4", "source": source},
    }
    warnings = services.facts_save(inspection=inspection, user=None, block="additional_caseload", rows=rows)
    assert warnings == [
        "Court disposals is 83, but its parts add up to 87: 81 (total current caseload on community sentences) "
        "+ 2 (total current caseload in custody) + 4 (total current caseload on licence)."
    ]
    assert ContextualFact.objects.get(key="caseload_total").value == "215"
    services.facts_save(
        inspection=inspection,
        user=None,
        block="population",
        rows={"population": {"value": "1,066,647"}, "youth_population": {"value": ""}},
    )
    assert ContextualFact.objects.get(key="population").value == "1066647"
    services.facts_save(
        inspection=inspection, user=None, block="population", rows={"population": {"value": ""}}
    )
    assert not ContextualFact.objects.filter(key="population").exists()


def test_bad_figures_are_all_listed_and_nothing_is_saved(inspection):
    with pytest.raises(ValidationError) as caught:
        services.facts_save(
            inspection=inspection,
            user=None,
            block="caseload",
            rows={
                "age_10_14": {"value": "lots"},
                "age_15_17": {"value": "120"},
                "gender_male": {"value": "", "national": "85"},
            },
        )
    problems = caught.value.message_dict
    assert set(problems) == {"age_10_14", "age_15_17", "gender_male"}
    assert "'lots' is not a number" in problems["age_10_14"][0]
    assert "cannot be more than 100" in problems["age_15_17"][0]
    assert not ContextualFact.objects.exists()


def test_a_source_in_use_cannot_be_deleted(inspection):
    source = services.fact_source_save(
        inspection=inspection,
        user=None,
        supplied_by="published_statistics",
        organisation="ONS",
        title="Estimates",
    )
    services.facts_save(
        inspection=inspection,
        user=None,
        block="population",
        rows={"population": {"value": "9", "source": source}},
    )
    with pytest.raises(ValidationError, match="still cite"):
        services.report_item_delete(inspection=inspection, item=source)
    with pytest.raises(ValidationError, match="organisation and the title"):
        services.fact_source_save(inspection=inspection, user=None, supplied_by="published_statistics")


def test_recommendations_move_within_their_addressee(inspection):
    addressee = services.addressee_save(
        inspection=inspection, user=None, kind="service", name="The service should:"
    )
    assert addressee.name == "The service"
    first = services.recommendation_save(inspection=inspection, user=None, addressee=addressee, text="do one")
    second = services.recommendation_save(
        inspection=inspection, user=None, addressee=addressee, text="do two"
    )
    services.item_move(item=second, direction=-1)
    assert list(Recommendation.objects.order_by("order").values_list("text", flat=True)) == [
        "do two",
        "do one",
    ]
    services.item_move(item=Recommendation.objects.get(pk=first.pk), direction=1)  # already last: no change
    assert list(Recommendation.objects.order_by("order").values_list("text", flat=True)) == [
        "do two",
        "do one",
    ]
    with pytest.raises(ValidationError, match="still has recommendations"):
        services.report_item_delete(inspection=inspection, item=addressee)
    with pytest.raises(ValidationError, match="already an addressee"):
        services.addressee_save(inspection=inspection, user=None, kind="police", name="the SERVICE")


def test_a_flagged_quote_becomes_an_example_that_must_be_anonymised_before_saving(inspection):
    case = CaseFactory(inspection=inspection, reference="NS-001", case_manager="Sam Smith")
    kq = KeyQuestion.objects.get(standard__domain__framework=inspection.framework, code="2.3.1")
    answer = KeyQuestionAnswer.objects.create(
        case=case, key_question=kq, value="yes", quote="Sam Smith saw NS-001 weekly.", good_practice=True
    )
    example = services.case_example_add(inspection=inspection, user=None, answer=answer, key_question=kq)
    assert example.kind == "good_practice"
    assert services.examples_needing_anonymising(inspection) == [example]
    with pytest.raises(ValidationError) as caught:
        services.case_example_save(
            inspection=inspection,
            user=None,
            example=example,
            version=example.version,
            kind="good_practice",
            lead_in="",
            text=example.text,
        )
    assert len(caught.value.message_dict["text"]) == 2
    services.case_example_save(
        inspection=inspection,
        user=None,
        example=example,
        version=example.version,
        kind="good_practice",
        lead_in="",
        text="The case manager saw the child weekly.",
    )
    assert services.examples_needing_anonymising(inspection) == []


def test_narrative_of_a_standard_is_saved_all_or_nothing(inspection):
    standard = Standard.objects.get(domain__framework=inspection.framework, code="2.1")
    with pytest.raises(ValidationError) as caught:
        services.standard_narrative_save(
            inspection=inspection,
            user=None,
            standard=standard,
            text="Fine.",
            key_question_texts={"2.1.1": "{kq:2.1.1:k_of_n} cases.", "2.1.2": "{oops}"},
            versions={},
        )
    assert list(caught.value.message_dict) == ["kq_2.1.2"]
    assert not KeyQuestionNarrative.objects.exists()
    services.standard_narrative_save(
        inspection=inspection,
        user=None,
        standard=standard,
        text="Fine.",
        key_question_texts={"2.1.1": "{kq:2.1.1:k_of_n} cases.", "2.1.2": ""},
        versions={},
    )
    assert KeyQuestionNarrative.objects.get(key_question__code="2.1.1").text == "{kq:2.1.1:k_of_n} cases."


def test_the_demo_content_imports_and_a_bad_document_writes_nothing(inspection):
    for reference in ("CH-C04", "CH-C09", "CH-C12", "CH-C34"):
        CaseFactory(inspection=inspection, reference=reference, case_manager="")
    for reference in ("CH-O03", "CH-O07"):
        CaseFactory(
            inspection=inspection,
            reference=reference,
            category="out_of_court",
            disposal_type="youth_caution",
            case_manager="",
        )
    data = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))
    broken = {
        **data,
        "inspection_details": {"fieldwork": [["2021-07-12", "2021-07-32"]]},
        "domains": {"1": {"summary": "", "sumary": "typo"}},
        "key_questions": {**data["key_questions"], "2.1.1": "{kq:2.1.1:nonsense}"},
        "facts": {"nothing": {"value": "x"}},
    }
    with pytest.raises(ValidationError) as caught:
        services.report_content_import(inspection=inspection, data=broken)
    assert any(m.startswith("key_questions.2.1.1:") for m in caught.value.messages)
    assert any(m.startswith("facts.nothing:") for m in caught.value.messages)
    assert (
        "inspection_details.fieldwork[0][1]: '2021-07-32' is not a date written YYYY-MM-DD."
        in caught.value.messages
    )
    assert any(m.startswith("domains.1.sumary:") for m in caught.value.messages)
    assert not Report.objects.exists()

    report = services.report_content_import(inspection=inspection, data=data)
    assert report.isbn == "978-1-914478-34-5"
    assert Addressee.objects.filter(report=report).count() == 3
    assert Recommendation.objects.filter(report=report).count() == 6
    assert CaseExample.objects.filter(report=report).count() == 5
    assert FactSource.objects.filter(report=report).count() == 5
    inspection.refresh_from_db()
    assert inspection.is_joint and inspection.second_period_start.isoformat() == "2021-07-26"
    assert not inspection.cases.get(reference="CH-C34").case_manager_interviewed
    assert inspection.cases.get(reference="CH-C04").case_manager_interviewed


def test_a_render_is_made_stored_with_its_sha256_and_not_made_twice(inspection):
    render = services.render_request(inspection=inspection, user=inspection.lead_inspector)
    assert (render.number, render.status) == (1, RenderStatus.QUEUED)
    made = services.render_run(render_id=render.pk, make=lambda r: ({"is_draft": True}, b"%PDF-fake"))
    assert made.status == RenderStatus.READY
    assert made.sha256 == hashlib.sha256(b"%PDF-fake").hexdigest()
    assert made.file.read() == b"%PDF-fake" and made.is_draft and made.attempts == 1
    assert services.render_run(render_id=render.pk, make=lambda r: pytest.fail("made twice")) is None
    assert services.render_request(inspection=inspection, user=None).number == 2


def test_a_failed_render_records_why_and_can_be_tried_again(inspection):
    render = services.render_request(inspection=inspection, user=None)

    def broken(r):
        raise RuntimeError("the fonts are missing")

    failed = services.render_run(render_id=render.pk, make=broken)
    assert failed.status == RenderStatus.FAILED
    assert failed.failure_reason == "The file could not be made: the fonts are missing"
    retried = services.render_retry(render=failed, user=None)
    assert (retried.status, retried.attempts, retried.failure_reason) == (RenderStatus.QUEUED, 0, "")
    with pytest.raises(ValidationError):
        services.render_retry(render=retried, user=None)


def test_a_final_pdf_is_stored_under_its_final_name(inspection, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # an empty store: a file left by an earlier run would take the name
    render = services.render_request(inspection=inspection, user=None)
    made = services.render_run(render_id=render.pk, make=lambda r: ({"is_draft": False}, b"%PDF-final"))
    assert made.file.name == f"reports/{inspection.reference}/{made.filename}"
    assert not made.file.name.endswith("-draft.pdf") and made.filename.endswith("-v1.pdf")


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "the server's disk is full"),
        (errno.EDQUOT, "the server's storage quota is used up"),
        (errno.EROFS, "the server's file store is read-only"),
        (errno.EACCES, "the server is not allowed to write to its file store"),
        (errno.ENOTDIR, "the server's file store folder is missing or is not a folder"),
        (errno.EIO, f"the server could not write it ({os.strerror(errno.EIO)})"),
    ],
)
def test_a_file_that_cannot_be_saved_says_why_in_words(code, words):
    reason = services.store_failure_reason(OSError(code, os.strerror(code)))
    assert reason == (
        f"The file was made but could not be saved: {words}. Nothing else has been lost. "
        "Tell the service's support team, then try again."
    )


def test_a_render_whose_worker_died_is_queued_again_then_failed_after_the_last_attempt(inspection):
    from django.utils import timezone

    render = services.render_request(inspection=inspection, user=None)
    Render.objects.filter(pk=render.pk).update(status=RenderStatus.RENDERING, attempts=1)
    later = timezone.now() + services.RENDER_STALE_AFTER + timezone.timedelta(seconds=1)
    assert services.renders_sweep_stale(now=later) == [render.pk]
    assert Render.objects.get(pk=render.pk).status == RenderStatus.QUEUED
    assert services.renders_sweep_stale() == []  # fresh again
    Render.objects.filter(pk=render.pk).update(
        status=RenderStatus.RENDERING, attempts=services.RENDER_MAX_ATTEMPTS
    )
    assert services.renders_sweep_stale(now=later) == []
    render.refresh_from_db()
    assert render.status == RenderStatus.FAILED and "worker stopped" in render.failure_reason


def test_a_fresh_render_claimed_by_another_worker_is_left_alone(inspection):
    render = services.render_request(inspection=inspection, user=None)
    Render.objects.filter(pk=render.pk).update(status=RenderStatus.RENDERING, attempts=1, task_id="task-1")
    assert (
        services.render_run(render_id=render.pk, make=lambda r: pytest.fail("taken twice"), task_id="task-2")
        is None
    )


def test_the_same_task_delivered_again_takes_its_render_over(inspection):
    render = services.render_request(inspection=inspection, user=None)
    Render.objects.filter(pk=render.pk).update(status=RenderStatus.RENDERING, attempts=1, task_id="task-1")
    assert (
        services.render_run(render_id=render.pk, make=lambda r: pytest.fail("not its task"), task_id="task-2")
        is None
    )
    made = services.render_run(render_id=render.pk, make=lambda r: ({}, b"%PDF"), task_id="task-1")
    assert (made.status, made.attempts) == (RenderStatus.READY, 2)


def test_the_demo_report_is_written_once_for_the_demo_inspection(framework):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_demo_report", stdout=out)
    assert "There is no demo inspection CHESHIRE-2021" in out.getvalue()
    inspection = InspectionFactory(reference="CHESHIRE-2021")
    for reference in ("CH-C04", "CH-C09", "CH-C12", "CH-C34", "CH-O03", "CH-O07"):
        CaseFactory(inspection=inspection, reference=reference, case_manager="")
    call_command("load_demo_report", stdout=out)
    assert Report.objects.get(inspection=inspection).signatory_name == "Justin Russell"
    call_command("load_demo_report", stdout=out)
    assert "has a report already" in out.getvalue()


def test_replacing_an_inspection_that_has_a_report_is_refused_in_words(framework):
    from ratings.demo import DEMO_FILE
    from ratings.services import inspection_import

    from .helpers import cheshire_demo

    inspection = cheshire_demo()
    cases = inspection.cases.count()
    with pytest.raises(ValidationError) as refused:
        inspection_import(document=json.loads(DEMO_FILE.read_text(encoding="utf-8")), replace=True)
    (message,) = refused.value.messages
    assert message.startswith("$.inspection.reference: CHESHIRE-2021 cannot be replaced while it has ")
    assert "that depend on it." in message
    assert inspection.cases.count() == cases

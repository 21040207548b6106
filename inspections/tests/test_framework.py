import copy
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command

from inspections.factories import InspectionFactory
from inspections.models import Domain, FrameworkInUseError, KeyQuestion, Prompt, Standard
from inspections.selectors import framework_structure
from inspections.services import DEFAULT_FRAMEWORK_FILE, framework_load, framework_load_file

pytestmark = pytest.mark.django_db


def source() -> dict:
    return yaml.safe_load(Path(DEFAULT_FRAMEWORK_FILE).read_text(encoding="utf-8"))


def test_framework_has_three_domains_twelve_standards_37_key_questions_and_94_prompts(framework):
    assert framework.code == "youth-2021"
    assert Domain.objects.filter(framework=framework).count() == 3
    assert Standard.objects.filter(domain__framework=framework).count() == 12
    assert KeyQuestion.objects.filter(standard__domain__framework=framework).count() == 37
    assert (
        KeyQuestion.objects.filter(standard__domain__framework=framework, standard__domain__code="1").count()
        == 14
    )
    assert Prompt.objects.filter(key_question__standard__domain__framework=framework).count() == 94


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("2.2.3", "Does planning focus sufficiently on keeping other people safe?"),
        ("3.4.2", "Does the YOT work effectively with the police in implementing the out-of-court disposal?"),
        (
            "1.1.1",
            "Is there a clear local vision and strategy for the delivery of a high-quality, personalised and "
            "responsive service for all children?",
        ),
    ],
)
def test_key_question_wording_is_exact(framework, code, text):
    assert KeyQuestion.objects.get(standard__domain__framework=framework, code=code).text == text


def test_prompt_wording_applicability_and_statements_are_exact(framework):
    prompt = Prompt.objects.get(code="2.1.1.f")
    assert prompt.text == (
        "Does assessment give sufficient attention to the needs and wishes of the victim/s, and opportunities "
        "for restorative justice?"
    )
    assert prompt.relevant_cases_only
    assert not Prompt.objects.get(code="2.1.1.a").relevant_cases_only
    assert KeyQuestion.objects.get(code="3.4.2").applicability == ["ycc_only"]
    assert KeyQuestion.objects.get(code="2.4.2").applicability == ["child_safety_subsample", "review_needed"]
    # The published report prints 3.2's statement wrongly; the framework has the planning statement.
    assert Standard.objects.get(code="3.2").statement.startswith("Planning is well-informed")
    assert Standard.objects.get(code="1.2").title == "Staff"


def test_loading_is_idempotent(framework):
    before = framework_structure(framework)
    again, outcome = framework_load_file()
    assert (again.pk, outcome) == (framework.pk, "unchanged")
    assert framework_structure(again) == before
    assert Prompt.objects.count() == 94


def test_a_framework_not_in_use_is_updated_in_place(framework):
    changed = source()
    changed["domains"][1]["standards"][0]["title"] = "Assessment (revised)"
    _again, outcome = framework_load(source=changed)
    assert outcome == "updated"
    assert Standard.objects.get(code="2.1").title == "Assessment (revised)"
    assert KeyQuestion.objects.count() == 37


def test_a_framework_in_use_is_never_changed(framework):
    InspectionFactory(framework=framework)
    changed = copy.deepcopy(source())
    changed["domains"][1]["standards"][0]["key_questions"][0]["text"] = "Changed?"
    with pytest.raises(FrameworkInUseError, match="used by an inspection and cannot be changed"):
        framework_load(source=changed)
    assert KeyQuestion.objects.get(code="2.1.1").text.startswith("Does assessment sufficiently analyse")
    kq = KeyQuestion.objects.get(code="2.1.1")
    kq.text = "Edited directly"
    with pytest.raises(FrameworkInUseError):
        kq.save()
    with pytest.raises(FrameworkInUseError):
        Prompt.objects.get(code="2.1.1.a").delete()
    # Loading the same content again is still fine.
    assert framework_load_file()[1] == "unchanged"


def test_admin_shows_a_framework_in_use_read_only(client, administrator, framework):
    InspectionFactory(framework=framework)
    client.force_login(administrator)
    kq = KeyQuestion.objects.get(code="2.1.1")
    response = client.post(f"/admin/inspections/keyquestion/{kq.pk}/change/", {"text": "Edited in the admin"})
    kq.refresh_from_db()
    assert kq.text != "Edited in the admin"
    assert response.status_code in (200, 403)
    page = client.get(f"/admin/inspections/keyquestion/{kq.pk}/change/")
    assert b'name="text"' not in page.content


def test_a_malformed_framework_file_is_refused_with_every_problem_and_nothing_written(db, tmp_path):
    bad = source()
    bad["domains"][1]["standards"][0]["key_questions"][0]["applicability"] = ["some_cases"]
    bad["domains"][1]["standards"][0]["key_questions"][1]["prompts"][0]["id"] = "9.9.9.z"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        framework_load_file(path=path)
    messages = " ".join(error.value.messages)
    assert "unknown applicability rule 'some_cases'" in messages
    assert "prompt 9.9.9.z does not belong to key question 2.1.2" in messages
    assert Domain.objects.count() == 0


def test_load_framework_command_reports_the_outcome(db, capsys):
    call_command("load_framework")
    call_command("load_framework")
    assert capsys.readouterr().out.splitlines() == [
        "Framework youth-2021: created.",
        "Framework youth-2021: unchanged.",
    ]

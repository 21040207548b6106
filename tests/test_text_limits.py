"""Issue 13 item 11: every free-text field has a limit that fits its use, enforced by forms, by the autosave
endpoint, on every save and by a database CHECK constraint; a request body limit that matches."""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse

from accounts.text import BoundedTextField

pytestmark = pytest.mark.django_db

PROJECT_APPS = {
    "accounts",
    "audit",
    "inspections",
    "cases",
    "sampling",
    "alerts",
    "fieldwork",
    "ratings",
    "reports",
}
# Text that no person types into the service: the framework (loaded from its YAML file, immutable once used),
# a render's failure (our own words) and the population import's reasons (our own words).
NOT_FREE_TEXT = {
    ("inspections", "frameworkversion", "note"),
    ("inspections", "standard", "statement"),
    ("inspections", "standard", "text"),
    ("inspections", "keyquestion", "text"),
    ("inspections", "prompt", "text"),
    ("reports", "render", "failure_reason"),
    ("sampling", "populationcase", "excluded_reason"),
}


def project_models():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            yield model


def test_every_free_text_field_has_a_limit():
    unbounded = []
    for model in project_models():
        for field in model._meta.concrete_fields:
            key = (model._meta.app_label, model._meta.model_name.removesuffix("event"), field.name)
            bounded = isinstance(field, BoundedTextField) or field.name.startswith("pgh_")  # history's own
            if isinstance(field, models.TextField) and not bounded and key not in NOT_FREE_TEXT:
                unbounded.append(".".join(key))
    assert unbounded == [], unbounded


def test_every_limit_is_a_check_constraint_in_the_database():
    missing = []
    with connection.cursor() as cursor:
        for model in project_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, BoundedTextField):
                    continue
                cursor.execute(
                    "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
                    "WHERE c.contype = 'c' AND c.conrelid = %s::regclass",
                    [model._meta.db_table],
                )
                definitions = " ".join(row[0] for row in cursor.fetchall())
                if f"length({field.column}) <= {field.max_length}" not in definitions.replace('"', ""):
                    missing.append(f"{model._meta.db_table}.{field.column}")
    assert missing == []


@pytest.fixture
def case(framework, make_user):
    from cases.factories import CaseFactory
    from inspections.factories import InspectionFactory, TeamMembershipFactory

    inspection = InspectionFactory()
    inspector = make_user("inspector")
    TeamMembershipFactory(inspection=inspection, user=inspector)
    return CaseFactory(inspection=inspection, inspector=inspector)


def test_the_database_refuses_a_longer_text_even_from_sql(case):
    from cases.models import Case

    limit = Case._meta.get_field("notes").max_length
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET notes = %s WHERE id = %s", ["x" * (limit + 1), case.pk])


def test_a_save_refuses_a_longer_text_in_words(case):
    from django.core.exceptions import ValidationError

    case.notes = "x" * 5001
    with pytest.raises(ValidationError, match="5,000 characters or fewer: it has 5,001"):
        case.save()


def test_the_request_body_limit_matches():
    # The longest page of text (the report's details) at its limits, written in three-byte characters and
    # percent-encoded, fits; megabytes do not.
    assert 512 * 1024 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024


def test_a_body_over_the_limit_is_refused_in_words_not_a_500(client, case):
    client.force_login(case.inspector)
    body = "notes=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = client.post(
        reverse("cases:facts", kwargs={"reference": case.inspection.reference, "case_id": case.pk}),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    case.refresh_from_db()
    assert case.notes == ""


def test_the_autosave_refuses_a_long_rationale_in_words_and_writes_nothing(client, case):
    from cases.models import KeyQuestionAnswer

    client.force_login(case.inspector)
    url = reverse("cases:autosave", kwargs={"reference": case.inspection.reference, "case_id": case.pk})
    change = {"kind": "key_question", "code": "2.1.1", "version": 0, "fields": {"rationale": "x" * 5001}}
    response = client.post(url, json.dumps(change), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid",
        "message": "This must be 5,000 characters or fewer: it has 5,001",
    }
    assert not KeyQuestionAnswer.objects.filter(case=case).exclude(rationale="").exists()


def test_the_autosave_refuses_a_body_of_megabytes_in_json(client, case):
    client.force_login(case.inspector)
    url = reverse("cases:autosave", kwargs={"reference": case.inspection.reference, "case_id": case.pk})
    change = {"kind": "facts", "version": 1, "fields": {"notes": "x" * (3 * 1024 * 1024)}}
    response = client.post(url, json.dumps(change), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "too long" in response.json()["message"]


def test_the_facts_page_says_the_limit_and_refuses_a_longer_note(client, case):
    client.force_login(case.inspector)
    url = reverse("cases:facts", kwargs={"reference": case.inspection.reference, "case_id": case.pk})
    page = client.get(url).content.decode()
    assert 'class="govuk-character-count" data-module="govuk-character-count" data-maxlength="5000"' in page
    assert "You can enter up to 5000 characters" in " ".join(page.split())
    response = client.post(url, {"version": case.version, "notes": "x" * 5001})
    assert response.status_code == 200
    assert "5,000 characters or fewer" in response.content.decode()
    case.refresh_from_db()
    assert case.notes == ""


@pytest.mark.parametrize(
    ("form_path", "field"),
    [
        ("alerts.forms.AlertRaiseForm", "findings"),
        ("alerts.forms.AlertRaiseForm", "action_requested"),
        ("alerts.forms.AlertResolveForm", "service_action"),
        ("fieldwork.forms.MeetingForm", "notes"),
        ("fieldwork.forms.FindingForm", "finding"),
        ("fieldwork.forms.ReferralForm", "question"),
        ("cases.forms.ReviewForm", "reason"),
        ("ratings.forms.EvidenceNoteForm", "note"),
        ("reports.forms.ReportDetailsForm", "background"),
        ("sampling.forms.SizeOverrideForm", "reason"),
    ],
)
def test_plain_forms_limit_their_text(form_path, field):
    from django.core.exceptions import ValidationError

    module, name = form_path.rsplit(".", 1)
    form_class = getattr(__import__(module, fromlist=[name]), name)
    with pytest.raises(ValidationError, match="characters or fewer"):
        form_class.base_fields[field].clean("x" * 20_001)

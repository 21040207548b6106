"""The inspection's stage (inspections/stage.py): the rule over its facts, and the stage from real data on
the home page and the inspection page."""

import pytest
from django.urls import reverse

from cases.factories import CaseFactory
from cases.models import CaseStatus
from inspections.stage import stage_for, stage_of

EXAMPLES = [
    ({}, "setting_up"),
    ({"population": True}, "sampling"),
    ({"population": True, "cases": 3, "allocated": 2}, "sampling"),
    ({"cases": 3, "allocated": 3}, "fieldwork"),
    ({"cases": 3, "allocated": 3, "submitted": 2, "approved": 1}, "fieldwork"),
    ({"cases": 3, "allocated": 3, "submitted": 3, "approved": 1}, "quality_assurance"),
    ({"cases": 3, "allocated": 3, "submitted": 3, "approved": 3}, "ratings"),
    ({"cases": 3, "allocated": 3, "submitted": 3, "approved": 3, "signed_off": True}, "reporting"),
    ({"cases": 3, "approved": 3, "signed_off": True, "published": True}, "published"),
    ({"published": True}, "published"),
]


@pytest.mark.parametrize(("facts", "stage"), EXAMPLES)
def test_the_stage_follows_from_the_facts(facts, stage):
    assert stage_of(facts) == stage


@pytest.mark.django_db
def test_the_stage_is_derived_from_the_cases_and_shown_on_the_home_and_inspection_pages(client, framework):
    from inspections.factories import InspectionFactory

    inspection = InspectionFactory()
    assert stage_for(inspection).code == "setting_up"
    lead = inspection.lead_inspector
    first = CaseFactory(inspection=inspection, inspector=lead, status=CaseStatus.SUBMITTED)
    second = CaseFactory(inspection=inspection, inspector=None)
    assert stage_for(inspection).code == "sampling"
    second.inspector = lead
    second.save()
    assert stage_for(inspection).code == "fieldwork"
    second.status = CaseStatus.APPROVED
    second.save()
    assert stage_for(inspection).code == "quality_assurance"
    first.status = CaseStatus.APPROVED
    first.save()
    assert stage_for(inspection).code == "ratings"
    client.force_login(lead)
    home = client.get(reverse("home")).content.decode()
    assert ">Ratings</strong>" in home
    page = client.get(
        reverse("inspections:detail", kwargs={"reference": inspection.reference})
    ).content.decode()
    assert ">Ratings</strong>" in page
    assert "Stage 5 of 7" in page

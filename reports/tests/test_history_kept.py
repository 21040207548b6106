"""Issue 13, item 6: every text of the report keeps its history (who wrote what, when), append-only."""

import pytest
from django.db import DatabaseError, transaction

from inspections.factories import InspectionFactory
from reports.models import ReportEvent
from reports.services import report_save

pytestmark = pytest.mark.django_db


def test_the_reports_text_changes_are_kept(framework):
    inspection = InspectionFactory()
    lead = inspection.lead_inspector
    report = report_save(inspection=inspection, user=lead, version=None, foreword="A first foreword.")
    report_save(inspection=inspection, user=lead, version=report.version, foreword="A better foreword.")
    kept = ReportEvent.objects.filter(pgh_obj_id=report.pk).order_by("pgh_id")
    # The report's row is made empty (version 0) by its first write, then written.
    assert [(e.pgh_label, e.foreword) for e in kept] == [
        ("insert", ""),
        ("update", "A first foreword."),
        ("update", "A better foreword."),
    ]
    assert {e.updated_by_id for e in kept if e.pgh_label == "update"} == {lead.pk}
    with pytest.raises(DatabaseError), transaction.atomic():
        kept.delete()

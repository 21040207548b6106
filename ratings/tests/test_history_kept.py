"""Issue 13, item 6: evidence notes and their removal, proposals, decisions and sign-offs keep their history,
append-only."""

import pytest
from django.db import DatabaseError, transaction

from inspections.factories import InspectionFactory
from ratings.models import EvidenceNote, EvidenceNoteEvent
from ratings.services import evidence_note_add, evidence_note_remove

pytestmark = pytest.mark.django_db


def test_an_evidence_note_and_its_removal_are_kept(framework):
    inspection = InspectionFactory()
    note = evidence_note_add(
        inspection=inspection,
        standard_code="1.1",
        source="documents",
        note="The partnership board minutes, March.",
        key_question_code=None,
        recorded_by=inspection.lead_inspector,
    )
    evidence_note_remove(inspection=inspection, note_id=note.pk)
    assert not EvidenceNote.objects.filter(pk=note.pk).exists()
    kept = EvidenceNoteEvent.objects.filter(pgh_obj_id=note.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.note) for e in kept] == [
        ("insert", "The partnership board minutes, March."),
        ("delete", "The partnership board minutes, March."),
    ]
    with pytest.raises(DatabaseError), transaction.atomic():
        kept.update(note="rewritten")

"""Publication at the floor that owns it: the rule's message, and withdrawal (administrators only, with a
reason that goes to the security event log), which unfreezes the data."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.models import EventKind, SecurityEvent
from inspections.factories import InspectionFactory
from inspections.models import Inspection, InspectionStatus, Publication
from inspections.publication import InspectionPublished, refuse_if_published
from inspections.services import inspection_publish, publication_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(framework):
    inspection = InspectionFactory(status=InspectionStatus.REPORTING)
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        inspection_publish(
            inspection=locked,
            published_by=inspection.lead_inspector,
            signatory_name=" Justin Russell ",
            signatory_title="Chief Inspector of Probation",
        )
    return Inspection.objects.get(pk=inspection.pk)


def test_the_refusal_says_when_the_inspection_was_published(published):
    Inspection.objects.filter(pk=published.pk).update(
        published_at=datetime.datetime(2022, 3, 3, 9, 30, tzinfo=datetime.UTC)
    )
    with pytest.raises(InspectionPublished) as refused:
        refuse_if_published(published)  # reads the row again, as a write does
    assert (
        str(refused.value)
        == "This inspection was published on 3 March 2022. Its data can no longer be changed."
    )
    assert isinstance(refused.value, PermissionDenied)


def test_publishing_records_the_signatory_and_who_published(published):
    publication = Publication.objects.get(inspection=published)
    assert (publication.signatory_name, publication.published_by) == (
        "Justin Russell",
        published.lead_inspector,
    )
    assert (
        published.status == InspectionStatus.PUBLISHED and published.published_at == publication.published_at
    )


def test_an_administrator_withdraws_with_a_reason_which_is_logged_and_unfreezes(published, administrator):
    publication = publication_withdraw(
        inspection=published, withdrawn_by=administrator, reason=" The ISBN was wrong. "
    )
    assert (publication.withdrawn_by, publication.withdrawal_reason) == (administrator, "The ISBN was wrong.")
    assert publication.withdrawn_at is not None
    inspection = Inspection.objects.get(pk=published.pk)
    assert inspection.published_at is None and inspection.status == InspectionStatus.REPORTING
    refuse_if_published(inspection)  # writes are allowed again
    event = SecurityEvent.objects.get(kind=EventKind.PUBLICATION_WITHDRAWN)
    assert event.user == administrator and event.object_id == str(inspection.pk)
    assert "The ISBN was wrong." in event.detail


def test_a_withdrawal_without_a_reason_is_refused_and_changes_nothing(published, administrator):
    with pytest.raises(ValidationError) as refused:
        publication_withdraw(inspection=published, withdrawn_by=administrator, reason="  ")
    assert refused.value.message_dict == {"reason": ["Say why the publication is being withdrawn."]}
    assert Inspection.objects.get(pk=published.pk).is_published
    assert Publication.objects.get(inspection=published).withdrawn_at is None
    assert not SecurityEvent.objects.filter(kind=EventKind.PUBLICATION_WITHDRAWN).exists()


def test_only_an_administrator_withdraws(published):
    with pytest.raises(PermissionDenied, match="Only an administrator"):
        publication_withdraw(inspection=published, withdrawn_by=published.lead_inspector, reason="Wrong.")
    assert Inspection.objects.get(pk=published.pk).is_published


def test_an_inspection_that_is_not_published_has_nothing_to_withdraw(framework, administrator):
    inspection = InspectionFactory()
    with pytest.raises(ValidationError, match="is not published, so there is nothing to withdraw"):
        publication_withdraw(inspection=inspection, withdrawn_by=administrator, reason="Wrong.")


def test_a_withdrawn_inspection_can_be_published_again(published, administrator):
    publication_withdraw(inspection=published, withdrawn_by=administrator, reason="Wrong date.")
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=published.pk)
        inspection_publish(inspection=locked, published_by=published.lead_inspector, signatory_name="J R")
    assert Publication.objects.filter(inspection=published).count() == 2
    assert Publication.objects.filter(inspection=published, withdrawn_at__isnull=True).count() == 1

"""Once its inspection is published, the sample cannot change: every sampling write is refused, with the
message, and writes nothing."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import Inspection, TeamRole
from inspections.publication import InspectionPublished
from inspections.services import inspection_publish
from sampling.factories import as_csv, population_rows
from sampling.models import CaseSwap, Draw, Population, PopulationCase, SampleSettings, SizeOverride
from sampling.selectors import allocation_version
from sampling.services import (
    case_swap,
    cases_allocate,
    population_import,
    sample_draw,
    sample_settings_save,
    sample_size_override,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(framework, make_user):
    inspection = InspectionFactory(
        fieldwork_start=datetime.date(2021, 7, 12), fieldwork_end=datetime.date(2021, 7, 16)
    )
    rows = population_rows(inspection.fieldwork_start, court=60, out_of_court=40)
    population_import(inspection=inspection, file_name="cases.csv", content=as_csv(rows), by=None)
    sample_draw(inspection=inspection, seed=21)
    inspector = make_user("inspector")
    TeamMembershipFactory(inspection=inspection, user=inspector, role=TeamRole.INSPECTOR)
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        inspection_publish(inspection=locked, published_by=inspection.lead_inspector, signatory_name="A Name")
    return {"inspection": Inspection.objects.get(pk=inspection.pk), "inspector": inspector, "rows": rows}


def state():
    models = (Case, Population, PopulationCase, Draw, SizeOverride, SampleSettings, CaseSwap)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


WRITES = {
    "settings": lambda p: sample_settings_save(
        inspection=p["inspection"], version=0, by=None, case_manager_cap=3
    ),
    "size override": lambda p: sample_size_override(
        inspection=p["inspection"], category="court", size=10, reason="Fewer cases.", by=None
    ),
    "population import": lambda p: population_import(
        inspection=p["inspection"], file_name="cases.csv", content=as_csv(p["rows"]), by=None
    ),
    "draw": lambda p: sample_draw(inspection=p["inspection"], seed=22),
    "swap": lambda p: case_swap(
        inspection=p["inspection"],
        case=Case.objects.filter(inspection=p["inspection"], category="court").first(),
        reserve_reference="anything",
        reason="Moved away.",
        by=None,
    ),
    "allocation": lambda p: cases_allocate(
        inspection=p["inspection"],
        allocation={c.pk: p["inspector"].pk for c in Case.objects.filter(inspection=p["inspection"])},
        version=allocation_version(list(Case.objects.filter(inspection=p["inspection"]).order_by("pk"))),
    ),
}


@pytest.mark.parametrize("kind", WRITES)
def test_every_sampling_write_is_refused_once_published(published, kind):
    before = state()
    with pytest.raises(InspectionPublished) as refused:
        WRITES[kind](published)
    day = f"{timezone.localtime(published['inspection'].published_at):%-d %B %Y}"
    assert str(refused.value) == f"This inspection was published on {day}. Its data can no longer be changed."
    assert state() == before

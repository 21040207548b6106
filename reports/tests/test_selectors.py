"""Reads for the report that count case records."""

import pytest

from cases.factories import CaseFactory, OutOfCourtCaseFactory
from cases.models import CaseStatus
from inspections.factories import InspectionFactory
from reports.selectors import offence_warnings, sample_figures

pytestmark = pytest.mark.django_db


def test_offences_count_the_court_cases_in_the_offence_groups_order_with_the_unrecorded_last(
    framework, django_assert_num_queries
):
    inspection = InspectionFactory()
    for offence in ("robbery", "burglary", "robbery", "", "arson"):
        CaseFactory(inspection=inspection, offence_group=offence, status=CaseStatus.APPROVED)
    CaseFactory(inspection=inspection, offence_group="arson", status=CaseStatus.IN_PROGRESS)
    OutOfCourtCaseFactory(inspection=inspection, offence_group="robbery", status=CaseStatus.APPROVED)
    OutOfCourtCaseFactory(inspection=inspection, status=CaseStatus.APPROVED)
    with django_assert_num_queries(1):
        counted = sample_figures(inspection, statuses=[CaseStatus.APPROVED])
    assert list(counted.offences.items()) == [("Robbery", 2), ("Burglary", 1), ("Arson", 1), ("", 1)]
    assert sample_figures(inspection).offences["Arson"] == 2  # every case, in progress too
    # The lead's warning counts the cases the draft report counts: submitted and approved.
    assert offence_warnings(inspection) == [
        "1 of the 5 inspected court cases has no principal offence recorded: the offence types table prints "
        'it as "Not recorded". The inspector records the offence on the case\'s facts page.'
    ]

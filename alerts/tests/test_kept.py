"""An alert is never lost with its case: replacing the population, drawing the sample again or swapping the
case for a reserve (all allowed while the case is not started) are refused in words, and nothing changes."""

import pytest
from django.core.exceptions import ValidationError

from alerts.factories import AlertFactory
from alerts.models import Alert
from cases.models import Case, CaseStatus
from sampling.factories import as_csv, population_rows
from sampling.selectors import current_draw
from sampling.services import case_swap, population_import, sample_draw

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerted(team):
    """A drawn sample, and an alert on one of its cases that nobody has started."""
    inspection = team["inspection"]
    rows = population_rows(inspection.fieldwork_start, court=60, out_of_court=40)
    population_import(inspection=inspection, file_name="cases.csv", content=as_csv(rows))
    sample_draw(inspection=inspection, seed=1)
    case = Case.objects.filter(inspection=inspection).order_by("pk").first()
    assert case.status == CaseStatus.NOT_STARTED
    return AlertFactory(case=case, raised_by=team["lead"]), rows


def test_the_sample_is_not_drawn_again_over_an_alert(team, alerted):
    alert, _ = alerted
    before = set(Case.objects.values_list("pk", flat=True))
    with pytest.raises(
        ValidationError, match="The sample cannot be drawn again: cases of this sample have alerts"
    ):
        sample_draw(inspection=team["inspection"], seed=2)
    assert set(Case.objects.values_list("pk", flat=True)) == before
    assert Alert.objects.get() == alert


def test_the_population_is_not_replaced_over_an_alert(team, alerted):
    alert, rows = alerted
    with pytest.raises(
        ValidationError, match="The population cannot be replaced: cases of this sample have alerts"
    ):
        population_import(inspection=team["inspection"], file_name="cases.csv", content=as_csv(rows))
    assert Alert.objects.get() == alert


def test_a_case_with_an_alert_is_not_swapped(team, alerted):
    alert, _ = alerted
    reserve = current_draw(team["inspection"]).result[alert.case.category]["reserve"][0]
    with pytest.raises(ValidationError, match=f"Case {alert.case.reference} cannot be swapped"):
        case_swap(
            inspection=team["inspection"],
            case=alert.case,
            reserve_reference=reserve,
            reason="Moved away.",
            by=None,
        )
    assert Case.objects.filter(pk=alert.case_id).exists()
    assert Alert.objects.get() == alert

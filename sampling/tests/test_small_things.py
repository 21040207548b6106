"""Small things that add up (issue 12): a realistic example population file and the age rule in the column
reference; the next step after an import; case references that link to the case; the strata analysis'
summaries and totals; the allocation's counts ready to follow the dropdowns."""

import csv
import datetime
import io
import re

import pytest

from inspections.factories import InspectionFactory
from sampling.tests.test_views import FIELDWORK, drawn, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def sampled(framework):
    return InspectionFactory(fieldwork_start=FIELDWORK, fieldwork_end=FIELDWORK + datetime.timedelta(days=4))


@pytest.fixture
def lead(client, sampled):
    client.force_login(sampled.lead_inspector)
    return client


def _age(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@pytest.mark.parametrize("fieldwork_start", [datetime.date(2026, 10, 5), datetime.date(2022, 2, 28)])
def test_the_example_file_has_children_of_youth_justice_age(client, framework, fieldwork_start):
    inspection = InspectionFactory(fieldwork_start=fieldwork_start, fieldwork_end=fieldwork_start)
    client.force_login(inspection.lead_inspector)
    rows = list(
        csv.DictReader(io.StringIO(client.get(url("population-example", inspection)).content.decode()))
    )
    for row in rows:
        age = _age(
            datetime.date.fromisoformat(row["date_of_birth"]),
            datetime.date.fromisoformat(row["disposal_date"]),
        )
        assert 10 <= age <= 17, row


def test_the_column_reference_states_the_age_rule_in_full(client, framework):
    inspection = InspectionFactory()
    client.force_login(inspection.lead_inspector)
    page = client.get(url("population-columns", inspection)).content.decode()
    assert "younger than 10 on the disposal date" in page
    assert "no upper limit" in page
    assert "aged 10 to 17" in page


def test_after_an_import_the_population_page_offers_the_draw_and_the_sample_links_its_cases(lead, sampled):
    inspection = sampled
    from sampling.factories import as_csv, population_rows
    from sampling.services import population_import

    population_import(
        inspection=inspection, file_name="c.csv", content=as_csv(population_rows(FIELDWORK, 30, 20))
    )
    page = lead.get(url("population", inspection)).content.decode()
    assert f'Next: <a class="govuk-link" href="{url("draw", inspection)}">draw the sample</a>' in page


def test_the_sample_links_its_cases_and_its_analysis_has_summaries_and_totals(lead, sampled):
    inspection = sampled
    drawn(inspection)
    case = inspection.cases.order_by("reference").first()
    page = lead.get(url("sample", inspection)).content.decode()
    assert f'/inspections/{inspection.reference}/cases/{case.pk}/">{case.reference}</a>' in page
    for dimension in ("category", "gender", "rosh", "safety_wellbeing"):
        assert f'id="summary-{dimension}"' in page
    summary = page[page.index('id="summary-category"') :]
    summary = summary[: summary.index("</table>")]
    total = re.search(r"Total</th>(.*?)</tr>", summary, re.S).group(1)
    cells = re.findall(r">([^<]+)</td>", total)
    assert cells[0].strip() == "50"  # the eligible population
    assert cells[1].strip() == "100.0%"
    assert cells[3].strip() == str(inspection.cases.count())
    assert page.index('id="summary-category"') < page.index('id="analysis-court"')


def test_the_allocation_page_marks_its_counts_for_the_script(lead, sampled):
    inspection = sampled
    drawn(inspection)
    page = lead.get(url("allocation", inspection)).content.decode()
    assert "data-allocation-totals" in page
    assert 'data-category="court"' in page
    assert "js/allocation-counts.mjs" in page

"""Issue 13 item 10: contextual-fact figures are parsed as bounded decimals. A figure with a huge exponent is
refused in words before it is ever written out in full (which cost 0.8 s and 220 MB, or a MemoryError)."""

import pytest
from django.urls import reverse

from inspections.factories import InspectionFactory
from reports.models import ContextualFact
from reports.services import parse_figure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("1e100000000", "too large"),
        ("1e999999999999", "too large"),
        ("1E+999999999999999999", "too large"),
        ("1e-100000000", "too many decimal places"),
        ("1000000000000000", "too large"),
        ("0.0000001", "too many decimal places"),
        ("9" * 5000, "too long"),
    ],
)
def test_a_figure_out_of_bounds_is_refused_in_words(raw, words):
    with pytest.raises(ValueError, match=words):
        parse_figure(raw)


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("1,066,647", "1066647"),
        ("40.5%", "40.5"),
        ("£2,801,086", "2801086"),
        ("1e3", "1000"),
        ("0.25", "0.25"),
    ],
)
def test_ordinary_figures_still_read(raw, plain):
    assert parse_figure(raw) == plain


def test_the_fact_page_refuses_a_huge_exponent_in_words_and_saves_nothing(client, framework):
    inspection = InspectionFactory()
    client.force_login(inspection.lead_inspector)
    response = client.post(
        reverse("reports:fact-block", kwargs={"reference": inspection.reference, "block": "population"}),
        {"population": "1e999999999999", "youth_population": "1e100000000"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is too large" in page
    assert not ContextualFact.objects.exists()

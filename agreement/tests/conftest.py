import pytest

from agreement.factories import agreement_team
from cases.models import SecondMarking


@pytest.fixture
def team(framework, make_user):
    """agreement.factories.agreement_team: the inspection, its team by name, and the inspector's case."""
    return agreement_team(make_user)


@pytest.fixture
def case(team):
    return team["case"]


@pytest.fixture
def marking(team, case):
    """The case chosen for second marking, with the QA inspector named second marker."""
    return SecondMarking.objects.create(case=case, marker=team["marker"])

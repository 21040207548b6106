import pytest

from fieldwork.factories import fieldwork_team


@pytest.fixture
def team(framework, make_user):
    """fieldwork.factories.fieldwork_team: the inspection, its team by name, and the inspector's case."""
    return fieldwork_team(make_user)


@pytest.fixture
def case(team):
    return team["case"]

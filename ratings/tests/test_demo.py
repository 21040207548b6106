"""./dev run loads the Cheshire demo inspection into an empty database, with the demo accounts on its team."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from cases.models import Case
from inspections.models import Inspection, TeamRole
from ratings.selectors import inspection_ratings_json

pytestmark = pytest.mark.django_db


def test_the_demo_inspection_is_loaded_once_with_a_team_and_allocated_cases(framework, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
    call_command("create_demo_data")
    call_command("load_demo_inspection")
    assert "Loaded the demo inspection CHESHIRE-2021 (57 cases) with 4 demo accounts on its team." in (
        capsys.readouterr().out
    )
    inspection = Inspection.objects.get()
    roles = dict(inspection.team.values_list("user__email", "role"))
    assert roles == {
        "lead@example.org": TeamRole.LEAD,
        "inspector@example.org": TeamRole.INSPECTOR,
        "inspector2@example.org": TeamRole.INSPECTOR,
        "panel@example.org": TeamRole.PANEL,
    }
    assert inspection.lead_inspector.email == "lead@example.org"
    allocation = dict(
        Case.objects.filter(inspection=inspection).values_list("inspector__email").annotate(n=Count("pk"))
    )
    assert allocation == {"inspector@example.org": 29, "inspector2@example.org": 28}
    assert inspection_ratings_json(inspection)["overall"] == {"score": 26, "max_score": 36, "rating": "good"}

    call_command("load_demo_inspection")
    assert "Inspections exist already: the demo inspection was not loaded." in capsys.readouterr().out
    assert Inspection.objects.count() == 1

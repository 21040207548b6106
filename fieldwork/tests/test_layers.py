"""fieldwork sits above cases and sampling and below ratings, beside alerts: it imports no higher app (nor
alerts), and no lower app (nor alerts) imports it (the case and inspection pages reach it only through their panel hooks)."""

import ast
from pathlib import Path

from django.conf import settings

HIGHER = {"alerts", "ratings", "reports", "bench"}
LOWER = {"audit", "accounts", "inspections", "cases", "sampling", "alerts"}


def imported_apps(app: str) -> dict[str, set[str]]:
    """For each Python file of the app (migrations included), the top-level packages it imports."""
    found = {}
    for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(settings.BASE_DIR))] = names
    return found


def test_fieldwork_imports_no_higher_app():
    assert {
        path: names & HIGHER for path, names in imported_apps("fieldwork").items() if names & HIGHER
    } == {}


def test_no_lower_app_imports_fieldwork():
    for app in LOWER:
        assert {path for path, names in imported_apps(app).items() if "fieldwork" in names} == set(), app

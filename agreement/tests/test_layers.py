"""agreement sits above ratings and below reports: it imports no higher app, and no lower app imports it (the
inspection page reaches it only through its panel hook; the case pages ask cases.blinding, which is case data)."""

from fieldwork.tests.test_layers import imported_apps

HIGHER = {"reports", "bench"}
LOWER = {"audit", "accounts", "inspections", "cases", "sampling", "alerts", "fieldwork", "ratings"}


def test_agreement_imports_no_higher_app():
    assert {
        path: names & HIGHER for path, names in imported_apps("agreement").items() if names & HIGHER
    } == {}


def test_no_lower_app_imports_agreement():
    for app in LOWER:
        assert {path for path, names in imported_apps(app).items() if "agreement" in names} == set(), app

"""The floors of the README's architecture, and no import cycles, checked by import-linter over every app
(the contracts are in .importlinter; `./dev check` runs the same)."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_imports_go_down_the_floors_only_and_make_no_cycle():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-logo", "--no-cache"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_project_app_is_on_a_floor():
    contracts = (Path(settings.BASE_DIR) / ".importlinter").read_text()
    apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (Path(settings.BASE_DIR) / app).is_dir()}
    missing = {app for app in apps if f"\n    {app}\n" not in contracts and f" {app} " not in contracts}
    assert not missing, f"Add {sorted(missing)} to the floors in .importlinter"


def test_the_test_command_runs_every_app_s_tests():
    """`./dev test` runs pytest's testpaths: an app whose tests are not there would never be run."""
    import tomllib

    base = Path(settings.BASE_DIR)
    testpaths = set(
        tomllib.loads((base / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    )
    with_tests = {path.parent.name for path in base.glob("*/tests") if path.is_dir()}
    assert with_tests - testpaths == set()

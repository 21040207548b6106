"""The synthetic Cheshire 2021 demo inspection (see demo_data/README.md) and who is on its team."""

from pathlib import Path

from inspections.models import TeamRole

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "cheshire-2021.json"

# The demo accounts of accounts/management/commands/create_demo_data.py and their roles on the inspection.
DEMO_TEAM = (
    ("lead@example.org", TeamRole.LEAD),
    ("inspector@example.org", TeamRole.INSPECTOR),
    ("inspector2@example.org", TeamRole.INSPECTOR),
    ("panel@example.org", TeamRole.PANEL),
)

"""The demo report: the text of the published Cheshire 2021 report, with tokens where it quotes figures,
for the demo inspection (ratings/demo.py)."""

from pathlib import Path

DEMO_CONTENT = Path(__file__).resolve().parent / "demo_data" / "cheshire-2021-report.json"

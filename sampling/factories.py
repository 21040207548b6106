"""Population files for tests and demonstrations: rows inside the inspection's windows, as CSV or .xlsx."""

import csv
import datetime
import io
import random

from . import rules
from .population_file import COLUMN_NAMES


def population_rows(
    fieldwork_start: datetime.date,
    court: int = 60,
    out_of_court: int = 40,
    managers: int = 8,
    seed: int = 1,
) -> list[dict]:
    """Eligible cases, one child each, with a mix of strata; disposal dates fall inside the windows."""
    rng = random.Random(seed)
    rows = []
    for category, count, months in ((rules.COURT, court, 7), (rules.OUT_OF_COURT, out_of_court, 4)):
        disposal = rules.months_before(fieldwork_start, months)
        for i in range(count):
            prefix = "C" if category == rules.COURT else "O"
            rows.append(
                {
                    "case_reference": f"{prefix}{i + 1:03d}",
                    "child_id": f"K{prefix}{i + 1:04d}",
                    "date_of_birth": disposal.replace(year=disposal.year - 15 - i % 3).isoformat(),
                    "gender": rng.choice(("male", "male", "female")),
                    "ethnicity": rng.choice(("White British", "Mixed", "Asian British", "")),
                    "category": category,
                    "disposal_type": rng.choice(rules.DISPOSAL_TYPES[category][:2]),
                    "disposal_date": (disposal - datetime.timedelta(days=i % 20)).isoformat(),
                    "rosh": rng.choice(("low", "medium", "high")),
                    "safety_wellbeing": rng.choice(("low", "medium", "high")),
                    "case_manager": f"Case Manager {rng.randrange(managers) + 1}",
                }
            )
    return rows


def as_csv(rows: list[dict], columns=COLUMN_NAMES) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(rows: list[dict], columns=COLUMN_NAMES) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

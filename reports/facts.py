"""The contextual facts a report prints, as a catalogue (docs/report.md, part 9).

Each figure is entered once, as a record with its source, and never typed into report text: the tables, the
generated headings ("Of the 83 court disposals") and the narrative's `{fact:...}` tokens all read the record.
This module is plain data and arithmetic, with no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

PER_100K, PERCENT, COUNT, CURRENCY, FTE, NUMBER = "per_100k", "percent", "count", "currency", "fte", "number"


@dataclass(frozen=True)
class Fact:
    key: str
    label: str  # "{service}" and "{period}" are filled in when the report is built
    unit: str
    national: bool = False  # also entered for England and Wales (the "National average" row)


@dataclass(frozen=True)
class FactGroup:
    """A table: its facts are rows (or columns, for the caseload comparisons)."""

    title: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class FactBlock:
    key: str
    title: str
    groups: tuple[FactGroup, ...]
    # Where the block is printed: the "Contextual facts" section, or a chapter-one standard's "key data".
    standard: str | None = None
    # One source for the whole block (a footnote on its heading) or one per fact (a footnote on each row).
    source_per_fact: bool = False

    @property
    def facts(self) -> tuple[Fact, ...]:
        return tuple(fact for group in self.groups for fact in group.facts)


def _group(title: str, *facts: Fact) -> FactGroup:
    return FactGroup(title, facts)


BLOCKS: tuple[FactBlock, ...] = (
    FactBlock(
        "youth_justice",
        "Youth justice information",
        (
            _group(
                "",
                Fact("first_time_entrants", "First-time entrant rate per 100,000 in {service}", PER_100K),
                Fact(
                    "first_time_entrants_national",
                    "First-time entrant rate per 100,000 in England and Wales",
                    PER_100K,
                ),
                Fact("reoffending", "Reoffending rate for {service}", PERCENT),
                Fact("reoffending_national", "Reoffending rate in England and Wales", PERCENT),
            ),
        ),
        source_per_fact=True,
    ),
    FactBlock(
        "population",
        "Population information",
        (
            _group(
                "",
                Fact("population", "Total population in local authority ({period})", COUNT),
                Fact(
                    "youth_population",
                    "Total youth population (10–17 years) in local authority ({period})",
                    COUNT,
                ),
            ),
        ),
    ),
    FactBlock(
        "caseload",
        "Caseload information",
        (
            _group(
                "Age",
                Fact("age_10_14", "10–14", PERCENT, national=True),
                Fact("age_15_17", "15–17", PERCENT, national=True),
            ),
            _group(
                "Race/ethnicity",
                Fact("ethnicity_white", "White", PERCENT, national=True),
                Fact("ethnicity_minority", "Black and minority ethnic", PERCENT, national=True),
                Fact("ethnicity_unknown", "Unknown", PERCENT, national=True),
            ),
            _group(
                "Gender",
                Fact("gender_male", "Male", PERCENT, national=True),
                Fact("gender_female", "Female", PERCENT, national=True),
            ),
        ),
    ),
    FactBlock(
        "additional_caseload",
        "Additional caseload data",
        (
            _group(
                "",
                Fact("caseload_total", "Total current caseload, of which:", COUNT),
                Fact("caseload_court", "Court disposals", COUNT),
                Fact("caseload_out_of_court", "Out-of-court disposals", COUNT),
            ),
            _group(
                "court",
                Fact("caseload_community", "Total current caseload on community sentences", COUNT),
                Fact("caseload_custody", "Total current caseload in custody", COUNT),
                Fact("caseload_licence", "Total current caseload on licence", COUNT),
            ),
            _group(
                "out_of_court",
                Fact("caseload_youth_caution", "Total current caseload with youth caution", COUNT),
                Fact(
                    "caseload_youth_conditional_caution",
                    "Total current caseload with youth conditional caution",
                    COUNT,
                ),
                Fact(
                    "caseload_community_resolution",
                    "Total current caseload: community resolution or other out-of-court disposal",
                    COUNT,
                ),
            ),
        ),
    ),
    FactBlock(
        "education",
        "Education and child protection status of caseload",
        (
            _group(
                "",
                Fact(
                    "looked_after_resident",
                    "Current caseload 'Looked After Children' resident in the {term} area",
                    PERCENT,
                ),
                Fact(
                    "looked_after_outside",
                    "Current caseload 'Looked After Children' placed outside the {term} area",
                    PERCENT,
                ),
                Fact("child_protection_plan", "Current caseload with child protection plan", PERCENT),
                Fact("child_in_need_plan", "Current caseload with child in need plan", PERCENT),
                Fact(
                    "not_in_education",
                    "Current caseload aged 16 and under not in school/pupil referral unit/alternative education",
                    PERCENT,
                ),
                Fact(
                    "alternative_education",
                    "Current caseload aged 16 and under in a pupil referral unit or alternative education",
                    PERCENT,
                ),
                Fact(
                    "not_in_ete",
                    "Current caseload aged 17+ not in education, training or employment",
                    PERCENT,
                ),
            ),
        ),
    ),
    FactBlock(
        "budget",
        "Key data",
        (
            _group(
                "",
                Fact("budget", "Total projected budget for the current financial year", CURRENCY),
                Fact("budget_yjb_grant", "Of which, Youth Justice Board Good Practice Grant", CURRENCY),
            ),
        ),
        standard="1.1",
    ),
    FactBlock(
        "staffing",
        "Key staffing data",
        (
            _group(
                "",
                Fact("staff_headcount", "Total staff headcount (full-time equivalent)", FTE),
                Fact(
                    "qualified_case_managers",
                    "Total headcount qualified case managers (full-time equivalent)",
                    FTE,
                ),
                Fact(
                    "other_case_managers", "Total headcount other case managers (full-time equivalent)", FTE
                ),
                Fact(
                    "vacancy_rate",
                    "Vacancy rate (total unfilled posts as percentage of total staff headcount)",
                    PERCENT,
                ),
                Fact(
                    "case_manager_vacancy_rate",
                    "Vacancy rate: case managers only (total unfilled case manager posts as percentage of "
                    "total case manager headcount)",
                    PERCENT,
                ),
                Fact("average_caseload", "Average caseload per case manager (full-time equivalent)", NUMBER),
                Fact("sickness_days", "Average annual sickness days (all staff)", NUMBER),
                Fact(
                    "staff_attrition",
                    "Staff attrition (percentage of all staff leaving in 12-month period)",
                    PERCENT,
                ),
            ),
        ),
        standard="1.2",
    ),
    FactBlock(
        "caseload_characteristics",
        "Caseload characteristics",
        (
            _group(
                "",
                Fact("mental_health", "Percentage of current caseload with mental health issues", PERCENT),
                Fact(
                    "substance_misuse", "Percentage of current caseload with substance misuse issues", PERCENT
                ),
                Fact(
                    "education_health_care_plan",
                    "Percentage of current caseload with an education, health and care plan",
                    PERCENT,
                ),
            ),
        ),
        standard="1.3",
    ),
)

BLOCKS_BY_KEY: dict[str, FactBlock] = {block.key: block for block in BLOCKS}
FACTS: dict[str, Fact] = {fact.key: fact for block in BLOCKS for fact in block.facts}
BLOCK_OF_FACT: dict[str, str] = {fact.key: block.key for block in BLOCKS for fact in block.facts}

# The additional caseload figures whose parts should add up to their whole. A mismatch is a warning, not an
# error: a child on licence may also be counted in custody, and the service's figures are printed as given.
SUBTOTALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("caseload_total", ("caseload_court", "caseload_out_of_court")),
    ("caseload_court", ("caseload_community", "caseload_custody", "caseload_licence")),
    (
        "caseload_out_of_court",
        ("caseload_youth_caution", "caseload_youth_conditional_caution", "caseload_community_resolution"),
    ),
)


# The offence-types table of the inspected court cases (docs/report.md, part 9): computed from the offence
# each inspector records on the case facts page, never entered here.
OFFENCES_HEADING = "For children in the inspected cases subject to court disposals"
OFFENCES_TITLE = "Offence types"
OFFENCES_NOTE = "Data from the cases assessed during this inspection."
ROUNDING_NOTE = "Figures do not add up to 100 due to rounding."
NOT_RECORDED = "Not recorded"


def offence_warnings(offences: Mapping[str, int]) -> list[str]:
    """The court cases with no principal offence recorded, in words (`offences` as SampleFigures has it)."""
    missing = offences.get("", 0)
    if not missing:
        return []
    total = sum(offences.values())
    one = missing == 1
    return [
        f"{missing} of the {total} inspected court cases {'has' if one else 'have'} no principal offence "
        f'recorded: the offence types table prints {"it" if one else "them"} as "{NOT_RECORDED}". '
        "The inspector records the offence on the case's facts page."
    ]


def subtotal_warnings(values: Mapping[str, Decimal | None]) -> list[str]:
    """Every entered total that its entered parts do not add up to, in words."""
    warnings = []
    for whole_key, part_keys in SUBTOTALS:
        whole = values.get(whole_key)
        parts = [values.get(key) for key in part_keys]
        if whole is None or any(part is None for part in parts):
            continue
        total = sum(parts, Decimal(0))
        if total != whole:
            labels = " + ".join(
                f"{_plain(p)} ({FACTS[k].label.lower()})" for k, p in zip(part_keys, parts, strict=True)
            )
            warnings.append(
                f"{FACTS[whole_key].label.rstrip(':').removesuffix(', of which')} is {_plain(whole)}, "
                f"but its parts add up to {_plain(total)}: {labels}."
            )
    return warnings


def _plain(value: Decimal) -> str:
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"

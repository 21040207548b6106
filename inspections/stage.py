"""An inspection's stage, derived from its data and never set by hand: setting up → sampling → fieldwork →
quality assurance → ratings → reporting → published.

The data live in the apps above this floor (the population in sampling, the cases in cases, the sign-off in
ratings), so each registers a function in its AppConfig.ready() that gives, for a list of inspection ids,
the facts it knows (`register_stage_facts`); this floor never imports them. `stage_of` is the rule, plain
Python over those facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

STAGES = (
    ("setting_up", "Setting up"),
    ("sampling", "Sampling"),
    ("fieldwork", "Fieldwork"),
    ("quality_assurance", "Quality assurance"),
    ("ratings", "Ratings"),
    ("reporting", "Reporting"),
    ("published", "Published"),
)
STAGE_NAMES = dict(STAGES)
STAGE_HINTS = {
    "setting_up": "Next: import the eligible population",
    "sampling": "Next: draw the sample and allocate every case",
    "fieldwork": "Cases are being assessed",
    "quality_assurance": "Every case is submitted; quality assurance is under way",
    "ratings": "Every case is approved; the ratings panel decides the ratings",
    "reporting": "The ratings are signed off; the report is being written",
    "published": "The report is published",
}


@dataclass(frozen=True)
class Stage:
    code: str

    @property
    def name(self) -> str:
        return STAGE_NAMES[self.code]

    @property
    def hint(self) -> str:
        return STAGE_HINTS[self.code]

    @property
    def number(self) -> int:
        return [code for code, _ in STAGES].index(self.code) + 1

    def __str__(self) -> str:
        return self.name


def stage_of(facts: dict) -> str:
    """The stage from the facts (missing facts count as none): `published`, `signed_off`, `population`
    (an eligible population imported), `cases`, `allocated` (cases with an inspector), `submitted`
    (submitted or approved) and `approved`, each a count or a flag."""
    cases = facts.get("cases", 0)
    if facts.get("published"):
        return "published"
    if facts.get("signed_off"):
        return "reporting"
    if cases and facts.get("approved", 0) >= cases:
        return "ratings"
    if cases and facts.get("submitted", 0) >= cases:
        return "quality_assurance"
    if cases and facts.get("allocated", 0) >= cases:
        return "fieldwork"
    if cases or facts.get("population"):
        return "sampling"
    return "setting_up"


FactSource = Callable[[list[int]], dict[int, dict]]
_sources: dict[str, FactSource] = {}


def register_stage_facts(name: str, source: FactSource) -> None:
    """Adds a source of stage facts: `source(inspection_ids)` returns {inspection id: {fact: value}}."""
    _sources[name] = source


def stages_for(inspections: Iterable) -> dict[int, Stage]:
    """The stage of each inspection, in one query per registered source whatever their number."""
    inspections = list(inspections)
    ids = [i.pk for i in inspections]
    facts: dict[int, dict] = {i.pk: {"published": i.published_at is not None} for i in inspections}
    if ids:
        for source in _sources.values():
            for pk, found in source(ids).items():
                facts.setdefault(pk, {}).update(found)
    return {pk: Stage(stage_of(f)) for pk, f in facts.items()}


def stage_for(inspection) -> Stage:
    return stages_for([inspection])[inspection.pk]

"""The computed figures a report prints, as plain values: what the report builder needs from the lower
floors (ratings, cases), in one shape, so that the builder itself is plain Python and testable without a
database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class KeyQuestionFigures:
    id: str
    yes: int
    applicable: int
    percent: int | None
    lowest: bool
    discretion: bool = False  # the ratings panel applied discretion here: the percentage carries an asterisk


@dataclass(frozen=True)
class StandardFigures:
    id: str
    rating: str | None  # the final rating (the panel's decision, the confirmed proposal, or the computed one)
    key_questions: tuple[KeyQuestionFigures, ...] = ()
    # Where the panel applied discretion: its rationale, offered as the report's explanation.
    discretion_rationale: str = ""


@dataclass(frozen=True)
class PromptFigures:
    id: str
    yes: int
    applicable: int
    percent: int | None


@dataclass(frozen=True)
class RatingsFigures:
    standards: Mapping[str, StandardFigures]
    prompts: Mapping[str, PromptFigures]
    score: int | None
    max_score: int
    overall_rating: str | None
    missing: tuple[str, ...]  # standards without a rating yet
    signed_off: bool  # the ratings panel has signed off: the report is no longer a draft

    @classmethod
    def with_overall(cls, *, standards, prompts, overall, signed_off: bool) -> RatingsFigures:
        """From the standards' and prompts' figures and the rules' OverallResult."""
        return cls(
            standards, prompts, overall.score, overall.max_score, overall.rating, overall.missing, signed_off
        )


@dataclass(frozen=True)
class SampleFigures:
    """The sampled cases, counted from the case records (never typed)."""

    disposals: Mapping[str, int]  # disposal type -> number of cases
    # category -> case manager interviews held; None: not recorded in any of the category's cases
    interviews: Mapping[str, int | None]
    # (category, sub-sample) -> cases in it, e.g. ("court", "child_safety") -> 30
    subsamples: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # The court cases by principal offence group: its label -> number of cases, in the offence groups' own
    # order; "" -> court cases with no offence recorded.
    offences: Mapping[str, int] = field(default_factory=dict)

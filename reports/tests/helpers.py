"""Shared by the report tests: the published Cheshire figures as the builder's input, and PDF text."""

import io
import json
from pathlib import Path

from ratings import rules
from reports.figures import KeyQuestionFigures, PromptFigures, RatingsFigures, StandardFigures

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "ratings" / "demo_data" / "cheshire-2021-published.json"


def published() -> dict:
    return json.loads(PUBLISHED.read_text(encoding="utf-8"))


def published_ratings(*, signed_off: bool = True) -> RatingsFigures:
    """The figures of the published Cheshire report, as the ratings floor would hand them over."""
    data = published()
    standards = {}
    for s in data["standards"]:
        results = rules.standard_compute(
            s["id"],
            [rules.KeyQuestionCount(k["id"], k["yes"], k["applicable"]) for k in s.get("key_questions", [])],
        )
        standards[s["id"]] = StandardFigures(
            s["id"],
            s["rating"],
            tuple(
                KeyQuestionFigures(k.id, k.yes, k.applicable, k.percent, k.lowest)
                for k in results.key_questions
            ),
        )
    prompts = {
        p["id"]: PromptFigures(p["id"], p["percent_yes"], 100, p["percent_yes"])
        for p in data["annex2_prompts"]
    }
    overall = rules.overall_compute({code: s.rating for code, s in standards.items()})
    return RatingsFigures(
        standards=standards,
        prompts=prompts,
        score=overall.score,
        max_score=overall.max_score,
        overall_rating=overall.rating,
        missing=overall.missing,
        signed_off=signed_off,
    )


def pdf_pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]

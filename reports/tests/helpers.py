"""Shared by the report tests: the published Cheshire figures as the builder's input, and PDF text."""

import io
import json
from pathlib import Path

from ratings import rules
from reports.figures import KeyQuestionFigures, PromptFigures, RatingsFigures, SampleFigures, StandardFigures

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "ratings" / "demo_data" / "cheshire-2021-published.json"


# The published sample: 31 community and three custodial sentences, 23 out-of-court disposals, and the
# case manager interviews the report counts (33 court, 23 out-of-court).
CHESHIRE_SAMPLE = SampleFigures(
    disposals={
        "referral_order": 18,
        "youth_rehabilitation_order": 13,
        "detention_and_training_order": 3,
        "youth_conditional_caution": 2,
        "youth_caution": 2,
        "community_resolution": 18,
        "no_further_action": 1,
    },
    interviews={"court": 33, "out_of_court": 23},
    # The court cases' principal offences, as the published offence types table has them (of 34 cases).
    offences={
        "Violence against the person": 19,
        "Burglary": 3,
        "Fraud and forgery": 1,
        "Arson": 1,
        "Criminal damage": 1,
        "Drug offences": 6,
        "Summary motoring offences": 3,
    },
)
# The published table (report lines 320-336), largest share first: groups with the same share keep the
# offence groups' order, which is the published one.
PUBLISHED_OFFENCE_TYPES = [
    ("Violence against the person", "56%"),
    ("Drug offences", "18%"),
    ("Burglary", "9%"),
    ("Summary motoring offences", "9%"),
    ("Fraud and forgery", "3%"),
    ("Arson", "3%"),
    ("Criminal damage", "3%"),
]
# The cases the demo content's examples and interview list name.
DEMO_CONTENT_CASES = ("CH-C04", "CH-C09", "CH-C12", "CH-C34", "CH-O03", "CH-O07")


def cheshire_with_content():
    """An inspection of Cheshire Youth Justice Service with the demo report's authored content."""
    from cases.factories import CaseFactory
    from inspections.factories import InspectionFactory, ServiceFactory
    from reports.demo import DEMO_CONTENT
    from reports.services import report_content_import

    service = ServiceFactory(name="Cheshire Youth Justice Service", term="YJS")
    inspection = InspectionFactory(reference="CHESHIRE-2021", service=service)
    for n, reference in enumerate(DEMO_CONTENT_CASES):
        out_of_court = reference.startswith("CH-O")
        CaseFactory(
            inspection=inspection,
            reference=reference,
            child_id=f"CHILD-{n:03d}",
            category="out_of_court" if out_of_court else "court",
            disposal_type="youth_caution" if out_of_court else "referral_order",
        )
    report_content_import(inspection=inspection, data=json.loads(DEMO_CONTENT.read_text(encoding="utf-8")))
    return inspection


def cheshire_demo():
    """The Cheshire demo inspection (ratings/demo_data, ratings signed off) with the demo report's text, led
    by a lead inspector with a name."""
    from accounts.factories import UserFactory
    from inspections.models import TeamMembership, TeamRole
    from ratings.demo import DEMO_FILE
    from ratings.services import inspection_import
    from reports.demo import DEMO_CONTENT
    from reports.services import report_content_import

    inspection = inspection_import(document=json.loads(DEMO_FILE.read_text(encoding="utf-8"))).inspection
    inspection.lead_inspector = UserFactory(role="lead_inspector", first_name="Lena", last_name="Lead")
    inspection.save(update_fields=["lead_inspector"])
    TeamMembership.objects.create(inspection=inspection, user=inspection.lead_inspector, role=TeamRole.LEAD)
    report_content_import(inspection=inspection, data=json.loads(DEMO_CONTENT.read_text(encoding="utf-8")))
    return inspection


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
    return RatingsFigures.with_overall(
        standards=standards, prompts=prompts, overall=overall, signed_off=signed_off
    )


def pdf_pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]

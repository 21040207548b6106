"""The report builder, fed the published Cheshire figures: every computed sentence and table."""

import dataclasses
import datetime

import pytest

from inspections.models import Domain
from inspections.selectors import framework_structure
from reports.context import ReportSources, build_snapshot, default_short_name, fieldwork_phrase, with_term
from reports.models import Addressee, Finding, Recommendation, Report
from reports.pdf import report_html

from .helpers import CHESHIRE_SAMPLE, PUBLISHED_OFFENCE_TYPES, published_ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(framework):
    inspection = {
        "reference": "CHESHIRE-2021",
        "service": "Cheshire Youth Justice Service",
        "term": "YJS",
        "is_joint": True,
        "lead_inspector": "Lena Lead",
        "fieldwork": [
            (datetime.date(2021, 7, 12), datetime.date(2021, 7, 16)),
            (datetime.date(2021, 7, 26), datetime.date(2021, 7, 30)),
        ],
        "announcement_date": None,
    }
    return ReportSources(
        inspection=inspection,
        report=Report(meetings_held=52),
        framework=framework_structure(framework),
        ratings=published_ratings(),
        sample=CHESHIRE_SAMPLE,
    )


def chapter(snapshot, code):
    return next(c for c in snapshot["chapters"] if c["id"] == code)


def standard(snapshot, code):
    return next(s for c in snapshot["chapters"] for s in c["standards"] if s["id"] == code)


def test_ratings_table_has_every_standard_the_score_and_the_overall_rating(sources):
    table = build_snapshot(sources)["ratings"]
    assert table["score"] == "26/36"
    assert table["overall_label"] == "Good"
    ratings = {s["id"]: s["label"] for d in table["domains"] for s in d["standards"]}
    assert ratings == {
        "1.1": "Outstanding",
        "1.2": "Good",
        "1.3": "Good",
        "1.4": "Good",
        "2.1": "Good",
        "2.2": "Requires improvement",
        "2.3": "Good",
        "2.4": "Good",
        "3.1": "Good",
        "3.2": "Good",
        "3.3": "Outstanding",
        "3.4": "Outstanding",
    }
    assert [d["title"] for d in table["domains"]] == [
        "1. Organisational delivery",
        "2. Court disposals",
        "3. Out-of-court disposals",
    ]


def test_key_question_table_bolds_every_lowest_value(sources):
    table = standard(build_snapshot(sources), "2.2")["table"]
    assert [(row["percent"], row["lowest"]) for row in table] == [
        ("85%", False),
        ("67%", False),
        ("54%", True),
    ]
    assert standard(build_snapshot(sources), "3.4")["table"][0]["lowest"] is True  # 100% and 100%: a tie
    assert standard(build_snapshot(sources), "3.4")["table"][1]["lowest"] is True


def test_discretion_puts_an_asterisk_and_the_note_under_that_table_only(sources):
    figures = sources.ratings.standards["2.2"]
    marked = tuple(dataclasses.replace(kq, discretion=kq.id == "2.2.3") for kq in figures.key_questions)
    standards = {**sources.ratings.standards, "2.2": dataclasses.replace(figures, key_questions=marked)}
    sources.ratings = dataclasses.replace(sources.ratings, standards=standards)
    snapshot = build_snapshot(sources)
    assert standard(snapshot, "2.2")["table"][2]["percent"] == "54%*"
    assert standard(snapshot, "2.2")["discretion_note"] == "*Professional discretion applied."
    assert standard(snapshot, "2.1")["discretion_note"] == ""
    assert "*" not in str(snapshot["ratings"])


def test_sub_sample_rows_carry_a_footnote_made_from_their_rule_and_count(sources):
    snapshot = build_snapshot(sources)
    rows = {row["id"]: row["note"] for row in standard(snapshot, "3.4")["table"]}
    assert rows["3.4.1"] == ""
    assert (
        rows["3.4.2"]
        == "This question is only relevant in youth conditional caution cases: two cases in this inspection."
    )
    notes = {row["id"]: row["note"] for row in standard(snapshot, "2.4")["table"]}
    assert notes["2.4.2"] == (
        "This question is only relevant in cases where there were factors related to keeping the child safe and "
        "where a review was needed: 23 cases in this inspection."
    )
    annexe = {
        kq["id"]: kq["note"] for d in snapshot["annexe2"] for s in d["standards"] for kq in s["key_questions"]
    }
    assert annexe["3.4.2"] == rows["3.4.2"]


def test_the_sample_paragraph_is_one_text_in_the_summary_and_the_chapter(sources):
    snapshot = build_snapshot(sources)
    court = chapter(snapshot, "2")["sample"]
    assert court == snapshot["summary"]["domains"][1]["sample"]
    assert court.startswith(
        "We took a detailed look at 31 community sentences and three custodial sentences managed by the YJS."
    )
    assert "We also conducted 33 interviews with the relevant case managers." in court
    assert "in the 30 cases where we expected meaningful work" in court
    assert "in the 28 cases where meaningful work was required" in court
    out_of_court = chapter(snapshot, "3")["sample"]
    assert out_of_court == snapshot["summary"]["domains"][2]["sample"]
    assert (
        "These consisted of two youth conditional cautions, two youth cautions, 18 community resolutions and one "
        "case of no further action with an intervention." in out_of_court
    )
    assert "We examined the quality of assessment; planning; and implementation and delivery." in out_of_court
    assert (
        "We examined the quality of assessment; planning; implementation and delivery; and reviewing."
        in court
    )
    assert "For the 12 cases where there were factors related to harm" in out_of_court
    assert "In the 20 cases where safety and wellbeing concerns were identified" in out_of_court
    assert "in the two youth conditional caution cases" in out_of_court


def test_framework_texts_are_verbatim_and_generated_text_uses_the_services_own_term(sources):
    snapshot = build_snapshot(sources)
    # The framework's wording as published ("YOT" included); the service's term only where we write.
    assert standard(snapshot, "3.4")["table"][0]["text"].startswith("Are the YOT&#x27;s recommendations")
    assert standard(snapshot, "3.2")["statement"].startswith("Planning is well-informed")
    assert "overall YJS rating" in snapshot["summary"]["opening"]


def test_recommendations_are_numbered_continuously_with_the_count_in_words(sources):
    report = sources.report
    service = Addressee(report=report, name="The Cheshire Youth Justice Service")
    police = Addressee(report=report, name="Cheshire Constabulary")
    sources.recommendations = [
        (service, [Recommendation(text="work with the police."), Recommendation(text="fund Divert")]),
        (police, [Recommendation(text="clarify the roles;"), Recommendation(text="train seconded staff")]),
        (Addressee(report=report, name="Nobody"), []),
    ]
    recommendations = build_snapshot(sources)["recommendations"]
    assert "we have made four recommendations" in recommendations["lead"]
    assert [g["addressee"] for g in recommendations["groups"]] == [
        "The Cheshire Youth Justice Service should:",
        "Cheshire Constabulary should:",
    ]
    items = [(i["number"], i["html"]) for g in recommendations["groups"] for i in g["items"]]
    assert items == [
        (1, "work with the police"),
        (2, "fund Divert."),
        (3, "clarify the roles"),
        (4, "train seconded staff."),
    ]


def test_findings_are_stored_once_and_printed_in_both_styles(sources):
    court = Domain(code="2", title="Court disposals")
    sources.findings = [
        Finding(domain=court, kind="strength", text="Staff are skilled.", in_summary=True, in_chapter=True),
        Finding(
            domain=court, kind="strength", text="Health care is strong", in_summary=True, in_chapter=False
        ),
        Finding(
            domain=court,
            kind="improvement",
            text="YJS police roles are unclear.",
            keeps_capital=True,
            in_summary=True,
            in_chapter=True,
        ),
    ]
    snapshot = build_snapshot(sources)
    summary = snapshot["summary"]["domains"][1]
    assert summary["findings_lead"] == "Key findings about court disposals are as follows:"
    assert summary["strengths"] == ["staff are skilled", "health care is strong."]
    assert summary["improvements"] == ["YJS police roles are unclear."]
    assert chapter(snapshot, "2")["strengths"] == ["Staff are skilled."]


def test_annexe_one_takes_its_numbers_from_the_data_and_the_configuration(sources):
    annexe = build_snapshot(sources)["annexe1"]
    assert annexe["interviews"].startswith("During the main fieldwork phase, we conducted 56 interviews")
    assert annexe["meetings"].startswith("In total, we conducted 52 meetings")
    assert annexe["court"].startswith(
        "Sixty per cent of the cases selected were those of children who had received court disposals six to nine months earlier"
    )
    assert annexe["out_of_court"].startswith("Forty per cent of cases selected")
    assert "three to five months earlier" in annexe["out_of_court"]
    assert annexe["court_sample"].startswith(
        "We examined 34 court disposals. The sample size was set to achieve a confidence level of 80 per cent (with a margin of error of five)"
    )
    assert annexe["out_of_court_sample"].startswith("We examined 23 out-of-court disposals.")
    assert "sample of 34 court disposals and 23 out-of-court disposals" in annexe["ratings_sample"]
    assert annexe["standards_count"] == "12" and annexe["max_score"] == 36
    assert [b["words"] for b in annexe["bands"]] == [
        "Minority: less than 50% of inspected cases judged sufficient on the key question",
        "Too few: only 50-64% of inspected cases judged to be sufficient",
        "Reasonable majority: 65-79% of cases",
        "Large majority: 80% or more of cases",
    ]
    assert [r["range"] for r in annexe["overall_bands"]] == ["0-6", "7-18", "19-30", "31-36"]


def test_the_executive_summary_opening_reads_its_figures(sources):
    opening = build_snapshot(sources)["summary"]["opening"]
    assert opening.startswith("Overall, Cheshire YJS is rated as: 'Good'.")
    assert "in three areas of its work" in opening and "We inspect against 12 'standards'" in opening
    assert "Adding these scores produces a total score ranging from 0–36" in opening
    assert "between 12 and 16 July 2021, and 26 and 30 July 2021" in opening


def test_an_unrated_standard_leaves_no_overall_rating(sources):
    sources.ratings = dataclasses.replace(sources.ratings, score=None, overall_rating=None, missing=("1.2",))
    snapshot = build_snapshot(sources)
    assert snapshot["ratings"]["score"] == "–"
    assert "not yet available: 1.2 has no rating yet" in snapshot["summary"]["opening"]


@pytest.mark.parametrize(
    ("periods", "phrase"),
    [
        ([(datetime.date(2021, 7, 12), datetime.date(2021, 7, 16))], "between 12 and 16 July 2021"),
        ([(datetime.date(2021, 6, 28), datetime.date(2021, 7, 2))], "between 28 June and 2 July 2021"),
        (
            [(datetime.date(2021, 12, 29), datetime.date(2022, 1, 2))],
            "between 29 December 2021 and 2 January 2022",
        ),
    ],
)
def test_fieldwork_dates_are_as_short_as_they_can_be(periods, phrase):
    assert fieldwork_phrase(periods) == phrase


def test_short_names_and_terms():
    assert default_short_name("Cheshire Youth Justice Service", "YJS") == "Cheshire YJS"
    assert default_short_name("Northshire Youth Offending Team", "YOT") == "Northshire YOT"
    assert default_short_name("Bristol", "YOS") == "Bristol"
    assert (
        with_term("Does the YOT work with the YOT's partners?", "YOS")
        == "Does the YOS work with the YOS's partners?"
    )


def test_the_offence_types_table_has_the_published_rows_largest_first_and_the_rounding_note(sources):
    offences = build_snapshot(sources)["facts"]["offences"]
    assert [(row["label"], row["value"]) for row in offences["rows"]] == PUBLISHED_OFFENCE_TYPES
    assert offences["heading"] == "For children in the inspected cases subject to court disposals"
    # 56 + 18 + 9 + 9 + 3 + 3 + 3 = 101: the heading carries the rounding note, the column its source.
    assert "Figures do not add up to 100 due to rounding." in offences["heading_note"]
    assert offences["title"] == "Offence types"
    assert (
        offences["note"]
        == '<span class="footnote">Data from the cases assessed during this inspection.</span>'
    )
    assert build_snapshot(sources)["facts"]["warnings"] == []


def test_cases_without_an_offence_are_not_recorded_last_and_warned_about(sources):
    sample = dataclasses.replace(CHESHIRE_SAMPLE, offences={"Burglary": 1, "Robbery": 0, "Arson": 2, "": 1})
    facts = build_snapshot(dataclasses.replace(sources, sample=sample))["facts"]
    rows = [(row["label"], row["cases"], row["value"]) for row in facts["offences"]["rows"]]
    assert rows == [("Arson", 2, "50%"), ("Burglary", 1, "25%"), ("Not recorded", 1, "25%")]
    assert facts["offences"]["heading_note"] == ""  # 50 + 25 + 25 = 100
    assert facts["warnings"] == [
        "1 of the 4 inspected court cases has no principal offence recorded: the offence types table prints "
        'it as "Not recorded". The inspector records the offence on the case\'s facts page.'
    ]


def test_no_court_case_no_offence_types_table(sources):
    sample = dataclasses.replace(CHESHIRE_SAMPLE, offences={})
    assert build_snapshot(dataclasses.replace(sources, sample=sample))["facts"]["offences"] is None


def test_a_report_without_service_facts_prints_a_placeholder_and_lists_it(sources):
    snapshot = build_snapshot(sources)
    assert snapshot["facts"]["blocks"] == [] and snapshot["facts"]["offences"]
    placeholder = "[contextual facts not yet entered]"
    assert placeholder in report_html(snapshot, for_pdf=False)
    assert placeholder in report_html(snapshot, for_pdf=True)
    assert {"message": "No contextual facts are entered.", "part": "facts", "ref": ""} in snapshot["missing"]
    assert "Violence against the person" in report_html(snapshot, for_pdf=True)

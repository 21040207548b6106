#!/usr/bin/env python3
"""Build the synthetic CHESHIRE-2021 demo dataset (format ``inspection-data/1``) and check it.

The published Cheshire Youth Justice Service report (December 2021) prints percentages only. This script
invents case-level answers for 34 court and 23 out-of-court cases that reproduce those published figures:

- every case-based key question's yes/applicable fraction exactly as in ``cheshire-2021-published.json``;
- every Annexe 2 prompt percentage wherever the denominators allow it (see the check report and README.md
  for the one that cannot be reproduced, and why). Where a prompt's published percentage cannot come from
  every case of its key question, the prompt is left out of a few cases, as docs/inspection-data-format.md allows for
  imported historical data (a prompt left out is "not answered" and takes no part in its percentage);
- the four domain-one ratings, with short rationales paraphrasing the report.

The cases, children and answers are synthetic. Nothing here describes a real child.

Inputs (read at run time, all beside this script or in the repository):

- ``cheshire-2021-published.json``: a copy of the published figures;
- ``inspections/fixtures/framework-youth-2021.yaml``: the framework (key question and prompt ids and their
  applicability); if that file is missing, the small table ``EMBEDDED_KEY_QUESTIONS`` below is used instead.

Output: ``cheshire-2021.json`` beside this script. Then the script re-reads what it wrote and prints a check
report (key-question fractions, prompt percentages, coherence of every case, standard ratings, overall score).
It exits with status 1 if a hard check fails (a key question off, an incoherent case, a wrong overall score, or a
prompt percentage that was reproducible but is not reproduced).

Standard library only, deterministic (fixed seed, no clock, no hashing of unordered collections).

    python3 ratings/demo_data/build_cheshire.py
"""

import json
import random
import re
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
PUBLISHED_PATH = HERE / "cheshire-2021-published.json"
OUTPUT_PATH = HERE / "cheshire-2021.json"
FRAMEWORK_YAML = REPO_ROOT / "inspections" / "fixtures" / "framework-youth-2021.yaml"

SEED = 20210712

FORMAT = "inspection-data/1"
FRAMEWORK_ID = "youth-2021"
SERVICE = {"name": "Cheshire Youth Justice Service", "term": "YJS"}
INSPECTION = {
    "reference": "CHESHIRE-2021",
    "fieldwork_start": "2021-07-12",
    "fieldwork_end": "2021-07-30",
    "ratings_signed_off": True,
}

# --------------------------------------------------------------------------------------------------------------
# Framework
# --------------------------------------------------------------------------------------------------------------

# Fallback copy of the framework structure (from framework-youth-2021.yaml), used only when the yaml fixture is
# absent: key question, focus, applicability, prompt letters, prompt letters marked relevant_cases_only.
EMBEDDED_DOMAIN_ONE = ["1.1", "1.2", "1.3", "1.4"]
EMBEDDED_KEY_QUESTIONS = [
    ("2.1.1", "desistance", "all_cases", "abcdefg", "f"),
    ("2.1.2", "keeping_child_safe", "all_cases", "abc", ""),
    ("2.1.3", "keeping_other_people_safe", "all_cases", "abc", ""),
    ("2.2.1", "desistance", "all_cases", "abcdef", "e"),
    ("2.2.2", "keeping_child_safe", "child_safety_subsample", "abcd", "b"),
    ("2.2.3", "keeping_other_people_safe", "others_safety_subsample", "abcde", "c"),
    ("2.3.1", "desistance", "all_cases", "abcdefg", ""),
    ("2.3.2", "keeping_child_safe", "child_safety_subsample", "ab", "b"),
    ("2.3.3", "keeping_other_people_safe", "others_safety_subsample", "abc", "bc"),
    ("2.4.1", "desistance", "review_needed", "abcde", ""),
    ("2.4.2", "keeping_child_safe", "child_safety_subsample review_needed", "abc", "a"),
    ("2.4.3", "keeping_other_people_safe", "others_safety_subsample review_needed", "abcd", "cd"),
    ("3.1.1", "desistance", "all_cases", "abcdefg", "f"),
    ("3.1.2", "keeping_child_safe", "all_cases", "ab", "a"),
    ("3.1.3", "keeping_other_people_safe", "all_cases", "ab", "a"),
    ("3.2.1", "desistance", "all_cases", "abcdefg", "g"),
    ("3.2.2", "keeping_child_safe", "child_safety_subsample", "abc", ""),
    ("3.2.3", "keeping_other_people_safe", "others_safety_subsample", "abcd", "bc"),
    ("3.3.1", "desistance", "all_cases", "abcde", ""),
    ("3.3.2", "keeping_child_safe", "child_safety_subsample", "ab", "b"),
    ("3.3.3", "keeping_other_people_safe", "others_safety_subsample", "ab", "a"),
    ("3.4.1", "joint_decision_making", "all_cases", "abcdef", ""),
    ("3.4.2", "implementing_with_police", "ycc_only", "ab", ""),
]

CATEGORY_OF_DOMAIN = {"2": "court", "3": "out_of_court"}


def shown(path):
    """A path relative to the repository where possible, for messages."""
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def embedded_framework():
    kqs = {}
    for kq_id, focus, applicability, letters, rco in EMBEDDED_KEY_QUESTIONS:
        kqs[kq_id] = {
            "focus": focus,
            "applicability": applicability.split(),
            "prompts": [(f"{kq_id}.{letter}", letter in rco) for letter in letters],
        }
    return {
        "source": "embedded table in build_cheshire.py",
        "domain_one": list(EMBEDDED_DOMAIN_ONE),
        "key_questions": kqs,
    }


_ID_RE = re.compile(r"^(\s*)- id: '?([0-9]+(?:\.[0-9]+)*(?:\.[a-z])?)'?\s*$")
_KEY_RE = re.compile(r"^(\s*)([a-z_]+):\s*(.*)$")
_ITEM_RE = re.compile(r"^(\s*)- ([a-z_]+)\s*$")


def parse_framework_yaml(text):
    """Read ids, focus and applicability from the framework yaml without a yaml library.

    Enough for this file's layout (block style, one ``- id:`` per domain/standard/key question/prompt, and
    ``applicability:`` followed by ``- tag`` items at the same indentation).
    """
    framework_id = None
    domain_one = []
    kqs = {}
    current = None  # id of the latest domain/standard/key question/prompt
    pending = None  # indentation of an open "applicability:" list
    for line in text.splitlines():
        m = _ID_RE.match(line)
        if m:
            current = m.group(2)
            pending = None
            parts = current.split(".")
            if len(parts) == 2 and parts[0] == "1":
                domain_one.append(current)
            elif len(parts) == 3 and parts[0] != "1":
                kqs[current] = {"focus": None, "applicability": [], "prompts": []}
            elif len(parts) == 4:
                kqs[".".join(parts[:3])]["prompts"].append([current, False])
            continue
        m = _ITEM_RE.match(line)
        if m and pending is not None and len(m.group(1)) == pending:
            tag = m.group(2)
            if current in kqs:
                kqs[current]["applicability"].append(tag)
            elif current and len(current.split(".")) == 4:
                kq = kqs[".".join(current.split(".")[:3])]
                for prompt in kq["prompts"]:
                    if prompt[0] == current and tag == "relevant_cases_only":
                        prompt[1] = True
            continue
        m = _KEY_RE.match(line)
        if m:
            indent, key, value = len(m.group(1)), m.group(2), m.group(3).strip()
            pending = indent if key == "applicability" and not value else None
            if key == "framework" and indent == 0:
                framework_id = value
            if key == "focus" and current in kqs:
                kqs[current]["focus"] = value
    for kq in kqs.values():
        kq["prompts"] = [tuple(p) for p in kq["prompts"]]
    return {"framework": framework_id, "domain_one": domain_one, "key_questions": kqs}


def load_framework():
    """The yaml fixture if present (checked against the embedded table), else the embedded table."""
    embedded = embedded_framework()
    notes = []
    if not FRAMEWORK_YAML.exists():
        notes.append(f"{shown(FRAMEWORK_YAML)} not found: using the embedded table")
        return embedded, notes
    parsed = parse_framework_yaml(FRAMEWORK_YAML.read_text(encoding="utf-8"))
    if parsed["framework"] != FRAMEWORK_ID:
        raise SystemExit(f"{FRAMEWORK_YAML}: framework is {parsed['framework']!r}, expected {FRAMEWORK_ID!r}")
    parsed["source"] = shown(FRAMEWORK_YAML)
    same = (
        parsed["domain_one"] == embedded["domain_one"]
        and parsed["key_questions"] == embedded["key_questions"]
    )
    notes.append(
        "framework yaml read; it "
        + ("agrees with" if same else "DIFFERS FROM")
        + " the embedded fallback table"
    )
    return parsed, notes


def standard_of(item_id):
    return ".".join(item_id.split(".")[:2])


def domain_of(item_id):
    return item_id.split(".")[0]


# --------------------------------------------------------------------------------------------------------------
# Arithmetic (docs/rules.md section 3)
# --------------------------------------------------------------------------------------------------------------

BANDS = [(80, "outstanding", 3), (65, "good", 2), (50, "requires_improvement", 1), (0, "inadequate", 0)]
OVERALL_BANDS = [(31, "outstanding"), (19, "good"), (7, "requires_improvement"), (0, "inadequate")]
SCORES = {rating: score for _, rating, score in BANDS}
BOUNDARIES = (50, 65, 80)


def percent(yes, applicable):
    """yes * 100 / applicable rounded half up, in integers."""
    return (200 * yes + applicable) // (2 * applicable)


def band(pct):
    for floor, rating, _ in BANDS:
        if pct >= floor:
            return rating
    raise ValueError(pct)


def overall_band(score):
    for floor, rating in OVERALL_BANDS:
        if score >= floor:
            return rating
    raise ValueError(score)


# --------------------------------------------------------------------------------------------------------------
# The synthetic sample
# --------------------------------------------------------------------------------------------------------------

# Court cases: reference, disposal type, gender, risk of serious harm, safety and wellbeing, review needed.
# Designed to the published sub-samples: rosh low in 6 cases (others-safety sub-sample 28 = 21 medium + 7 high,
# as in the report's contingency figures "eight of 21" medium and "four out of seven" high); safety and wellbeing
# low in 4 (child-safety sub-sample 30); review needed in 23, all in the child-safety sub-sample (2.4.2 n = 23)
# and 21 of them in the others-safety sub-sample (2.4.3 n = 21). 31 community (18 referral orders, 13 youth
# rehabilitation orders) and 3 detention and training orders; 29 boys, 5 girls.
COURT_ROSTER = [
    ("CH-C01", "referral_order", "male", "medium", "medium", True),
    ("CH-C02", "youth_rehabilitation_order", "male", "high", "high", True),
    ("CH-C03", "referral_order", "male", "low", "medium", False),
    ("CH-C04", "detention_and_training_order", "male", "high", "very_high", True),
    ("CH-C05", "referral_order", "female", "medium", "high", True),
    ("CH-C06", "youth_rehabilitation_order", "male", "medium", "medium", False),
    ("CH-C07", "referral_order", "male", "low", "low", False),
    ("CH-C08", "youth_rehabilitation_order", "male", "medium", "medium", True),
    ("CH-C09", "referral_order", "male", "medium", "medium", True),
    ("CH-C10", "youth_rehabilitation_order", "female", "medium", "very_high", True),
    ("CH-C11", "referral_order", "male", "medium", "low", False),
    ("CH-C12", "youth_rehabilitation_order", "male", "high", "high", True),
    ("CH-C13", "referral_order", "male", "medium", "medium", True),
    ("CH-C14", "referral_order", "male", "low", "medium", True),
    ("CH-C15", "detention_and_training_order", "male", "high", "high", True),
    ("CH-C16", "youth_rehabilitation_order", "male", "high", "medium", False),
    ("CH-C17", "referral_order", "male", "medium", "medium", True),
    ("CH-C18", "referral_order", "female", "low", "medium", False),
    ("CH-C19", "youth_rehabilitation_order", "male", "medium", "high", True),
    ("CH-C20", "referral_order", "male", "medium", "medium", True),
    ("CH-C21", "youth_rehabilitation_order", "male", "medium", "high", False),
    ("CH-C22", "referral_order", "male", "medium", "medium", True),
    ("CH-C23", "youth_rehabilitation_order", "male", "low", "high", True),
    ("CH-C24", "referral_order", "male", "low", "low", False),
    ("CH-C25", "youth_rehabilitation_order", "male", "medium", "medium", True),
    ("CH-C26", "referral_order", "female", "medium", "medium", False),
    ("CH-C27", "detention_and_training_order", "male", "high", "medium", True),
    ("CH-C28", "youth_rehabilitation_order", "male", "medium", "low", False),
    ("CH-C29", "referral_order", "male", "medium", "high", True),
    ("CH-C30", "youth_rehabilitation_order", "female", "high", "high", True),
    ("CH-C31", "referral_order", "male", "medium", "medium", True),
    ("CH-C32", "referral_order", "male", "medium", "medium", False),
    ("CH-C33", "youth_rehabilitation_order", "male", "medium", "medium", True),
    ("CH-C34", "referral_order", "male", "medium", "high", True),
]

# Out-of-court cases: reference, disposal type, gender, risk of serious harm, safety and wellbeing.
# 2 youth conditional cautions, 2 youth cautions, 18 community resolutions and 1 no further action (the
# report's executive summary); safety and wellbeing low in 3 (child-safety sub-sample 20), rosh low in 11
# (others-safety sub-sample 12); 19 boys, 4 girls.
OOC_ROSTER = [
    ("CH-O01", "community_resolution", "male", "low", "medium"),
    ("CH-O02", "community_resolution", "male", "medium", "medium"),
    ("CH-O03", "community_resolution", "female", "low", "high"),
    ("CH-O04", "community_resolution", "male", "low", "low"),
    ("CH-O05", "youth_conditional_caution", "male", "medium", "high"),
    ("CH-O06", "community_resolution", "male", "medium", "medium"),
    ("CH-O07", "community_resolution", "male", "low", "medium"),
    ("CH-O08", "youth_caution", "male", "medium", "medium"),
    ("CH-O09", "community_resolution", "male", "low", "medium"),
    ("CH-O10", "community_resolution", "female", "medium", "high"),
    ("CH-O11", "community_resolution", "male", "medium", "low"),
    ("CH-O12", "no_further_action", "male", "low", "high"),
    ("CH-O13", "community_resolution", "male", "medium", "medium"),
    ("CH-O14", "youth_conditional_caution", "male", "high", "medium"),
    ("CH-O15", "community_resolution", "male", "low", "medium"),
    ("CH-O16", "community_resolution", "female", "low", "medium"),
    ("CH-O17", "community_resolution", "male", "medium", "medium"),
    ("CH-O18", "youth_caution", "male", "low", "medium"),
    ("CH-O19", "community_resolution", "male", "low", "low"),
    ("CH-O20", "community_resolution", "male", "medium", "high"),
    ("CH-O21", "community_resolution", "female", "low", "high"),
    ("CH-O22", "community_resolution", "male", "medium", "medium"),
    ("CH-O23", "community_resolution", "male", "medium", "medium"),
]

# Principal offence group of each court case, as the inspector records it on the case facts page. Designed to
# the published "Offence types" table of the inspected court cases (report lines 320-336), whose percentages
# of 34 cases are exact counts: 19 violence against the person (56%), 6 drug offences (18%), 3 burglary (9%),
# 3 summary motoring offences (9%), and 1 each of fraud and forgery, arson and criminal damage (3%).
COURT_OFFENCES = {
    "CH-C01": "violence_against_the_person",
    "CH-C02": "violence_against_the_person",
    "CH-C03": "drug_offences",
    "CH-C04": "violence_against_the_person",
    "CH-C05": "violence_against_the_person",
    "CH-C06": "burglary",
    "CH-C07": "summary_motoring",
    "CH-C08": "violence_against_the_person",
    "CH-C09": "drug_offences",
    "CH-C10": "violence_against_the_person",
    "CH-C11": "fraud_and_forgery",
    "CH-C12": "violence_against_the_person",
    "CH-C13": "drug_offences",
    "CH-C14": "arson",
    "CH-C15": "violence_against_the_person",
    "CH-C16": "burglary",
    "CH-C17": "violence_against_the_person",
    "CH-C18": "summary_motoring",
    "CH-C19": "violence_against_the_person",
    "CH-C20": "drug_offences",
    "CH-C21": "violence_against_the_person",
    "CH-C22": "criminal_damage",
    "CH-C23": "violence_against_the_person",
    "CH-C24": "summary_motoring",
    "CH-C25": "drug_offences",
    "CH-C26": "violence_against_the_person",
    "CH-C27": "violence_against_the_person",
    "CH-C28": "burglary",
    "CH-C29": "violence_against_the_person",
    "CH-C30": "violence_against_the_person",
    "CH-C31": "drug_offences",
    "CH-C32": "violence_against_the_person",
    "CH-C33": "violence_against_the_person",
    "CH-C34": "violence_against_the_person",
}
# The published table: offence group -> % of the inspected court cases.
PUBLISHED_OFFENCE_PERCENT = {
    "violence_against_the_person": 56,
    "burglary": 9,
    "fraud_and_forgery": 3,
    "arson": 3,
    "criminal_damage": 3,
    "drug_offences": 18,
    "summary_motoring": 9,
}

# Management oversight of the court cases, judged sufficient "in 86 per cent of the high-risk cases but in only
# 62 per cent of medium-risk cases" (report line 494): 6 of the 7 high and 13 of the 21 medium. It is lacking
# where planning to keep other people safe (2.2.3) fell short, then where the work was weakest overall. The
# report gives no figure for low-risk or out-of-court cases, so theirs are left not recorded.
PUBLISHED_OVERSIGHT_PERCENT = {"high": 86, "medium": 62}
OVERSIGHT_INSUFFICIENT = {"high": 1, "medium": 8}

# Sample composition stated in the report (executive summary and domain two/three introductions).
EXPECTED_SAMPLE = {
    "court": {"community": 31, "custodial": 3},
    "out_of_court": {
        "youth_conditional_caution": 2,
        "youth_caution": 2,
        "community_resolution": 18,
        "no_further_action": 1,
    },
}
COMMUNITY_DISPOSALS = {"referral_order", "youth_rehabilitation_order"}
CUSTODIAL_DISPOSALS = {"detention_and_training_order"}


def build_roster():
    cases = []
    for ref, disposal, gender, rosh, sw, review in COURT_ROSTER:
        cases.append(
            {
                "reference": ref,
                "category": "court",
                "disposal_type": disposal,
                "gender": gender,
                "rosh": rosh,
                "safety_wellbeing": sw,
                "review": review,
            }
        )
    for ref, disposal, gender, rosh, sw in OOC_ROSTER:
        cases.append(
            {
                "reference": ref,
                "category": "out_of_court",
                "disposal_type": disposal,
                "gender": gender,
                "rosh": rosh,
                "safety_wellbeing": sw,
                "review": False,
            }
        )
    return cases


def in_scope(case, applicability):
    """Whether a key question applies to a case, from the case facts (the inspector's sub-sample decisions)."""
    for tag in applicability:
        if tag == "all_cases":
            continue
        if tag == "child_safety_subsample" and case["safety_wellbeing"] == "low":
            return False
        if tag == "others_safety_subsample" and case["rosh"] == "low":
            return False
        if tag == "review_needed" and not case["review"]:
            return False
        if tag == "ycc_only" and case["disposal_type"] != "youth_conditional_caution":
            return False
    return True


# --------------------------------------------------------------------------------------------------------------
# Facts from the report text used to pick among equally valid prompt denominators
# --------------------------------------------------------------------------------------------------------------

# Only used when they reproduce the published Annexe 2 percentage. Line references are to the report text.
PROMPT_HINTS = {
    # "The needs and wishes of victims were properly assessed in 17 of the relevant 25 cases."
    "2.1.1.f": {"yes": 17, "applicable": 25},
    # "The expressed views and wishes of victims were incorporated into planned work in 21 of the relevant 27"
    "2.2.1.e": {"yes": 21, "applicable": 27},
    # "for safety and wellbeing there was sufficient alignment in just 19 of 28 cases"
    "2.2.2.b": {"yes": 19, "applicable": 28},
    # "planning to address the specific needs of victims was sufficient in 47 per cent of the medium-risk
    # cases and in 71 per cent of high-risk cases" (8/17 and 5/7 give 13/24 = 54%)
    "2.2.3.c": {"by_rosh": {"medium": (8, 17), "high": (5, 7)}},
    # "a lack of effective contingency planning for both medium-risk cases (eight of 21) and high-risk cases
    # (four out of seven)"
    "2.2.3.e": {"by_rosh": {"medium": (8, 21), "high": (4, 7)}},
    # "sufficient involvement of other agencies in managing the risk of harm in 17 of the 23 cases"
    "2.3.3.c": {"yes": 17, "applicable": 23},
    # "Reviewing of risk of harm led to the necessary adjustments ... in 12 of the 19 cases where this was needed"
    "2.4.3.d": {"yes": 12, "applicable": 19},
    # "Of the 34 cases we assessed, there were identifiable risk factors in 30. These were sufficiently assessed
    # in 21 cases." The three 2.1.3 prompts fit 30 answered cases exactly (21/30, 27/30, 19/30).
    "2.1.3.a": {"yes": 21, "applicable": 30},
    "2.1.3.b": {"applicable": 30},
    "2.1.3.c": {"applicable": 30},
    # "Contingency planning was effective in 13 cases" (of the 20 in the sub-sample; 13/19 gives the 68%)
    "3.2.2.c": {"yes": 13, "applicable": 19},
    # "The services delivered met the desistance needs of children in 18 of the 22 cases"
    "3.3.1.a": {"yes": 18, "applicable": 22},
}

# Which cases a relevant_cases_only prompt is "not relevant" to is decided per theme, so that (for example) the
# same cases without an identifiable victim are 'na' on the victim prompts.
PROMPT_THEMES = {
    "2.1.1.f": "victim",
    "2.2.1.e": "victim",
    "2.2.3.c": "victim",
    "2.3.3.b": "victim",
    "3.1.1.f": "victim",
    "3.2.3.c": "victim",
    "3.3.3.a": "victim",
    "2.2.2.b": "agencies",
    "2.3.2.b": "agencies",
    "2.3.3.c": "agencies",
    "3.2.3.b": "agencies",
    "3.3.2.b": "agencies",
    "2.4.2.a": "change",
    "2.4.3.d": "change",
    "2.4.3.c": "involvement",
    "3.2.1.g": "involvement",
    "3.1.2.a": "child_risk",
    "3.1.3.a": "others_risk",
    "2.1.3.a": "others_risk",
    "2.1.3.b": "others_risk",
    "2.1.3.c": "others_risk",
}
THEMES = ["agencies", "change", "child_risk", "general", "involvement", "others_risk", "victim"]
FOCI = [
    "desistance",
    "keeping_child_safe",
    "keeping_other_people_safe",
    "joint_decision_making",
    "implementing_with_police",
]

# --------------------------------------------------------------------------------------------------------------
# Domain one (judged from evidence, not cases): the published ratings with a rationale paraphrasing the report
# --------------------------------------------------------------------------------------------------------------

DOMAIN_ONE_RATIONALES = {
    "1.1": (
        "The board and partners share a clear vision (diverting children from the justice system while keeping "
        "the impact on victims in view) and have translated it into services across all four local authorities, "
        "with innovation such as the Divert pathfinder and the use of academic research. The board is well run, "
        "representative and challenging, with strong health representation. Leaders understand the risks to the "
        "service, managed the Covid-19 period well and keep a strong, direct link between the board and staff."
    ),
    "1.2": (
        "Staffing and workloads generally support good work: the team is stable, skilled and committed, the health "
        "team is excellent and supervision is highly valued. However, the Divert team is stretched, so some "
        "out-of-court cases go to less experienced staff, and management oversight of medium risk-of-harm cases is "
        "not fully effective. Some staff lack confidence in discussing race and discrimination, and learning from "
        "serious incidents is underdeveloped."
    ),
    "1.3": (
        "Children have access to a wide and comprehensive range of services, with excellent health, education and "
        "social care provision, including for children placed in Cheshire by other authorities, and relationships "
        "across a complex partnership are mature and effective. The analysis of child sexual and criminal "
        "exploitation is still developing, practical support for exploited children is limited, and the use of "
        "no further action needs to be better understood."
    ),
    "1.4": (
        "Policies and guidance are comprehensive, up to date and easy to find, ICT allowed a swift move to remote "
        "working, and analysis, evidence and learning are used well to drive improvement. However, staff struggle "
        "to find safe, confidential and child-friendly places to see children and victims across a large area, and "
        "read-only access to partner systems, including police systems, gives only partial information."
    ),
}

PANEL_RATIONALE = (
    "The panel applied professional discretion: the computed rating sits at a trigger and the "
    "evidence across the standard's key questions supports the published rating."
)


# --------------------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------------------


def choose_target(prompt_id, n_kq, published_pct, rco):
    """(yes, answered, how) for a prompt: exact if the denominators allow it, else the nearest.

    A relevant_cases_only prompt may be 'na' in some cases, so its denominator may be smaller than its key
    question's. Any other prompt is answered in every case where its key question applies if that reproduces the
    published percentage; if not, it is left out of as few cases as reproduce it ("absent", as imported historical
    data may be). The report text's own counts are used first where they reproduce the percentage.
    """
    hint = PROMPT_HINTS.get(prompt_id, {})
    if "applicable" in hint and hint["applicable"] <= n_kq:
        n = hint["applicable"]
        yes_counts = [hint["yes"]] if "yes" in hint else range(n + 1)
        k = next((k for k in yes_counts if percent(k, n) == published_pct), None)
        if k is not None:
            return k, n, "report"
    if not rco and any(percent(k, n_kq) == published_pct for k in range(n_kq + 1)):
        denominators = [n_kq]
    else:
        denominators = range(n_kq, 0, -1)
    best = None
    for n in denominators:
        for k in range(n + 1):
            p = percent(k, n)
            key = (
                abs(p - published_pct),
                -n if p == published_pct else 0,
                abs(Fraction(100 * k, n) - published_pct),
                -n,
            )
            if best is None or key < best[0]:
                best = (key, k, n)
    _, k, n = best
    if percent(k, n) != published_pct:
        return k, n, "nearest"
    return k, n, "exact" if rco or n == n_kq else "absent"


def allocate(group, n, k, relevance, kq_answer, kq_scores, prompt_no_count, rco):
    """Answer one prompt over the cases in `group` so that k of n answered cases say 'yes'.

    The len(group) - n least relevant cases are 'na' for a relevant_cases_only prompt, or left out (None) for
    any other prompt. 'no' goes first to cases whose key question is 'no', those with the fewest 'no'
    prompts so far first (so each gets at least one where possible), then to the weakest 'yes' cases, again
    spread. Updates prompt_no_count.
    """
    ranked = sorted(group, key=lambda r: relevance[r])
    not_relevant = set(ranked[: len(group) - n])
    answered = [r for r in group if r not in not_relevant]
    order = sorted(answered, key=lambda r: (kq_answer[r] == "yes", prompt_no_count[r], kq_scores[r]))
    noes = set(order[: n - k])
    result = {}
    for r in group:
        if r in not_relevant:
            result[r] = "na" if rco else None
        else:
            result[r] = "no" if r in noes else "yes"
        if result[r] == "no":
            prompt_no_count[r] += 1
    return result


def generate(framework, published):
    rng = random.Random(SEED)
    cases = build_roster()
    refs = [c["reference"] for c in cases]
    # Latent quality of the work in each case, overall and per focus; then per-theme "relevance" for prompts
    # that may be not applicable. Drawn in a fixed order from one seeded generator.
    base = {r: rng.random() for r in refs}
    focus_q = {r: {f: rng.random() for f in FOCI} for r in refs}
    relevance = {t: {r: rng.random() for r in refs} for t in THEMES}
    kq_ids = sorted(framework["key_questions"], key=lambda k: [int(x) for x in k.split(".")])
    kq_noise = {k: {r: rng.random() for r in refs} for k in kq_ids}
    by_ref = {c["reference"]: c for c in cases}

    for r in refs:
        c = by_ref[r]
        # No identifiable victim is likelier where the risk of serious harm is low (drug and motoring offences).
        relevance["victim"][r] += -0.5 if c["rosh"] == "low" else 0.0
        relevance["agencies"][r] += (
            0.3 if c["safety_wellbeing"] in ("high", "very_high") or c["rosh"] == "high" else 0.0
        )
        relevance["child_risk"][r] += -1.0 if c["safety_wellbeing"] == "low" else 0.0
        relevance["others_risk"][r] += -1.0 if c["rosh"] == "low" else 0.0

    def score(r, kq_id):
        c = by_ref[r]
        focus = framework["key_questions"][kq_id]["focus"]
        s = 0.35 * base[r] + 0.35 * focus_q[r][focus] + 0.3 * kq_noise[kq_id][r]
        if focus == "keeping_other_people_safe":
            # The report: no routine management oversight of medium risk-of-harm cases, so weaker work there;
            # assessing a child correctly judged low risk is rarely found wanting.
            s += {"low": 0.3, "medium": -0.12}.get(c["rosh"], 0.0)
        if focus == "keeping_child_safe" and c["safety_wellbeing"] == "low":
            s += 0.3
        return s

    published_kq = {kq["id"]: kq for s in published["standards"] for kq in s.get("key_questions", [])}
    published_prompt = {p["id"]: p["percent_yes"] for p in published["annex2_prompts"]}
    answers = {r: {} for r in refs}
    targets = {}

    for kq_id in kq_ids:
        kq = framework["key_questions"][kq_id]
        category = CATEGORY_OF_DOMAIN[domain_of(kq_id)]
        scope = [r for r in refs if by_ref[r]["category"] == category]
        applicable = [r for r in scope if in_scope(by_ref[r], kq["applicability"])]
        pub = published_kq[kq_id]
        if len(applicable) != pub["applicable"]:
            raise SystemExit(
                f"roster gives {len(applicable)} applicable cases for {kq_id}, "
                f"published {pub['applicable']}: fix COURT_ROSTER/OOC_ROSTER"
            )
        n_no = pub["applicable"] - pub["yes"]
        kq_scores = {r: score(r, kq_id) for r in applicable}
        weakest = sorted(applicable, key=lambda r: kq_scores[r])[:n_no]
        for r in scope:
            answers[r][kq_id] = "na" if r not in applicable else ("no" if r in weakest else "yes")

        prompt_no_count = dict.fromkeys(applicable, 0)
        kq_answer = {r: answers[r][kq_id] for r in applicable}

        for prompt_id, rco in kq["prompts"]:
            published_pct = published_prompt[prompt_id]
            theme = PROMPT_THEMES.get(prompt_id, "general")
            hint = PROMPT_HINTS.get(prompt_id, {})
            strata = hint.get("by_rosh")
            result = None
            if strata:
                groups = {level: [r for r in applicable if by_ref[r]["rosh"] == level] for level in strata}
                total_k = sum(k for k, _ in strata.values())
                total_n = sum(n for _, n in strata.values())
                valid = (
                    sum(len(g) for g in groups.values()) == len(applicable)
                    and percent(total_k, total_n) == published_pct
                    and all(
                        n <= len(groups[lv]) and (rco or n == len(groups[lv]))
                        for lv, (_, n) in strata.items()
                    )
                )
                if valid:
                    result = {}
                    for level in sorted(strata):
                        k, n = strata[level]
                        result.update(
                            allocate(
                                groups[level],
                                n,
                                k,
                                relevance[theme],
                                kq_answer,
                                kq_scores,
                                prompt_no_count,
                                rco,
                            )
                        )
                    targets[prompt_id] = (total_k, total_n, "report")
            if result is None:
                k, n, how = choose_target(prompt_id, len(applicable), published_pct, rco)
                targets[prompt_id] = (k, n, how)
                result = allocate(
                    applicable, n, k, relevance[theme], kq_answer, kq_scores, prompt_no_count, rco
                )
            for r in scope:
                answers[r][prompt_id] = result.get(r, "na")

    oversight = {}
    for level, lacking in OVERSIGHT_INSUFFICIENT.items():
        group = [c["reference"] for c in cases if c["category"] == "court" and c["rosh"] == level]
        weakest = sorted(group, key=lambda r: (answers[r]["2.2.3"] != "no", base[r], r))[:lacking]
        oversight.update({r: "insufficient" if r in weakest else "sufficient" for r in group})

    # Case records in the data format's key order; answers in framework order (key question, then its prompts).
    records = []
    for c in cases:
        r = c["reference"]
        domain = "2" if c["category"] == "court" else "3"
        # What the inspector recorded on the case facts page: the offence (court cases), and the applicability
        # flags that put the case in the sub-samples (the same decisions as in_scope).
        recorded = {"offence_group": COURT_OFFENCES[r]} if r in COURT_OFFENCES else {}
        recorded["child_safety_factors"] = c["safety_wellbeing"] != "low"
        recorded["others_safety_factors"] = c["rosh"] != "low"
        recorded["review_needed"] = c["review"]
        if r in oversight:
            recorded["management_oversight"] = oversight[r]
        ordered = {}
        for kq_id in kq_ids:
            if domain_of(kq_id) != domain:
                continue
            ordered[kq_id] = answers[r][kq_id]
            for prompt_id, _ in framework["key_questions"][kq_id]["prompts"]:
                if answers[r][prompt_id] is not None:
                    ordered[prompt_id] = answers[r][prompt_id]
        records.append(
            {
                "reference": r,
                "category": c["category"],
                "disposal_type": c["disposal_type"],
                "gender": c["gender"],
                "rosh": c["rosh"],
                "safety_wellbeing": c["safety_wellbeing"],
                **recorded,
                "answers": ordered,
            }
        )

    published_rating = {s["id"]: s["rating"] for s in published["standards"]}
    domain_one = [
        {"standard": sid, "rating": published_rating[sid], "rationale": DOMAIN_ONE_RATIONALES[sid]}
        for sid in framework["domain_one"]
    ]

    # Panel decisions only where the computed rating differs from the published one.
    doc_so_far = {"cases": records}
    kq_tally, _ = tally(doc_so_far, framework)
    panel_decisions = []
    for sid, computed, lowest in computed_ratings(kq_tally, framework):
        if computed != published_rating[sid]:
            panel_decisions.append(
                {
                    "standard": sid,
                    "rating": published_rating[sid],
                    "key_question": lowest[0],
                    "rationale": PANEL_RATIONALE,
                }
            )

    document = {
        "format": FORMAT,
        "framework": FRAMEWORK_ID,
        "service": dict(SERVICE),
        "inspection": dict(INSPECTION),
        "cases": records,
        "domain_one": domain_one,
        "panel_decisions": panel_decisions,
    }
    return document, targets


# --------------------------------------------------------------------------------------------------------------
# Checking (recomputed from the written JSON)
# --------------------------------------------------------------------------------------------------------------


def tally(document, framework):
    kq_tally = {k: [0, 0] for k in framework["key_questions"]}
    prompt_tally = {p: [0, 0] for kq in framework["key_questions"].values() for p, _ in kq["prompts"]}
    for case in document["cases"]:
        for item_id, value in case["answers"].items():
            target = kq_tally.get(item_id) or prompt_tally.get(item_id)
            if target is None or value == "na":
                continue
            target[1] += 1
            target[0] += value == "yes"
    return kq_tally, prompt_tally


def computed_ratings(kq_tally, framework):
    """[(standard, computed rating, lowest key questions)] for the case-based standards."""
    by_standard = {}
    for kq_id in sorted(framework["key_questions"], key=lambda k: [int(x) for x in k.split(".")]):
        by_standard.setdefault(standard_of(kq_id), []).append(kq_id)
    result = []
    for sid, kq_ids in by_standard.items():
        pcts = {k: percent(*kq_tally[k]) for k in kq_ids if kq_tally[k][1]}
        if not pcts:
            result.append((sid, None, []))
            continue
        low = min(pcts.values())
        result.append((sid, band(low), [k for k in kq_ids if pcts.get(k) == low]))
    return result


def triggers(sid, kq_tally, framework):
    kq_ids = [k for k in framework["key_questions"] if standard_of(k) == sid and kq_tally[k][1]]

    def rating_of(counts):
        return band(min(percent(*counts[k]) for k in kq_ids))

    pcts = {k: percent(*kq_tally[k]) for k in kq_ids}
    low = min(pcts.values())
    current = rating_of(kq_tally)
    found = []
    if any(abs(low - b) <= 5 for b in BOUNDARIES):
        found.append("near_boundary")
    for k in kq_ids:
        yes, n = kq_tally[k]
        for alt in (yes - 1, yes + 1):
            if 0 <= alt <= n and rating_of({**kq_tally, k: [alt, n]}) != current:
                found.append("one_case")
                break
        if "one_case" in found:
            break
    if any(pcts[k] == low and kq_tally[k][1] <= 5 for k in kq_ids):
        found.append("small_sample")
    return found


def coherence_problems(document, framework):
    problems = []
    kqs = framework["key_questions"]
    for case in document["cases"]:
        ref = case["reference"]
        ans = case["answers"]
        domain = "2" if case["category"] == "court" else "3"
        wanted = [k for k in kqs if domain_of(k) == domain]
        for kq_id in wanted:
            if kq_id not in ans:
                problems.append(f"{ref}: {kq_id} missing")
                continue
            kq = kqs[kq_id]
            if kq["applicability"] == ["all_cases"] and ans[kq_id] == "na":
                problems.append(f"{ref}: {kq_id} is all_cases but na")
            for prompt_id, rco in kq["prompts"]:
                value = ans.get(prompt_id)
                if value is None:
                    # Left out, as imported historical data may be: not answered, so in no percentage.
                    if ans[kq_id] == "na":
                        problems.append(f"{ref}: {prompt_id} missing although {kq_id} is na")
                elif ans[kq_id] == "na" and value != "na":
                    problems.append(f"{ref}: {prompt_id} answered although {kq_id} is na")
                elif ans[kq_id] != "na" and value == "na" and not rco:
                    problems.append(f"{ref}: {prompt_id} na but not relevant_cases_only")
        for item_id, value in ans.items():
            if value not in ("yes", "no", "na"):
                problems.append(f"{ref}: {item_id} has value {value!r}")
        # Sub-sample membership: one decision per case for each sub-sample, seen from the key questions that
        # carry only that tag; key questions with two tags apply exactly where both hold.
        member = {}
        for tag in ("child_safety_subsample", "others_safety_subsample", "review_needed"):
            single = [k for k in wanted if kqs[k]["applicability"] == [tag]]
            values = {ans.get(k) != "na" for k in single}
            if len(values) > 1:
                problems.append(
                    f"{ref}: inconsistent {tag} ({', '.join(f'{k}={ans.get(k)}' for k in single)})"
                )
            member[tag] = values.pop() if values else None
        for k in wanted:
            tags = kqs[k]["applicability"]
            if (
                len(tags) > 1
                and all(member.get(t) is not None for t in tags)
                and (ans[k] != "na") != all(member[t] for t in tags)
            ):
                problems.append(f"{ref}: {k}={ans[k]} does not match its sub-samples {tags}")
            if tags == ["ycc_only"]:
                ycc = case["disposal_type"] == "youth_conditional_caution"
                if (ans[k] != "na") != ycc:
                    problems.append(f"{ref}: {k}={ans[k]} for a {case['disposal_type']}")
        # Case facts agree with the sub-sample decisions (low rosh <-> others-safety na, etc.).
        facts = {
            "others_safety_subsample": ("rosh", case["rosh"] != "low"),
            "child_safety_subsample": ("safety_wellbeing", case["safety_wellbeing"] != "low"),
        }
        for tag, (field, expected) in facts.items():
            if member.get(tag) is not None and member[tag] != expected:
                problems.append(f"{ref}: {field} {case[field]} but {tag} membership is {member[tag]}")
        # The inspector's applicability flags agree with the sub-sample decisions.
        flags = {
            "child_safety_subsample": "child_safety_factors",
            "others_safety_subsample": "others_safety_factors",
            "review_needed": "review_needed",
        }
        for tag, flag in flags.items():
            if member.get(tag) is not None and case.get(flag) != member[tag]:
                problems.append(f"{ref}: {flag} {case.get(flag)} but {tag} membership is {member[tag]}")
    return problems


def check(framework, published, targets, framework_notes):
    document = json.loads(OUTPUT_PATH.read_text(encoding="utf-8"))
    failures = []
    out = []
    say = out.append

    say(f"Check report for {shown(OUTPUT_PATH)} (recomputed from the written file)")
    for note in framework_notes:
        say(f"  framework: {note}")
    say(f"  framework source: {framework['source']}")

    # Header fields
    if (
        document.get("format") != FORMAT
        or document.get("framework") != FRAMEWORK_ID
        or document.get("inspection") != INSPECTION
        or document.get("service") != SERVICE
    ):
        failures.append("header fields differ from the specification")

    # Sample composition
    cases = document["cases"]
    say("")
    say("Sample")
    by_cat = Counter(c["category"] for c in cases)
    court = [c for c in cases if c["category"] == "court"]
    ooc = [c for c in cases if c["category"] == "out_of_court"]
    community = sum(c["disposal_type"] in COMMUNITY_DISPOSALS for c in court)
    custodial = sum(c["disposal_type"] in CUSTODIAL_DISPOSALS for c in court)
    ooc_types = Counter(c["disposal_type"] for c in ooc)
    say(
        f"  court {by_cat['court']} (published {published['sample']['court']['total']}): "
        f"{community} community ({dict(sorted(Counter(c['disposal_type'] for c in court).items()))}), "
        f"{custodial} custodial"
    )
    say(
        f"  out-of-court {by_cat['out_of_court']} (published {published['sample']['out_of_court']['total']}): "
        f"{dict(sorted(ooc_types.items()))}"
    )
    if (
        by_cat["court"] != published["sample"]["court"]["total"]
        or by_cat["out_of_court"] != published["sample"]["out_of_court"]["total"]
    ):
        failures.append("sample totals differ from the published ones")
    if {"community": community, "custodial": custodial} != EXPECTED_SAMPLE["court"]:
        failures.append("court disposal mix differs from the report")
    if dict(ooc_types) != EXPECTED_SAMPLE["out_of_court"]:
        failures.append("out-of-court disposal mix differs from the report")
    for label, group in (("court", court), ("out-of-court", ooc)):
        say(
            f"  {label}: gender {dict(sorted(Counter(c['gender'] for c in group).items()))}; "
            f"rosh {dict(sorted(Counter(c['rosh'] for c in group).items()))}; "
            f"safety_wellbeing {dict(sorted(Counter(c['safety_wellbeing'] for c in group).items()))}"
        )
    if len({c["reference"] for c in cases}) != len(cases):
        failures.append("duplicate case references")
    offences = Counter(c.get("offence_group") for c in court)
    offence_percent = {group: percent(n, len(court)) for group, n in offences.items()}
    say(f"  court offence groups: {dict(sorted(offences.items()))}")
    say(
        f"  as % of court cases: {dict(sorted(offence_percent.items()))} (published {PUBLISHED_OFFENCE_PERCENT})"
    )
    if offence_percent != PUBLISHED_OFFENCE_PERCENT:
        failures.append("court offence groups differ from the published offence types table")
    if any("offence_group" in c for c in ooc):
        failures.append("an out-of-court case has an offence group (the published table is of court cases)")
    oversight_percent = {}
    for level in PUBLISHED_OVERSIGHT_PERCENT:
        judged = [
            c["management_oversight"] for c in court if c["rosh"] == level and "management_oversight" in c
        ]
        oversight_percent[level] = percent(judged.count("sufficient"), len(judged))
    say(
        f"  management oversight sufficient, court cases by RoSH: {oversight_percent} (published "
        f"{PUBLISHED_OVERSIGHT_PERCENT})"
    )
    if oversight_percent != PUBLISHED_OVERSIGHT_PERCENT:
        failures.append("management oversight differs from the published figures")

    # Coherence
    problems = coherence_problems(document, framework)
    say("")
    say(
        f"Coherence of answers per case: {'all cases coherent' if not problems else f'{len(problems)} problem(s)'}"
    )
    for p in problems:
        say(f"  ! {p}")
    failures.extend(problems)

    # Key questions
    kq_tally, prompt_tally = tally(document, framework)
    published_kq = {kq["id"]: kq for s in published["standards"] for kq in s.get("key_questions", [])}
    say("")
    say("Key questions (yes/applicable = % vs published)")
    kq_ok = 0
    for kq_id in sorted(kq_tally, key=lambda k: [int(x) for x in k.split(".")]):
        yes, n = kq_tally[kq_id]
        pub = published_kq[kq_id]
        ok = (yes, n) == (pub["yes"], pub["applicable"]) and percent(yes, n) == pub["percent_yes"]
        kq_ok += ok
        say(
            f"  {kq_id}  {yes:2d}/{n:2d} = {percent(yes, n):3d}%   published {pub['yes']:2d}/{pub['applicable']:2d} "
            f"= {pub['percent_yes']:3d}%   {'ok' if ok else 'MISMATCH'}"
        )
        if not ok:
            failures.append(f"key question {kq_id} differs from the published figure")
    say(f"  => {kq_ok}/{len(kq_tally)} key questions match exactly")

    # Prompts
    published_prompt = {p["id"]: p["percent_yes"] for p in published["annex2_prompts"]}
    rco_of = {p: rco for kq in framework["key_questions"].values() for p, rco in kq["prompts"]}
    say("")
    say("Annexe 2 prompts")
    matches, mismatches = 0, []
    for prompt_id in sorted(prompt_tally, key=lambda p: [int(x) for x in p.split(".")[:3]] + [p[-1]]):
        yes, n = prompt_tally[prompt_id]
        pub_pct = published_prompt[prompt_id]
        got = percent(yes, n) if n else None
        if got == pub_pct:
            matches += 1
            continue
        kq_n = kq_tally[".".join(prompt_id.split(".")[:3])][1]
        rco_of[prompt_id]
        reachable = [(k, m) for m in range(kq_n, 0, -1) for k in range(m + 1) if percent(k, m) == pub_pct]
        if reachable:
            reason = "REPRODUCIBLE BUT NOT REPRODUCED"
            failures.append(f"prompt {prompt_id} could be {pub_pct}% but is {got}%")
        else:
            reason = (
                f"no denominator up to {kq_n} (its key question's) gives {pub_pct}%; nearest is {yes}/{n}"
            )
        mismatches.append((prompt_id, yes, n, got, pub_pct, reason))
    say(f"  {matches}/{len(prompt_tally)} prompt percentages match the published figure exactly")
    say(f"  {len(mismatches)} cannot be reproduced; nearest achievable used:")
    for prompt_id, yes, n, got, pub_pct, reason in mismatches:
        say(
            f"    {prompt_id}  {yes:2d}/{n:2d} = {got:3d}%  published {pub_pct:3d}%  ({pub_pct - got:+d})  {reason}"
        )
    narrowed = [
        (p, k, n)
        for p, (k, n, how) in sorted(targets.items())
        if rco_of[p] and n < kq_tally[".".join(p.split(".")[:3])][1]
    ]
    say(
        "  relevant_cases_only prompts answered in fewer cases than their key question: "
        + ", ".join(
            f"{p} {k}/{n}" + (" (report)" if targets[p][2] == "report" else "") for p, k, n in narrowed
        )
    )

    left_out = [
        (p, n, kq_tally[".".join(p.split(".")[:3])][1])
        for p, (k, n) in sorted(prompt_tally.items())
        if not rco_of[p] and n < kq_tally[".".join(p.split(".")[:3])][1]
    ]
    say(
        f"  prompts left out of some cases (historical data; not answered there): {len(left_out)}, "
        f"{sum(kq_n - n for _, n, kq_n in left_out)} answers in all: "
        + ", ".join(f"{p} {n} of {kq_n}" for p, n, kq_n in left_out)
    )

    # Correlation of prompts with the key-question judgement
    kq_no = kq_no_with_prompt_no = 0
    yes_with_many = []
    for case in cases:
        ans = case["answers"]
        for kq_id, kq in framework["key_questions"].items():
            if ans.get(kq_id) not in ("yes", "no"):
                continue
            noes = sum(ans.get(p) == "no" for p, _ in kq["prompts"])
            if ans[kq_id] == "no":
                kq_no += 1
                kq_no_with_prompt_no += noes > 0
            elif noes >= 2:
                yes_with_many.append(f"{case['reference']}:{kq_id}({noes})")
    say("")
    say(
        f"Prompts vs judgement: {kq_no_with_prompt_no}/{kq_no} 'no' key-question answers have at least one 'no' "
        f"prompt; 'yes' answers with two or more 'no' prompts: {', '.join(yes_with_many) or 'none'}"
    )

    # Standards and overall
    say("")
    say("Standards (computed = band of the lowest key-question percentage)")
    published_rating = {s["id"]: s["rating"] for s in published["standards"]}
    decisions = {d["standard"]: d for d in document.get("panel_decisions", [])}
    final = {}
    for d in document.get("domain_one", []):
        final[d["standard"]] = d["rating"]
        say(f"  {d['standard']}  domain one: {d['rating']} (published {published_rating[d['standard']]})")
        if d["rating"] != published_rating[d["standard"]]:
            failures.append(f"domain-one rating {d['standard']} differs from the published one")
    for sid, computed, lowest in computed_ratings(kq_tally, framework):
        trig = triggers(sid, kq_tally, framework)
        decision = decisions.get(sid)
        final[sid] = decision["rating"] if decision else computed
        lows = ", ".join(f"{k} {percent(*kq_tally[k])}%" for k in lowest)
        say(
            f"  {sid}  computed {computed} (lowest {lows}); published {published_rating[sid]}; "
            f"triggers {trig or 'none'}; panel decision {'yes' if decision else 'none needed' if computed == published_rating[sid] else 'MISSING'}"
        )
        if final[sid] != published_rating[sid]:
            failures.append(f"standard {sid} final rating {final[sid]} differs from published")
    say(
        f"  panel_decisions in the file: {len(decisions)}"
        + (" (every computed rating equals the published rating)" if not decisions else "")
    )
    expected_standards = len(framework["domain_one"]) + len(
        {standard_of(k) for k in framework["key_questions"]}
    )
    if len(final) != expected_standards or any(v is None for v in final.values()):
        failures.append("some standard has no rating")
    score = sum(SCORES[r] for r in final.values() if r)
    max_score = 3 * expected_standards
    rating = overall_band(score)
    pub_overall = published["overall"]
    say("")
    say(
        f"Overall: {score}/{max_score} = {rating} (published {pub_overall['score']}/{pub_overall['max']} = "
        f"{pub_overall['rating']})"
    )
    if (score, max_score, rating) != (pub_overall["score"], pub_overall["max"], pub_overall["rating"]):
        failures.append("overall score differs from the published one")

    say("")
    if failures:
        say(f"RESULT: {len(failures)} hard check(s) FAILED")
        for f in failures:
            say(f"  - {f}")
    else:
        say(
            f"RESULT: all hard checks passed ({kq_ok}/{len(kq_tally)} key questions exact, {matches}/"
            f"{len(prompt_tally)} prompts exact, {len(mismatches)} prompts unreproducible by construction, "
            f"overall {score}/{max_score} {rating})"
        )
    print("\n".join(out))
    return not failures


def main():
    framework, notes = load_framework()
    published = json.loads(PUBLISHED_PATH.read_text(encoding="utf-8"))
    document, targets = generate(framework, published)
    OUTPUT_PATH.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {shown(OUTPUT_PATH)}: {len(document['cases'])} cases")
    print()
    return 0 if check(framework, published, targets, notes) else 1


if __name__ == "__main__":
    sys.exit(main())

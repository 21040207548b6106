"""inspection-data/1 documents for the tests: the Cheshire demo, and ways to change it."""

import copy
import json
from functools import cache

from ratings.demo import DEMO_FILE

PUBLISHED_FILE = DEMO_FILE.parent / "cheshire-2021-published.json"


@cache
def _cheshire() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def cheshire(**inspection) -> dict:
    """A fresh copy of the Cheshire demo document; keyword arguments change its "inspection" entry."""
    document = copy.deepcopy(_cheshire())
    document["inspection"].update(inspection)
    return document


@cache
def published() -> dict:
    return json.loads(PUBLISHED_FILE.read_text(encoding="utf-8"))


def with_yes(document: dict, key_question: str, yes: int) -> dict:
    """Changes the answers to a key question so that `yes` of its applicable cases say 'yes' (the first ones)."""
    applicable = [case for case in document["cases"] if case["answers"].get(key_question) in ("yes", "no")]
    assert yes <= len(applicable), f"{key_question} has only {len(applicable)} applicable cases"
    for index, case in enumerate(applicable):
        case["answers"][key_question] = "yes" if index < yes else "no"
    return document


def with_domain_one(document: dict, **ratings) -> dict:
    """Sets domain-one proposals: with_domain_one(doc, **{"1.2": "good"})."""
    for entry in document["domain_one"]:
        if entry["standard"] in ratings:
            entry["rating"] = ratings[entry["standard"]]
    return document

"""`second_markings` in inspection-data/1: import, export byte for byte, refusals with their JSON path, and the
agreement figures the command and the JSON page give for them."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cases.models import SecondMarking, SecondMarkingAnswer
from inspections.models import Inspection
from inspections.services import inspection_replacement
from ratings.data_format import export_document
from ratings.services import inspection_import
from ratings.tests.documents import cheshire

pytestmark = pytest.mark.django_db
User = get_user_model()


def key_questions_of(case: dict) -> dict:
    return {code: value for code, value in case["answers"].items() if code.count(".") == 2}


def with_second_markings() -> dict:
    """Cheshire with two second markings: CH-C01 by an account (in other letter case), agreeing but on one
    key question and answering a prompt; CH-O01 by a historical marker with no account, agreeing throughout."""
    document = cheshire()
    court = next(c for c in document["cases"] if c["reference"] == "CH-C01")
    out_of_court = next(c for c in document["cases"] if c["reference"] == "CH-O01")
    court_answers = key_questions_of(court)
    court_answers["2.1.1"] = "no" if court_answers["2.1.1"] == "yes" else "yes"
    court_answers["2.1.1.a"] = court["answers"]["2.1.1.a"]
    court_answers = {code: court_answers[code] for code in court["answers"] if code in court_answers}
    document["second_markings"] = [
        {"case": "CH-C01", "marker": "Second.Marker@example.org", "answers": court_answers},
        {
            "case": "CH-O01",
            "marker": "retired.inspector@example.org",
            "answers": key_questions_of(out_of_court),
        },
    ]
    return document


def dumps(document) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def test_second_markings_round_trip_byte_for_byte_and_link_an_account_by_email(
    framework, make_user, tmp_path
):
    account = make_user("inspector", email="second.marker@example.org")
    users = User.objects.count()
    document = with_second_markings()
    source = tmp_path / "in.json"
    source.write_text(dumps(document), encoding="utf-8")
    call_command("import_inspection", str(source))
    linked = SecondMarking.objects.get(case__reference="CH-C01")
    kept = SecondMarking.objects.get(case__reference="CH-O01")
    assert (linked.marker, linked.marker_label) == (account, "")
    assert (kept.marker, kept.marker_label) == (None, "retired.inspector@example.org")
    assert User.objects.count() == users  # no account is created for a historical marker
    assert linked.submitted_at and kept.submitted_at
    target = tmp_path / "out.json"
    call_command("export_inspection", "CHESHIRE-2021", "--output", str(target))
    # The account's email is written as the account has it (lower case here), so compare on the file as given.
    document["second_markings"][0]["marker"] = "second.marker@example.org"
    assert target.read_text(encoding="utf-8") == dumps(document)
    assert target.read_bytes() == dumps(document).encode("utf-8")


def test_the_exported_file_imports_and_exports_again_the_same(framework, tmp_path):
    inspection = inspection_import(document=with_second_markings()).inspection
    exported, left_out = export_document(inspection)
    assert left_out == []
    with inspection_replacement(reason="the round trip imports the file again"):
        inspection.delete()
    again = inspection_import(document=exported).inspection
    assert export_document(again)[0] == exported


def test_without_second_markings_the_export_has_no_such_entry(framework):
    inspection = inspection_import(document=cheshire()).inspection
    assert "second_markings" not in export_document(inspection)[0]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda d: d["second_markings"][0].update(case="CH-X99"),
            "$.second_markings[0].case: 'CH-X99' is not the reference of a case in $.cases.",
        ),
        (
            lambda d: d["second_markings"][1]["answers"].update({"3.1.1": "maybe"}),
            "$.second_markings[1].answers['3.1.1']: 'maybe' is not an answer: use yes, no or na.",
        ),
        (
            lambda d: d["second_markings"][0]["answers"].update({"9.9.9": "yes"}),
            "$.second_markings[0].answers['9.9.9']: 9.9.9 is not a key question or prompt of youth-2021.",
        ),
        (
            lambda d: d["second_markings"][0]["answers"].update({"3.1.1": "yes"}),
            "$.second_markings[0].answers['3.1.1']: 3.1.1 belongs to domain 3, but this case is a court "
            "disposal (domain 2).",
        ),
        (
            lambda d: d["second_markings"][1]["answers"].pop("3.2.1"),
            "$.second_markings[1].answers: every key question of domain 3 needs an answer; missing: 3.2.1.",
        ),
        (
            lambda d: d["second_markings"][1]["answers"].update({"3.4.2": "yes"}),
            "$.second_markings[1].answers['3.4.2']: must be 'na': 3.4.2 applies only to youth conditional "
            "cautions, and this case is a community resolution.",
        ),
        (
            lambda d: d["second_markings"].append(dict(d["second_markings"][0])),
            "$.second_markings[2].case: CH-C01 is marked a second time already in $.second_markings[0].",
        ),
        (lambda d: d["second_markings"][0].pop("marker"), "$.second_markings[0].marker: is missing."),
        (
            lambda d: d["second_markings"][0].update(extra=1),
            "$.second_markings[0].extra: is not part of inspection-data/1 here.",
        ),
        (lambda d: d.update(second_markings={}), "$.second_markings: must be a JSON list."),
    ],
)
def test_a_bad_entry_is_refused_with_its_json_path_and_nothing_is_written(framework, change, problem):
    document = with_second_markings()
    change(document)
    with pytest.raises(ValidationError) as refused:
        inspection_import(document=document)
    assert refused.value.messages == [problem]
    assert not Inspection.objects.exists()
    assert not SecondMarking.objects.exists() and not SecondMarkingAnswer.objects.exists()


def test_the_agreement_command_and_json_page_give_the_documented_figures(
    framework, make_user, client, capsys
):
    inspection = inspection_import(document=with_second_markings()).inspection
    call_command("agreement", "CHESHIRE-2021", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert list(printed) == ["cases", "key_questions", "domains", "overall"]
    assert printed["cases"] == 2
    # CH-C01 has 12 key questions (one differs), CH-O01 11 (3.4.2 na on both sides): 23 pairs, 22 equal.
    assert printed["overall"]["pairs"] == 23
    assert printed["overall"]["agreement"] == 0.9565  # 22 / 23 = 0.95652...
    assert printed["domains"]["2"]["pairs"] == 12 and printed["domains"]["3"]["pairs"] == 11
    assert printed["key_questions"]["2.1.1"] == {"pairs": 1, "agreement": 0.0, "kappa": 0.0, "ac1": -0.3333}
    assert printed["key_questions"]["3.4.2"] == {"pairs": 1, "agreement": 1.0, "kappa": None, "ac1": 1.0}
    assert list(printed["key_questions"])[:3] == ["2.1.1", "2.1.2", "2.1.3"]
    call_command("agreement", "CHESHIRE-2021")
    text = capsys.readouterr().out
    assert "CHESHIRE-2021: 2 cases marked by both markers." in text and "Overall" in text

    lead = make_user("lead_inspector")
    inspection.lead_inspector = lead
    inspection.save()
    from inspections.factories import TeamMembershipFactory
    from inspections.models import TeamRole

    TeamMembershipFactory(inspection=inspection, user=lead, role=TeamRole.LEAD)
    client.force_login(lead)
    assert client.get("/inspections/CHESHIRE-2021/agreement.json").json() == printed

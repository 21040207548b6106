"""Issue 13 items 8 and 10: what a signed-out visitor can put in a session, and autosave bodies that are not
the JSON the page sends. Each refused in words, nothing written, never a 500."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from cases.models import PromptAnswer
from cases.unsaved import MAX_KEPT_BYTES, MAX_KEPT_PAGES, SESSION_KEY
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def url(name, case, **kwargs):
    return reverse(
        f"cases:{name}", kwargs={"reference": case.inspection.reference, "case_id": case.pk, **kwargs}
    )


def session_bytes(client) -> int:
    return len(Session.objects.get(session_key=client.session.session_key).session_data)


def kept(client) -> dict:
    return client.session.get(SESSION_KEY, {})


# --- item 8: anonymous session stuffing ---------------------------------------------------------------


def test_a_signed_out_post_of_megabytes_is_not_kept_in_the_session(client, team, court_case):
    # Just under the request body limit (a larger body is refused before any view: a 400 in words).
    notes = "x" * (900 * 1024)
    for _ in range(3):
        response = client.post(
            url("facts", court_case), {"version": 1, "signed_in_as": team["inspector"].pk, "notes": notes}
        )
        assert response.status_code == 302
    assert session_bytes(client) < 2 * MAX_KEPT_BYTES
    assert kept(client) == {}
    response = client.post(
        url("facts", court_case), {"signed_in_as": team["inspector"].pk, "notes": "x" * (3 * 1024 * 1024)}
    )
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert kept(client) == {}


def test_only_a_bounded_number_of_pages_is_kept(client, team, court_case):
    for code in ("2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4"):
        client.post(
            url("standard", court_case, code=code),
            {"signed_in_as": team["inspector"].pk, "kq-2-1-1-rationale": f"Draft {code}."},
        )
    pages = kept(client)
    assert len(pages) == MAX_KEPT_PAGES
    # the most recent ones
    assert url("standard", court_case, code="3.4") in pages
    assert url("standard", court_case, code="2.1") not in pages


def test_a_post_that_names_no_one_is_not_kept(client, team, court_case):
    client.post(url("facts", court_case), {"version": 1, "notes": "Whose?"})
    client.post(url("facts", court_case), {"version": 1, "signed_in_as": "nobody", "notes": "Whose?"})
    assert kept(client) == {}


def test_answers_kept_for_one_person_are_dropped_when_another_signs_in(client, team, court_case):
    facts_url = url("facts", court_case)
    response = client.post(facts_url, {"version": 1, "signed_in_as": team["inspector"].pk, "notes": "Mine."})
    assert kept(client)
    client.post(response["Location"], {"username": team["lead"].email, "password": PASSWORD})
    assert kept(client) == {}


def test_answers_kept_for_the_person_who_signs_in_are_still_offered(client, team, court_case):
    facts_url = url("facts", court_case)
    response = client.post(facts_url, {"version": 1, "signed_in_as": team["inspector"].pk, "notes": "Kept."})
    client.post(response["Location"], {"username": team["inspector"].email, "password": PASSWORD})
    assert "Kept." in client.get(facts_url).content.decode()


# --- item 10: autosave bodies that are not the page's JSON --------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"[" * 1000, b"{" * 100_000, b"[" * 100_000, b'{"kind": "prompt"', b"\xff\xfe", b"null", b"[]", b'"x"'],
    ids=["1000 [", "100000 {", "100000 [", "truncated", "not utf-8", "null", "list", "string"],
)
def test_a_malformed_autosave_body_is_a_400_in_words(client, team, court_case, body):
    client.force_login(team["inspector"])
    response = client.post(url("autosave", court_case), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid", "message": "The change could not be read."}
    assert not PromptAnswer.objects.exists()


def test_a_huge_version_number_is_a_400_in_words(client, team, court_case):
    client.force_login(team["inspector"])
    change = {"kind": "prompt", "code": "2.1.1.a", "version": "9" * 5000, "fields": {"value": "yes"}}
    response = client.post(url("autosave", court_case), json.dumps(change), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert not PromptAnswer.objects.exists()

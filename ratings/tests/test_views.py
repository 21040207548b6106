"""The ratings pages, the panel's pages and the lead inspector's domain-one pages, through the test client."""

import json

import pytest
from django.urls import reverse

from cases.models import Case, KeyQuestionAnswer
from inspections.factories import TeamMembershipFactory
from inspections.models import TeamRole
from ratings.models import DomainOneProposal, EvidenceNote, PanelDecision, RatingsSignOff
from ratings.services import inspection_import

from .documents import cheshire, with_yes

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(lead_inspector, inspector, panel_member):
    return {"lead": lead_inspector, "inspector": inspector, "panel": panel_member}


def import_with_team(document, team):
    inspection = inspection_import(document=document).inspection
    for role, user in (("lead", TeamRole.LEAD), ("inspector", TeamRole.INSPECTOR), ("panel", TeamRole.PANEL)):
        TeamMembershipFactory(inspection=inspection, user=team[role], role=user)
    return inspection


@pytest.fixture
def signed_off(framework, team):
    return import_with_team(cheshire(), team)


@pytest.fixture
def open_inspection(framework, team):
    return import_with_team(cheshire(ratings_signed_off=False), team)


def url(name, inspection, **kwargs):
    return reverse(f"ratings:{name}", kwargs={"reference": inspection.reference, **kwargs})


def test_ratings_page_shows_every_standard_final_and_locked(
    client, signed_off, team, django_assert_max_num_queries
):
    client.force_login(team["inspector"])
    with django_assert_max_num_queries(20):
        response = client.get(url("ratings", signed_off))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Final</strong>" in html and "These ratings are locked." in html
    for code in ("1.1 Governance and leadership", "2.2 Planning", "3.4 Joint working"):
        assert code in html
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric app-table--numeric-lowest" data-key-question="2.2.3">54%'
        in html
    )
    assert "15 of 28" in html
    assert "One more &#x27;no&#x27; on 2.4.2 would make this &#x27;Requires improvement&#x27;" in html
    assert "26 out of 36" in html
    assert "Case answers have changed" not in html
    assert "Go to the ratings panel" not in html  # an inspector is not on the panel


def test_ratings_page_is_provisional_during_fieldwork(client, open_inspection, team):
    client.force_login(team["lead"])
    html = client.get(url("ratings", open_inspection)).content.decode()
    assert "Provisional</strong>" in html
    assert "These ratings are provisional." in html
    assert url("domain-one", open_inspection, standard="1.1") in html


def test_ratings_page_shows_what_would_change_after_sign_off(client, signed_off, team):
    answer = KeyQuestionAnswer.objects.filter(
        case__inspection=signed_off, key_question__code="2.4.2", value="no"
    ).first()
    answer.value = "yes"
    answer.save()
    client.force_login(team["panel"])
    html = client.get(url("ratings", signed_off)).content.decode()
    assert "Case answers have changed since the ratings were signed off." in html
    assert "16 of 23 (70%)" in html and "15 of 23 (65%)" in html
    assert "A new panel decision is needed" in html
    assert url("reopen", signed_off) in html
    # The locked table itself is unchanged.
    assert 'data-key-question="2.4.2">65%' in html


def test_ratings_json_url_gives_the_documented_output(client, signed_off, team):
    client.force_login(team["inspector"])
    response = client.get(url("ratings-json", signed_off))
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document["status"] == "final"
    assert document["overall"] == {"score": 26, "max_score": 36, "rating": "good"}


def test_a_panel_member_changes_a_rating_through_the_form(client, open_inspection, team):
    client.force_login(team["panel"])
    page = client.get(url("panel-decision", open_inspection, standard="2.2"))
    assert "What rating does the panel give 2.2 Planning?" in page.content.decode()
    response = client.post(
        url("panel-decision", open_inspection, standard="2.2"),
        {"rating": "inadequate", "key_question": "2.2.3", "rationale": "Weak contingency planning."},
    )
    assert response.status_code == 302
    decision = PanelDecision.objects.get()
    assert (decision.rating, decision.key_question.code, decision.decided_by) == (
        "inadequate",
        "2.2.3",
        team["panel"],
    )
    html = client.get(url("ratings", open_inspection)).content.decode()
    assert 'data-key-question="2.2.3">54%*' in html
    assert "*Professional discretion applied." in html
    assert "24 out of 36" not in html and "25 out of 36" in html


def test_a_refused_change_is_explained_on_the_form(client, open_inspection, team):
    client.force_login(team["panel"])
    response = client.post(
        url("panel-decision", open_inspection, standard="2.2"),
        {"rating": "outstanding", "key_question": "2.2.3", "rationale": "Much better."},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: 2.2 Planning" in html
    assert (
        "can move by one band at most: from &#x27;Requires improvement&#x27; to &#x27;Inadequate&#x27; or"
        in html
    )
    assert not PanelDecision.objects.exists()


def test_the_panel_page_says_which_move_each_trigger_permits_and_refuses_the_rest(
    client, open_inspection, team
):
    client.force_login(team["panel"])
    target = url("panel-decision", open_inspection, standard="2.1")
    html = client.get(target).content.decode()
    assert "Permits a move to &#x27;Requires improvement&#x27;." in html
    response = client.post(target, {"rating": "outstanding", "key_question": "2.1.2", "rationale": "Strong."})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "No discretion trigger of 2.1 permits moving &#x27;Good&#x27; to &#x27;Outstanding&#x27;: The "
        "near-boundary trigger permits a move to &#x27;Requires improvement&#x27; only." in html
    )
    assert not PanelDecision.objects.exists()


def test_the_panel_confirms_every_untriggered_rating_in_one_action_and_keeps_its_decisions(
    client, framework, team
):
    # 2.1 at 25, 25 and 24 of 34: lowest 71%, no trigger (Cheshire's own standards all have one).
    open_inspection = import_with_team(with_yes(cheshire(ratings_signed_off=False), "2.1.2", 25), team)
    client.force_login(team["panel"])
    panel = url("panel", open_inspection)
    # A decision made first (a change, where a trigger allows it) stays as it is.
    client.post(
        url("panel-decision", open_inspection, standard="2.2"),
        {"rating": "inadequate", "key_question": "2.2.3", "rationale": "Weak contingency planning."},
    )
    html = client.get(panel).content.decode()
    assert "Confirm every computed rating with no trigger" in html
    response = client.post(panel, follow=True)
    html = response.content.decode()
    decisions = {d.standard.code: d for d in PanelDecision.objects.filter(inspection=open_inspection)}
    confirmed = [code for code, d in decisions.items() if code != "2.2"]
    assert "2.1" in confirmed and "The panel confirmed the computed rating of" in html
    assert decisions["2.1"].rating == "good"
    assert decisions["2.2"].rating == "inadequate" and decisions["2.2"].version == 1
    for code in confirmed:
        d = decisions[code]
        assert (d.rationale, d.key_question, d.decided_by) == ("", None, team["panel"])
    assert "Confirm every computed rating with no trigger" not in html  # nothing left to confirm
    # Standards with a trigger are never confirmed by it: the panel decides those one by one.
    assert all(not code.startswith("1.") for code in decisions)


def test_after_a_reopen_the_decisions_already_made_stay(client, framework, team):
    document = cheshire()
    document["panel_decisions"] = [
        {"standard": "2.2", "rating": "inadequate", "key_question": "2.2.3", "rationale": "Weak."},
        {"standard": "2.1", "rating": "good", "key_question": None, "rationale": ""},
    ]
    signed_off = import_with_team(document, team)
    before = {d.standard.code: (d.rating, d.version) for d in PanelDecision.objects.all()}
    assert set(before) == {"2.1", "2.2"}
    client.force_login(team["panel"])
    client.post(url("reopen", signed_off), {"reason": "A case was re-marked."})
    assert not RatingsSignOff.objects.filter(inspection=signed_off, reopened_at__isnull=True).exists()
    after = {d.standard.code: (d.rating, d.version) for d in PanelDecision.objects.all()}
    assert after == before
    html = client.get(url("panel", signed_off)).content.decode()
    assert "Changed to Inadequate" in html and "Confirmed: Good" in html
    assert client.post(url("panel", signed_off)).status_code == 302
    assert {d.standard.code: (d.rating, d.version) for d in PanelDecision.objects.all()} == before


def test_a_stale_form_is_refused(client, open_inspection, team):
    client.force_login(team["panel"])
    target = url("panel-decision", open_inspection, standard="2.1")
    client.post(target, {"rating": "good", "rationale": ""})
    response = client.post(target, {"rating": "good", "rationale": "", "version": "0"})
    assert "Someone else saved a change to this while you were editing it." in response.content.decode()


def test_sign_off_and_reopen_through_the_pages(client, open_inspection, team):
    client.force_login(team["panel"])
    page = client.get(url("sign-off", open_inspection)).content.decode()
    assert "The ratings cannot be signed off yet" in page
    response = client.post(url("sign-off", open_inspection))
    assert "<title>Error: Sign off the ratings" in response.content.decode()
    assert not RatingsSignOff.objects.exists()

    for code, rating in [
        ("1.1", "outstanding"),
        ("1.2", "good"),
        ("1.3", "good"),
        ("1.4", "good"),
        ("2.1", "good"),
        ("2.2", "requires_improvement"),
        ("2.3", "good"),
        ("2.4", "good"),
        ("3.1", "good"),
        ("3.2", "good"),
        ("3.3", "outstanding"),
        ("3.4", "outstanding"),
    ]:
        assert (
            client.post(url("panel-decision", open_inspection, standard=code), {"rating": rating}).status_code
            == 302
        )
    assert client.post(url("sign-off", open_inspection)).status_code == 302
    assert RatingsSignOff.objects.get().signed_off_by == team["panel"]
    locked = client.post(url("panel-decision", open_inspection, standard="2.1"), {"rating": "good"})
    assert "The ratings are signed off. Reopen them before you change a decision." in locked.content.decode()

    assert client.post(url("reopen", open_inspection), {"reason": ""}).status_code == 200
    assert client.post(url("reopen", open_inspection), {"reason": "New evidence."}).status_code == 302
    assert RatingsSignOff.objects.get().reopen_reason == "New evidence."


def test_the_lead_proposes_a_domain_one_rating_and_records_evidence(client, open_inspection, team):
    client.force_login(team["lead"])
    target = url("domain-one", open_inspection, standard="1.2")
    response = client.post(target, {"rating": "good", "rationale": "Stable staff.", "version": "1"})
    html = response.content.decode()
    assert "Give your rationale for key question 1.2.1" in html
    response = client.post(
        target,
        {
            "rating": "requires_improvement",
            "rationale": "Oversight of medium-risk cases is weak.",
            "kq_1_2_1": "Stable.",
            "kq_1_2_2": "Skilled.",
            "kq_1_2_3": "Oversight is weak.",
            "kq_1_2_4": "Learning is underdeveloped.",
            "version": "1",
        },
    )
    assert response.status_code == 302
    proposal = DomainOneProposal.objects.get(inspection=open_inspection, standard__code="1.2")
    assert proposal.rating == "requires_improvement" and proposal.key_question_rationales.count() == 4

    evidence = url("evidence-add", open_inspection, standard="1.2")
    assert "Describe the evidence" in client.post(evidence, {"source": "interview"}).content.decode()
    client.post(evidence, {"source": "interview", "key_question": "1.2.3", "note": "Two team managers."})
    note = EvidenceNote.objects.get()
    assert (note.source, note.key_question.code, note.recorded_by) == ("interview", "1.2.3", team["lead"])
    assert "Two team managers." in client.get(target).content.decode()
    remove = url("evidence-remove", open_inspection, standard="1.2", note=note.pk)
    assert "Remove this evidence note" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not EvidenceNote.objects.exists()


def test_refusals_say_why(client, open_inspection, team):
    client.force_login(team["inspector"])
    response = client.get(url("panel", open_inspection))
    assert response.status_code == 403
    assert "Only members of this inspection&#x27;s ratings panel" in response.content.decode()
    client.force_login(team["panel"])
    response = client.get(url("domain-one", open_inspection, standard="1.1"))
    assert response.status_code == 403
    assert (
        "Only the lead inspector of this inspection can propose domain-one ratings"
        in response.content.decode()
    )
    client.force_login(team["lead"])
    assert client.get(url("domain-one", open_inspection, standard="2.1")).status_code == 404
    client.force_login(team["panel"])
    assert client.get(url("panel-decision", open_inspection, standard="9.9")).status_code == 404


def test_the_panel_page_lists_every_standard_with_its_state(
    client, open_inspection, team, django_assert_max_num_queries
):
    client.force_login(team["panel"])
    client.post(url("panel-decision", open_inspection, standard="2.2"), {"rating": "requires_improvement"})
    with django_assert_max_num_queries(20):
        html = client.get(url("panel", open_inspection)).content.decode()
    assert "Confirmed: Requires improvement" in html
    assert html.count("Not decided") == 11
    assert "Before the panel can sign the ratings off:" in html


def test_the_inspection_page_leads_to_the_ratings(client, signed_off, team):
    page = reverse("inspections:detail", kwargs={"reference": signed_off.reference})
    client.force_login(team["panel"])
    html = client.get(page).content.decode()
    assert "Signed off by the ratings panel on" in html
    assert url("ratings", signed_off) in html and url("panel", signed_off) in html
    client.force_login(team["inspector"])
    html = client.get(page).content.decode()
    assert url("ratings", signed_off) in html and url("panel", signed_off) not in html


def test_a_first_decision_recorded_meanwhile_is_not_overwritten(client, open_inspection, team, make_user):
    target = url("panel-decision", open_inspection, standard="2.2")
    client.force_login(team["panel"])
    form = client.get(target).context["form"]
    assert form["version"].value() == 0
    other = make_user("panel_member")
    TeamMembershipFactory(inspection=open_inspection, user=other, role=TeamRole.PANEL)
    client.force_login(other)
    client.post(target, {"rating": "requires_improvement", "version": "0"})
    client.force_login(team["panel"])
    response = client.post(
        target, {"rating": "inadequate", "key_question": "2.2.3", "rationale": "Weak.", "version": "0"}
    )
    assert "Someone else saved a change to this while you were editing it." in response.content.decode()
    assert PanelDecision.objects.get().rating == "requires_improvement"


# --- Domain one's case-sample figures ---------------------------------------------------------------------------


def record_oversight(inspection, sufficient: int, insufficient: int) -> None:
    """The first cases found oversight sufficient, the next ones not; the rest have none recorded."""
    cases = [c.pk for c in inspection.cases.order_by("reference")]
    inspection.cases.update(management_oversight="", case_manager_interviewed=None)
    Case.objects.filter(pk__in=cases[:sufficient]).update(management_oversight="sufficient")
    Case.objects.filter(pk__in=cases[sufficient : sufficient + insufficient]).update(
        management_oversight="insufficient"
    )


def test_the_lead_sees_the_case_figures_beside_the_standard_and_the_proposal_keeps_them(
    client, open_inspection, team, django_assert_max_num_queries
):
    record_oversight(open_inspection, 20, 10)
    client.force_login(team["lead"])
    target = url("domain-one", open_inspection, standard="1.2")
    with django_assert_max_num_queries(20):
        html = client.get(target).content.decode()
    assert "Case-sample figures for 1.2 Staff</caption>" in html
    row = html.split('data-case-figure="management_oversight_sufficient"', 1)[1].split("</tr>", 1)[0]
    assert "Management oversight was sufficient" in row and "Bears on key question 1.2.3" in row
    assert "20 of 30</td>" in row and "67%</td>" in row
    interviews = html.split('data-case-figure="case_manager_interviewed"', 1)[1].split("</tr>", 1)[0]
    assert "0 of 0</td>" in interviews and "Not enough cases</td>" in interviews
    assert "from the 57 submitted and approved case assessments" in html
    assert "The proposal kept no figures: it was imported" in html
    governance = client.get(url("domain-one", open_inspection, standard="1.1")).content.decode()
    assert "No case-sample figure bears on 1.1 Governance and leadership" in governance

    proposal = DomainOneProposal.objects.get(inspection=open_inspection, standard__code="1.2")
    client.post(
        target,
        {
            "rating": "requires_improvement",
            "rationale": "Oversight of medium-risk cases is weak.",
            **{f"kq_1_2_{n}": "Seen." for n in range(1, 5)},
            "version": str(proposal.version),
        },
    )
    proposal.refresh_from_db()
    assert proposal.case_figures["counts"]["management_oversight_sufficient"] == [20, 30]
    html = client.get(target).content.decode()
    assert "Cases when proposed" in html and "data-case-figures-changed" not in html


def test_the_panel_sees_the_figures_the_proposal_was_made_on_and_is_warned_when_they_change(
    client, open_inspection, team, django_assert_max_num_queries
):
    record_oversight(open_inspection, 20, 10)
    client.force_login(team["lead"])
    client.post(
        url("domain-one", open_inspection, standard="1.2"),
        {
            "rating": "requires_improvement",
            "rationale": "Oversight of medium-risk cases is weak.",
            **{f"kq_1_2_{n}": "Seen." for n in range(1, 5)},
            "version": "1",
        },
    )
    client.force_login(team["panel"])
    decision_page = url("panel-decision", open_inspection, standard="1.2")
    html = client.get(decision_page).content.decode()
    assert "Case-sample figures for 1.2 Staff</caption>" in html
    assert "Cases when proposed" in html and "from the 57 approved case assessments" in html
    assert "data-case-figures-changed" not in html

    record_oversight(open_inspection, 18, 13)
    with django_assert_max_num_queries(20):
        html = client.get(decision_page).content.decode()
    assert "The case-sample figures have changed since the proposal for 1.2 was made" in html
    assert "Management oversight was sufficient: 20 of 30 (67%) when proposed, 18 of 31 (58%) now" in html
    assert "Changed</strong>" in html
    assert "Proposed: Requires improvement; the case-sample figures have changed since" in (
        client.get(url("panel", open_inspection)).content.decode()
    )
    # The lead inspector is told on the proposal's page too.
    client.force_login(team["lead"])
    lead_html = client.get(url("domain-one", open_inspection, standard="1.2")).content.decode()
    assert "The case-sample figures have changed since the proposal for 1.2 was made" in lead_html


def test_an_imported_inspection_needs_no_population_and_no_draw(client, open_inspection, team):
    client.force_login(team["lead"])
    html = client.get(reverse("inspections:detail", kwargs={"reference": open_inspection.reference})).content
    html = html.decode()
    population = html.split('id="task-population-hint"', 1)[1].split("</li>", 1)[0]
    assert "The cases were imported from an inspection data file" in population
    assert "Not needed" in population
    sample = html.split('id="task-sample-hint"', 1)[1].split("</li>", 1)[0]
    assert "Not needed" in sample
    assert reverse("sampling:population", kwargs={"reference": open_inspection.reference}) not in html

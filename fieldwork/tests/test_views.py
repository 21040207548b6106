"""The fieldwork pages through Django's test client: referring from the case page, the queue, recording the
finding (every problem at once; a stale page refused), the finding on the case page against its standard,
the meetings log, and the inspection page's panel."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fieldwork import services
from fieldwork.models import Meeting, Referral
from inspections.models import Standard

pytestmark = pytest.mark.django_db


def task_list(case):
    return reverse("cases:task-list", kwargs={"reference": case.inspection.reference, "case_id": case.pk})


def refer_url(case):
    return reverse("fieldwork:refer", kwargs={"reference": case.inspection.reference, "case_id": case.pk})


def finding_url(referral):
    return reverse(
        "fieldwork:finding", kwargs={"reference": referral.inspection.reference, "number": referral.number}
    )


def url(name, inspection):
    return reverse(f"fieldwork:{name}", kwargs={"reference": inspection.reference})


def referral(team, case):
    return services.referral_make(
        case=case,
        referred_by=team["inspector"],
        discipline="education",
        question="Was the school told of the exclusion?",
        assigned_to_id=team["colleague"].pk,
    )


def test_the_case_page_offers_referral_to_its_inspector_and_the_lead_only(client, team, case):
    for who, offered in [("inspector", True), ("lead", True), ("colleague", False), ("panel", False)]:
        client.force_login(team[who])
        page = client.get(task_list(case)).content.decode()
        assert "This case has not been referred for the second fieldwork week." in page
        assert (refer_url(case) in page) is offered, who


def test_referring_lists_every_problem_then_refers_to_the_chosen_colleague(client, team, case):
    client.force_login(team["inspector"])
    page = client.get(refer_url(case)).content.decode()
    assert "Cole League" in page and "Pan Ellist" not in page  # panel members are not offered
    response = client.post(refer_url(case), {"discipline": "", "question": " ", "assigned_to": ""})
    errors = response.context["form"].errors
    assert sorted(errors) == ["assigned_to", "discipline", "question"]
    assert not Referral.objects.exists()
    response = client.post(
        refer_url(case),
        {
            "discipline": "police",
            "question": "Were the police at the risk meeting?",
            "assigned_to": team["colleague"].pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == task_list(case)
    made = Referral.objects.get()
    assert (made.discipline, made.assigned_to, made.number) == ("police", team["colleague"], 1)


def test_the_referral_is_in_the_colleagues_queue_and_not_in_anothers(client, team, case):
    made = referral(team, case)
    client.force_login(team["colleague"])
    response = client.get(url("queue", team["inspection"]))
    assert [r.number for r in response.context["queue"].mine] == [1]
    assert finding_url(made) in response.content.decode()
    client.force_login(team["qa"])
    response = client.get(url("queue", team["inspection"]))
    assert response.context["queue"].mine == [] and len(response.context["queue"].everyone) == 1
    assert finding_url(made) not in response.content.decode()
    # The inspection page tells the colleague a referral is waiting for them.
    client.force_login(team["colleague"])
    page = client.get(reverse("inspections:detail", kwargs={"reference": team["inspection"].reference}))
    assert "1 waiting for you" in page.content.decode()


def test_the_finding_shows_on_the_case_page_against_its_standard(client, team, case):
    made = referral(team, case)
    standard = Standard.objects.get(domain__framework=case.inspection.framework, code="2.4")
    client.force_login(team["colleague"])
    response = client.post(finding_url(made), {"finding": " ", "standard": "", "version": made.version})
    assert response.context["form"].errors == {"finding": ["Say what you found"]}
    response = client.post(
        finding_url(made),
        {"finding": "The school was told two weeks late.", "standard": standard.pk, "version": made.version},
    )
    assert response.status_code == 302
    client.force_login(team["inspector"])
    page = client.get(task_list(case)).content.decode()
    assert "The school was told two weeks late." in page
    assert f"2.4 {standard.title}" in page and "Done" in page


def test_a_stale_finding_page_is_refused_naming_who_saved_first(client, team, case):
    made = referral(team, case)
    services.finding_record(
        referral_id=made.pk,
        recorded_by=team["lead"],
        finding="The lead's finding.",
        standard_id=None,
        version=1,
    )
    client.force_login(team["colleague"])
    response = client.post(finding_url(made), {"finding": "Mine.", "standard": "", "version": 1})
    page = response.content.decode()
    assert "Lee Dean recorded the finding at" in page and "The lead&#x27;s finding." in page
    made.refresh_from_db()
    assert made.finding == "The lead's finding."


def test_a_colleague_logs_a_meeting_and_the_panel_reads_the_log(client, team):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.force_login(team["colleague"])
    response = client.post(url("meeting-add", team["inspection"]), {"who_with": "", "partner": ""})
    assert sorted(response.context["form"].errors) == ["held_on", "partner", "who_with"]
    response = client.post(
        url("meeting-add", team["inspection"]),
        {
            "held_on_0": yesterday.day,
            "held_on_1": yesterday.month,
            "held_on_2": yesterday.year,
            "who_with": "Chair of the management board",
            "partner": "service",
            "notes": "Governance",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get().logged_by == team["colleague"]
    client.force_login(team["panel"])
    page = client.get(url("meetings", team["inspection"])).content.decode()
    assert "Chair of the management board" in page and "1 meeting logged." in page
    assert url("meeting-add", team["inspection"]) not in page  # the panel may read, not log
    assert client.get(url("meeting-add", team["inspection"])).status_code == 403


def test_pages_of_a_published_inspection_refuse_writes(client, team, case):
    made = referral(team, case)
    team["inspection"].published_at = timezone.now()
    team["inspection"].save(update_fields=["published_at"])
    client.force_login(team["colleague"])
    response = client.post(finding_url(made), {"finding": "Too late.", "standard": "", "version": 1})
    assert response.status_code == 403 and "can no longer be changed" in response.content.decode()
    made.refresh_from_db()
    assert not made.is_done


def test_a_published_inspections_fieldwork_pages_are_read_only(client, team, case):
    made = referral(team, case)
    queue, meetings = url("queue", team["inspection"]), url("meetings", team["inspection"])

    def offers(user, page, link) -> bool:
        client.force_login(user)
        return link in client.get(page).content.decode()

    checks = [
        (team["lead"], task_list(case), finding_url(made)),
        (team["lead"], task_list(case), refer_url(case)),
        (team["colleague"], queue, finding_url(made)),
        (team["colleague"], meetings, url("meeting-add", team["inspection"])),
    ]
    assert all(offers(*check) for check in checks)  # before publication
    team["inspection"].published_at = timezone.now()
    team["inspection"].save(update_fields=["published_at"])
    assert not any(offers(*check) for check in checks)
    # The form-only pages go to the page that shows the same data.
    client.force_login(team["colleague"])
    assert client.get(finding_url(made)).url == queue
    assert client.get(url("meeting-add", team["inspection"])).url == meetings
    client.force_login(team["lead"])
    assert client.get(refer_url(case)).url == task_list(case)

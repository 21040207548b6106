"""The services of the joint fieldwork week: who may do what, every problem listed with nothing written,
stale edits refused naming who saved first, history kept, and everything frozen once published."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fieldwork import services
from fieldwork.models import Meeting, Referral
from inspections.models import Standard
from inspections.publication import InspectionPublished

pytestmark = pytest.mark.django_db


def refer(case, user, *, discipline="police", question="Did the police share what they knew?", to=None):
    return services.referral_make(
        case=case,
        referred_by=user,
        discipline=discipline,
        question=question,
        assigned_to_id=to.pk if to is not None else None,
    )


def find(referral, user, finding="The police had shared it late.", standard=None, version=None):
    return services.finding_record(
        referral_id=referral.pk,
        recorded_by=user,
        finding=finding,
        standard_id=standard.pk if standard else None,
        version=referral.version if version is None else version,
    )


def log(inspection, user, **changes):
    values = {
        "held_on": timezone.localdate() - datetime.timedelta(days=1),
        "who_with": "Chair of the management board",
        "partner": "service",
        "notes": "",
        **changes,
    }
    return services.meeting_log(inspection=inspection, logged_by=user, **values)


def standard(case, code):
    return Standard.objects.get(domain__framework=case.inspection.framework, code=code)


def publish(inspection):
    inspection.published_at = timezone.now()
    inspection.save(update_fields=["published_at"])


@pytest.mark.parametrize("who", ["inspector", "lead"])
def test_the_cases_inspector_or_the_lead_refers_it_to_a_named_colleague_numbered_in_turn(team, case, who):
    first = refer(case, team[who], to=team["colleague"])
    second = refer(case, team[who], discipline="health", question="Was CAMHS involved?", to=team["colleague"])
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert first.assigned_to == team["colleague"] and first.referred_by == team[who]
    assert not first.is_done and first.version == 1
    assert first.events.count() == 1  # pghistory keeps the history


@pytest.mark.parametrize("who", ["colleague", "qa", "panel"])
def test_no_one_else_may_refer_a_case(team, case, who):
    with pytest.raises(PermissionDenied, match="allocated to and the lead inspector"):
        refer(case, team[who], to=team["colleague"])
    assert not Referral.objects.exists()


def test_a_referral_lists_every_problem_and_writes_nothing(team, case, make_user):
    outsider = make_user("inspector")
    with pytest.raises(ValidationError) as refused:
        refer(case, team["inspector"], discipline="probation", question="  ", to=outsider)
    assert refused.value.message_dict == {
        "discipline": ["Choose the discipline to refer the case to"],
        "question": ["Say what the colleague inspector should follow up"],
        "assigned_to": ["Choose who on the team will follow it up"],
    }
    # A panel member is on the team but does no fieldwork: they cannot be given a referral either.
    with pytest.raises(ValidationError, match="Choose who on the team"):
        refer(case, team["inspector"], to=team["panel"])
    assert not Referral.objects.exists()


def test_the_colleague_records_the_finding_against_a_standard_of_the_cases_domain(team, case):
    referral = refer(case, team["inspector"], to=team["colleague"])
    done = find(referral, team["colleague"], standard=standard(case, "2.2"))
    assert done.is_done and done.found_by == team["colleague"] and done.standard.code == "2.2"
    assert done.version == 2
    assert list(done.events.values_list("finding", flat=True).order_by("pgh_id")) == [
        "",
        "The police had shared it late.",
    ]


def test_a_finding_lists_every_problem_and_writes_nothing(team, case):
    referral = refer(case, team["inspector"], to=team["colleague"])
    out_of_court_standard = standard(case, "3.2")  # a court case's standards are domain two's
    with pytest.raises(ValidationError) as refused:
        find(referral, team["colleague"], finding=" ", standard=out_of_court_standard)
    assert refused.value.message_dict == {
        "finding": ["Say what you found"],
        "standard": ["Choose a standard of the case's domain, or none"],
    }
    referral.refresh_from_db()
    assert not referral.is_done and referral.version == 1


@pytest.mark.parametrize("who", ["inspector", "qa", "panel"])
def test_only_the_assigned_member_and_the_lead_record_the_finding(team, case, who):
    referral = refer(case, team["lead"], to=team["colleague"])
    with pytest.raises(PermissionDenied, match="assigned to and the lead inspector"):
        find(referral, team[who])
    assert find(referral, team["lead"]).found_by == team["lead"]


def test_a_stale_change_of_the_finding_is_refused_naming_who_saved_first(team, case):
    referral = refer(case, team["inspector"], to=team["colleague"])
    opened_at = referral.version
    find(referral, team["lead"], finding="The lead's finding.")
    with pytest.raises(
        ValidationError, match=r"'Lee Dean recorded the finding at .*your change was not saved"
    ):
        find(referral, team["colleague"], finding="The colleague's finding.", version=opened_at)
    referral.refresh_from_db()
    assert referral.finding == "The lead's finding." and referral.found_by == team["lead"]
    # From the page as it is now, the change is saved.
    assert find(referral, team["colleague"], finding="Both agree.").finding == "Both agree."


@pytest.mark.parametrize("who", ["lead", "inspector", "colleague", "qa"])
def test_any_inspector_on_the_team_logs_a_meeting(team, who):
    meeting = log(team["inspection"], team[who], notes="  Governance and partnerships.  ")
    assert meeting.logged_by == team[who] and meeting.notes == "Governance and partnerships."
    assert meeting.events.count() == 1


def test_the_panel_and_outsiders_may_not_log_a_meeting(team, make_user):
    for user in (team["panel"], make_user("inspector")):
        with pytest.raises(PermissionDenied, match="Only the inspectors"):
            log(team["inspection"], user)
    assert not Meeting.objects.exists()


def test_a_meeting_lists_every_problem_and_writes_nothing(team):
    with pytest.raises(ValidationError) as refused:
        log(team["inspection"], team["lead"], held_on=None, who_with=" ", partner="")
    assert refused.value.message_dict == {
        "held_on": ["Enter the date of the meeting"],
        "who_with": ["Say who the meeting was with, for example the chair of the management board"],
        "partner": ["Choose the discipline or partner the meeting was with"],
    }
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="today or in the past"):
        log(team["inspection"], team["lead"], held_on=tomorrow)
    assert not Meeting.objects.exists()


def test_a_published_inspections_fieldwork_is_frozen(team, case):
    referral = refer(case, team["inspector"], to=team["colleague"])
    publish(team["inspection"])
    case.inspection.published_at = None  # the service reads publication again, under lock
    with pytest.raises(InspectionPublished, match="can no longer be changed"):
        refer(case, team["inspector"], to=team["colleague"])
    with pytest.raises(InspectionPublished):
        find(referral, team["colleague"])
    inspection = type(team["inspection"]).objects.get(pk=team["inspection"].pk)
    inspection.published_at = None  # as a page opened before publication had it
    with pytest.raises(InspectionPublished):
        log(inspection, team["lead"])
    referral.refresh_from_db()
    assert Referral.objects.count() == 1 and not referral.is_done and not Meeting.objects.exists()

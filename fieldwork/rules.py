"""What a referral, a finding and a meeting must say, as plain Python over plain values (no database),
shared by the forms and the services so that a page and a service name the same problems in the same words."""

import datetime

DISCIPLINES = ("police", "health", "social_care", "education", "other")
PARTNERS = ("service", *DISCIPLINES)


def referral_problems(*, discipline: str, question: str, assigned_to_ok: bool) -> dict[str, list[str]]:
    """Every problem with a referral about to be made, by field; empty when it can be made.
    `assigned_to_ok` says whether a member of the team who can follow it up was chosen."""
    problems: dict[str, list[str]] = {}
    if discipline not in DISCIPLINES:
        problems["discipline"] = ["Choose the discipline to refer the case to"]
    if not question.strip():
        problems["question"] = ["Say what the colleague inspector should follow up"]
    if not assigned_to_ok:
        problems["assigned_to"] = ["Choose who on the team will follow it up"]
    return problems


def finding_problems(*, finding: str, standard_ok: bool) -> dict[str, list[str]]:
    """Every problem with a finding about to be recorded. `standard_ok` is False when a standard was chosen
    that is not one of the case's domain."""
    problems: dict[str, list[str]] = {}
    if not finding.strip():
        problems["finding"] = ["Say what you found"]
    if not standard_ok:
        problems["standard"] = ["Choose a standard of the case's domain, or none"]
    return problems


def meeting_problems(
    *, held_on: datetime.date | None, who_with: str, partner: str, today: datetime.date
) -> dict[str, list[str]]:
    """Every problem with a meeting about to be logged."""
    problems: dict[str, list[str]] = {}
    if held_on is None:
        problems["held_on"] = ["Enter the date of the meeting"]
    elif held_on > today:
        problems["held_on"] = ["The date of the meeting must be today or in the past"]
    if not who_with.strip():
        problems["who_with"] = ["Say who the meeting was with, for example the chair of the management board"]
    if partner not in PARTNERS:
        problems["partner"] = ["Choose the discipline or partner the meeting was with"]
    return problems

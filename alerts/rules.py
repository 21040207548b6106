"""What an alert must say, as plain Python over plain values (no database), shared by the forms and the
services so that a page and a service name the same problems in the same words."""

import datetime

CONCERNS = ("child_safety", "harm_to_others", "other")
NOTIFIED_HOW = ("in_person", "telephone", "email", "other")

# An alert open longer than this is flagged on the register and the inspection page. Calendar days, not
# working days: simpler, and it flags a little early over a weekend rather than late.
OVERDUE_AFTER = datetime.timedelta(days=2)


def raise_problems(
    *,
    concern: str,
    findings: str,
    action_requested: str,
    notified_name: str,
    notified_role: str,
    notified_how: str,
    notified_at: datetime.datetime | None,
    fieldwork_start: datetime.date,
    now: datetime.datetime,
) -> dict[str, list[str]]:
    """Every problem with an alert about to be raised, by field; empty when it can be raised."""
    problems: dict[str, list[str]] = {}
    if concern not in CONCERNS:
        problems["concern"] = ["Choose what the concern is about"]
    if not findings.strip():
        problems["findings"] = ["Say what you found that puts someone at risk"]
    if not action_requested.strip():
        problems["action_requested"] = ["Say what you asked the service to do"]
    if not notified_name.strip():
        problems["notified_name"] = ["Enter the name of the person you told at the service"]
    if not notified_role.strip():
        problems["notified_role"] = ["Enter the role of the person you told at the service"]
    if notified_how not in NOTIFIED_HOW:
        problems["notified_how"] = ["Choose how you told them"]
    if notified_at is None:
        problems["notified_at"] = ["Enter the date and time you told them"]
    elif notified_at > now:
        problems["notified_at"] = ["The time you told them must be now or in the past"]
    elif notified_at.date() < fieldwork_start:
        problems["notified_at"] = [
            f"The time you told them must be on or after the start of fieldwork, {fieldwork_start:%-d %B %Y}"
        ]
    return problems


def resolve_problems(*, service_action: str, confirmed_by_name: str) -> dict[str, list[str]]:
    """Every problem with recording the service's confirmation, by field."""
    problems: dict[str, list[str]] = {}
    if not service_action.strip():
        problems["service_action"] = ["Say what the service confirmed it has done"]
    if not confirmed_by_name.strip():
        problems["confirmed_by_name"] = ["Enter the name of the person at the service who confirmed it"]
    return problems


def is_overdue(*, notified_at: datetime.datetime, now: datetime.datetime) -> bool:
    return now - notified_at > OVERDUE_AFTER


def age_in_words(*, since: datetime.datetime, now: datetime.datetime) -> str:
    """How long an alert has been open: '3 days', '1 day', '5 hours', 'under an hour'."""
    elapsed = now - since
    if elapsed.days >= 1:
        return f"{elapsed.days} day{'s' if elapsed.days != 1 else ''}"
    hours = elapsed.seconds // 3600
    if hours >= 1:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return "under an hour"

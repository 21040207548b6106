"""What alerts add to the inspection page and to a case's page (registered in apps.py)."""

from .selectors import case_alerts, open_alert_counts


def inspection(request, inspection) -> dict:
    """The number of open alerts, and whether any has been open too long, for everyone on the team."""
    return {"counts": open_alert_counts(inspection)}


def case(request, case) -> dict:
    """The case's alerts, and the way to raise one for those who may."""
    return {
        "alerts": case_alerts(case),
        "can_raise": not case.inspection.is_published and request.user.has_perm("alerts.raise_alert", case),
    }

"""The report's panel on the inspection page: a link to the report (no query of its own, so the inspection
page's query count does not grow with it)."""

from django.http import HttpRequest

from inspections.models import Inspection


def report(request: HttpRequest, inspection: Inspection) -> dict | None:
    if not request.user.has_perm("inspections.view_inspection", inspection):
        return None
    return {
        "can_write": not inspection.is_published
        and request.user.has_perm("inspections.write_report", inspection)
    }

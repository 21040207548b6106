"""The report's panel on the inspection page: a link to the report and its latest PDF."""

from django.http import HttpRequest

from inspections.models import Inspection

from .models import Render, RenderFormat


def report(request: HttpRequest, inspection: Inspection) -> dict | None:
    if not request.user.has_perm("inspections.view_inspection", inspection):
        return None
    latest = Render.objects.filter(inspection=inspection, format=RenderFormat.PDF).order_by("-number").first()
    return {"latest": latest, "can_write": request.user.has_perm("inspections.write_report", inspection)}

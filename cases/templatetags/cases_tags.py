from django import template
from django.urls import reverse

from cases.presenters import shown

register = template.Library()

STATUS_TAG_COLOURS = {
    "not_started": "govuk-tag--grey",
    "in_progress": "govuk-tag--light-blue",
    "submitted": "govuk-tag--blue",
    "returned": "govuk-tag--orange",
    "approved": "govuk-tag--green",
}


@register.inclusion_tag("cases/includes/status_tag.html")
def status_tag(case):
    return {"label": case.get_status_display(), "colour": STATUS_TAG_COLOURS.get(case.status, "")}


@register.filter
def answer(value) -> str:
    """yes / no / na / blank in words."""
    return shown(value)


@register.simple_tag
def case_url(name, case, **kwargs) -> str:
    return reverse(
        f"cases:{name}", kwargs={"reference": case.inspection.reference, "case_id": case.pk, **kwargs}
    )


@register.filter
def percent_of(answered, total) -> int:
    return round(100 * answered / total) if total else 0


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None

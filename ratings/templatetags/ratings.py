from django import template

from ratings import rules

register = template.Library()

TAG_COLOURS = {
    rules.OUTSTANDING: "govuk-tag--green",
    rules.GOOD: "govuk-tag--turquoise",
    rules.REQUIRES_IMPROVEMENT: "govuk-tag--yellow",
    rules.INADEQUATE: "govuk-tag--red",
}


@register.filter
def rating_label(rating: str | None) -> str:
    """'Requires improvement' for requires_improvement; 'Not rated' for no rating."""
    return rules.RATING_LABELS.get(rating, "Not rated") if rating else "Not rated"


@register.filter
def rating_colour(rating: str | None) -> str:
    return TAG_COLOURS.get(rating, "govuk-tag--grey")


@register.filter
def percent_text(value: int | None) -> str:
    """A whole-number percentage, or a dash where no case applies."""
    return "–" if value is None else f"{value}%"


NOT_ENOUGH_CASES = "Not enough cases"


@register.filter
def figure_percent(figure) -> str:
    """A case-sample figure's percentage, or why there is none."""
    return NOT_ENOUGH_CASES if figure.percent is None else f"{figure.percent}%"


@register.filter
def figure_text(figure) -> str:
    """'17 of 23 (74%)', or '0 of 0 (not enough cases)'."""
    percent = "not enough cases" if figure.percent is None else f"{figure.percent}%"
    return f"{figure.yes} of {figure.applicable} ({percent})"


TRIGGER_LABELS = {
    rules.NEAR_BOUNDARY: "Near a boundary",
    rules.ONE_CASE: "One case",
    rules.SMALL_SAMPLE: "Small sample",
}


@register.filter
def trigger_label(kind: str) -> str:
    return TRIGGER_LABELS.get(kind, kind)

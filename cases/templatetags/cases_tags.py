from django import template
from django.urls import reverse

from cases.presenters import shown
from cases.selectors import answer_slug

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


COMMENT_TAG_COLOURS = {
    "open": "govuk-tag--red",
    "answered": "govuk-tag--green",
    "judgement_changed": "govuk-tag--green",
    "withdrawn": "govuk-tag--grey",
}


@register.inclusion_tag("cases/includes/kq_comments.html", takes_context=True)
def kq_comments(context, key_question, heading_level=3):
    """The reviewers' comments on a key question, beside it (a page's context has `review_comments`, by
    key question id, from cases.views.comments_context), with a link to answer each for its inspector."""
    return {
        "comments": (context.get("review_comments") or {}).get(key_question.pk, []),
        "key_question": key_question,
        "case": context.get("case"),
        "can_answer": context.get("can_answer_comments", False),
        "can_withdraw": context.get("can_comment", False),
        "heading": f"h{heading_level}",
        "anchor": comments_anchor(key_question.code),
    }


@register.filter
def comments_anchor(code: str) -> str:
    """The id of a key question's comments on a page: kq-2-1-1-comments."""
    return f"{answer_slug('kq', code)}-comments"


@register.filter
def comment_tag_colour(state) -> str:
    return COMMENT_TAG_COLOURS.get(str(state), "")


@register.simple_tag
def qa_was(changes, code) -> dict:
    """The fields of a key question's answer that changed since the case was returned, with their values then."""
    return changes.key_questions.get(code, {}) if changes else {}


@register.simple_tag
def qa_prompt_was(changes, code):
    """A prompt's answer when the case was returned, if it has changed since (else None)."""
    if not changes or code not in changes.prompts:
        return None
    return changes.prompts[code]


@register.filter
def get_field(values: dict, name: str):
    return values.get(name)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None

"""Case data in the inspectors' words, for pages and for the autosave endpoint's answers."""

from django.urls import reverse
from django.utils import timezone

from .models import FACT_FIELDS, Case
from .selectors import CHOICE_NAMES, answer_slug
from .services import StaleAnswer

ANSWER_FIELD_LABELS = {
    "value": "Answer",
    "rationale": "Rationale",
    "out_of_scope_reason": "Why it is out of scope",
    "quote": "Quote for the report",
    "good_practice": "Good practice example",
}


def shown(value) -> str:
    if value is None or value == "":
        return "Not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return CHOICE_NAMES.get(value, value)


def _as_in_form(value, kind: str):
    """A saved value as the page's inputs hold it (the facts page asks yes/no questions as radios)."""
    if kind == "facts" and (value is None or isinstance(value, bool)):
        return "" if value is None else ("yes" if value else "no")
    return value


def conflict_display(stale: StaleAnswer, *, kind: str, fields=()) -> dict:
    """What the other person saved, to show next to the question whose save was refused: the fields the
    refused change touched, and the answer itself for context."""
    when = timezone.localtime(stale.updated_at).strftime("%H:%M")
    if kind == "facts":
        labels = {f.name: str(f.verbose_name).capitalize() for f in Case._meta.fields}
    else:
        labels = ANSWER_FIELD_LABELS
    if kind == "key_question":
        # Their whole answer (judgement, rationale, reason, quote, good practice), whatever field ours touched:
        # a person deciding whether to replace it must see all of it.
        shown_fields = list(stale.current)
    else:
        shown_fields = [
            name for name in stale.current if name in fields or (name == "value" and kind != "facts")
        ]
    return {
        "message": f"{stale.updated_by} changed this at {when}, after your page was loaded, so your change "
        "was not saved. Their answer is below.",
        "updated_by": stale.updated_by,
        "updated_at": when,
        "version": stale.version,
        "values": {name: _as_in_form(value, kind) for name, value in stale.current.items()},
        "current": [
            {"label": labels.get(name, name), "text": shown(stale.current[name])} for name in shown_fields
        ]
        + [{"label": "Changed by", "text": f"{stale.updated_by} at {when}"}],
    }


def facts_summary(case: Case) -> list[tuple[str, str]]:
    """The facts of the case from the service's records (not the inspector's to change)."""
    return [
        ("Case reference", case.reference),
        ("Child's identifier", case.child_id or "Not recorded"),
        ("Date of birth", case.date_of_birth.strftime("%-d %B %Y") if case.date_of_birth else "Not recorded"),
        ("Gender", case.get_gender_display()),
        ("Ethnicity", case.ethnicity or "Not recorded"),
        ("Disposal", f"{case.get_disposal_type_display()} ({case.get_category_display().lower()})"),
        ("Disposal date", case.disposal_date.strftime("%-d %B %Y") if case.disposal_date else "Not recorded"),
        ("Risk of serious harm (case manager)", case.get_rosh_display()),
        ("Safety and wellbeing (case manager)", case.get_safety_wellbeing_display()),
        ("Case manager", case.case_manager or "Not recorded"),
        ("Inspector", str(case.inspector) if case.inspector else "Not allocated"),
    ]


def judgements_summary(case: Case) -> list[tuple[str, str]]:
    """The inspector's own judgements about the case, for pages that show them without a form."""
    return [
        (str(Case._meta.get_field(name).verbose_name).capitalize(), shown(getattr(case, name)))
        for name in FACT_FIELDS
    ]


def problem_links(problems, case: Case) -> list[tuple[str, str]]:
    """(where to fix it, what to do) for each problem the check page lists: the field on the facts page or
    on a standard's page."""
    return [(_problem_url(problem, case), problem.message) for problem in problems]


def _problem_url(problem, case: Case) -> str:
    kwargs = {"reference": case.inspection.reference, "case_id": case.pk}
    if problem.code == "facts":
        return f"{reverse('cases:facts', kwargs=kwargs)}#id_{problem.field}_1"
    parts = problem.code.split(".")
    url = reverse("cases:standard", kwargs={**kwargs, "code": ".".join(parts[:2])})
    if len(parts) == 4:
        return f"{url}#{answer_slug('p', problem.code)}"
    return f"{url}#{answer_slug('kq', problem.code)}-{problem.field}"


def comment_problem_links(comments, case: Case) -> list[tuple[str, str]]:
    """(where to answer it, what to do) for each open comment of quality assurance, for the check page."""
    return [
        (
            reverse(
                "cases:comment-answer",
                kwargs={
                    "reference": case.inspection.reference,
                    "case_id": case.pk,
                    "comment_id": item.comment.pk,
                },
            ),
            f"Answer the quality assurance comment on key question {item.code}",
        )
        for item in comments
        if item.is_open
    ]

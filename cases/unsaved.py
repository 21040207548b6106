"""Answers posted after the session ended are not lost: they are kept in the new (anonymous) session, which
survives signing in, and the page offers them back, unsaved, to the person who wrote them."""

from django.contrib import messages
from django.http import QueryDict

SESSION_KEY = "unsaved_answers"


def keep_unsaved(request) -> None:
    kept = request.session.get(SESSION_KEY, {})
    kept[request.path] = {
        name: request.POST.getlist(name) for name in request.POST if name != "csrfmiddlewaretoken"
    }
    request.session[SESSION_KEY] = kept
    messages.warning(
        request,
        "You were signed out before your answers were saved. Sign in again: the page will show the answers "
        "you sent, and you can save them.",
    )


def offer_unsaved(request) -> QueryDict | None:
    """The answers kept for this page, if they were written by the person now signed in."""
    kept = request.session.get(SESSION_KEY, {}).get(request.path)
    if not kept or kept.get("signed_in_as") != [str(request.user.pk)]:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept.items():
        data.setlist(name, values)
    return data


def forget_unsaved(request) -> None:
    kept = request.session.get(SESSION_KEY, {})
    if kept.pop(request.path, None) is not None:
        request.session[SESSION_KEY] = kept

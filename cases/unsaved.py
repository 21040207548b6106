"""Answers posted after the session ended are not lost: they are kept in the new (anonymous) session, which
survives signing in, and the page offers them back, unsaved, to the person who wrote them.

Whoever posts is not signed in, so what is kept is bounded: only a post that names the person it was
written by (the page's hidden `signed_in_as`), at most MAX_KEPT_BYTES for a page and MAX_KEPT_PAGES pages
(the most recent), and only until someone signs in: then only what that person wrote is kept
(`keep_only_for`, on `user_logged_in`).
"""

from django.contrib import messages
from django.http import QueryDict

SESSION_KEY = "unsaved_answers"
MAX_KEPT_BYTES = 128 * 1024
"""A page's kept answers, all names and values together, in characters (a standard's page with every text
written at its limit fits; a post of megabytes does not)."""
MAX_KEPT_PAGES = 5
MAX_KEPT_TOTAL = 256 * 1024
"""All pages kept together: the oldest are dropped first."""
MAX_KEPT_FIELDS = 400


def _size(data: dict[str, list[str]]) -> int:
    return sum(len(name) + sum(len(value) for value in values) for name, values in data.items())


def keep_unsaved(request) -> None:
    signed_in_as = request.POST.get("signed_in_as", "")
    data = {name: request.POST.getlist(name) for name in request.POST if name != "csrfmiddlewaretoken"}
    if not signed_in_as.isdigit() or len(data) > MAX_KEPT_FIELDS or _size(data) > MAX_KEPT_BYTES:
        messages.warning(
            request,
            "You were signed out before your answers were saved, and they could not be kept. Sign in again "
            "and enter them again.",
        )
        return
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept.pop(request.path, None)
    kept[request.path] = data  # the most recent last
    while len(kept) > MAX_KEPT_PAGES or sum(_size(page) for page in kept.values()) > MAX_KEPT_TOTAL:
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept
    messages.warning(
        request,
        "You were signed out before your answers were saved. Sign in again: the page will show the answers "
        "you sent, and you can save them.",
    )


def keep_only_for(sender, request, user, **kwargs) -> None:
    """On `user_logged_in`: drop the answers kept for anyone else."""
    session = request.session
    kept = session.get(SESSION_KEY)
    if not kept:
        return
    mine = {path: data for path, data in kept.items() if data.get("signed_in_as") == [str(user.pk)]}
    if mine != kept:
        session[SESSION_KEY] = mine


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

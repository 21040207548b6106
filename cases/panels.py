"""What case assessment adds to the inspection page and to the home page (registered in apps.py)."""

from .selectors import qa_waiting_by_inspection, returned_cases_of


def assessment(request, inspection) -> dict:
    """Links to one's own cases and to everyone's progress (and the quality assurance queue, for reviewers)."""
    return {"reviews": request.user.has_perm("inspections.quality_assure", inspection)}


def quality_assurance(request) -> dict | None:
    """The cases waiting for the person's quality assurance, per inspection they lead or quality assure."""
    waiting = qa_waiting_by_inspection(request.user)
    return {"inspections": waiting} if waiting else None


def returned(request) -> dict | None:
    """The home page's list of the person's cases returned by quality assurance, with the reason (one query)."""
    cases = returned_cases_of(request.user)
    return {"cases": cases} if cases else None

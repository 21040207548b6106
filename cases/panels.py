"""What case assessment adds to the inspection page and the home page (registered in apps.py)."""

from .selectors import returned_cases_of


def assessment(request, inspection) -> dict:
    """Links to one's own cases and to everyone's progress (and quality assurance, for those who review)."""
    return {"reviews": request.user.has_perm("inspections.quality_assure", inspection)}


def returned(request) -> dict | None:
    """The home page's list of the person's cases returned by quality assurance, with the reason (one query)."""
    cases = returned_cases_of(request.user)
    return {"cases": cases} if cases else None

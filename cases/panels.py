"""What case assessment adds to the inspection page (registered in apps.py)."""

from .permissions import may


def assessment(request, inspection) -> dict:
    """Links to one's own cases and to everyone's progress (and quality assurance, for those who review)."""
    return {"reviews": may(request.user, "inspections.quality_assure", inspection)}

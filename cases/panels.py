"""What case assessment adds to the inspection page and to the home page (registered in apps.py)."""

from .selectors import qa_queue_count, qa_waiting_by_inspection


def assessment(request, inspection) -> dict:
    """Links to one's own cases and to everyone's progress, and for those who review, to the cases waiting for
    quality assurance with how many there are."""
    reviews = request.user.has_perm("inspections.quality_assure", inspection)
    return {"reviews": reviews, "waiting": qa_queue_count(inspection) if reviews else 0}


def quality_assurance(request) -> dict | None:
    """The cases waiting for the person's quality assurance, per inspection they lead or quality assure."""
    waiting = qa_waiting_by_inspection(request.user)
    return {"inspections": waiting} if waiting else None

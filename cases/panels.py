"""What case assessment adds to the inspection page (registered in apps.py)."""


def assessment(request, inspection) -> dict:
    """Links to one's own cases and to everyone's progress (and quality assurance, for those who review)."""
    return {"reviews": request.user.has_perm("inspections.quality_assure", inspection)}

"""What case assessment adds to the inspection page (registered in apps.py)."""

from django.db.models import Count, Q

from .models import Case, CaseStatus
from .permissions import may


def assessment(request, inspection) -> dict | None:
    """Where to assess one's cases and follow everyone's, with the counts that say what is waiting."""
    user = request.user
    counts = Case.objects.filter(inspection=inspection).aggregate(
        mine=Count("pk", filter=Q(inspector=user)),
        mine_returned=Count("pk", filter=Q(inspector=user, status=CaseStatus.RETURNED)),
        cases=Count("pk"),
        waiting=Count("pk", filter=Q(status=CaseStatus.SUBMITTED) & ~Q(inspector=user)),
    )
    if not counts["cases"]:
        return None
    return {**counts, "reviews": may(user, "inspections.quality_assure", inspection)}

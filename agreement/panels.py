"""What second marking adds to the inspection page (registered in apps.py)."""

from django.db.models import Count, Q

from cases.models import SecondMarking


def inspection(request, inspection) -> dict | None:
    """The link to second marking, with how many second markings wait for this person: one query."""
    user = request.user
    counts = SecondMarking.objects.filter(case__inspection=inspection).aggregate(
        chosen=Count("pk"), mine=Count("pk", filter=Q(marker_id=user.pk, submitted_at__isnull=True))
    )
    if not counts["chosen"] and not user.has_perm("agreement.choose_cases", inspection):
        return None
    return counts

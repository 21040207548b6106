"""What second marking adds to the inspection page (registered in apps.py)."""

from cases.models import SecondMarking


def inspection(request, inspection) -> dict | None:
    """The link to second marking, with how many second markings wait for this person."""
    user = request.user
    mine = SecondMarking.objects.filter(
        case__inspection=inspection, marker=user, submitted_at__isnull=True
    ).count()
    chosen = SecondMarking.objects.filter(case__inspection=inspection).count()
    if not chosen and not user.has_perm("agreement.choose_cases", inspection):
        return None
    return {"mine": mine, "chosen": chosen}

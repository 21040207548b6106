"""What the ratings add to the inspection page (registered in apps.py)."""

from .selectors import current_sign_off


def ratings(request, inspection) -> dict:
    """Where the team finds the ratings; the panel and the lead inspector also find their own pages."""
    user = request.user
    sign_off = current_sign_off(inspection)
    return {
        "sign_off": sign_off,
        "can_decide": user.has_perm("inspections.decide_ratings", inspection),
        # Proposals are locked once the ratings are signed off.
        "can_propose": sign_off is None
        and not inspection.is_published
        and user.has_perm("inspections.propose_domain_one_ratings", inspection),
    }

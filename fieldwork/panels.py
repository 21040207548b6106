"""What the joint fieldwork week adds to the inspection page and to a case's page (registered in apps.py)."""

from .selectors import case_referrals, panel_counts


def inspection(request, inspection) -> dict:
    """The referrals waiting for this person, and the links to the queue and the meetings log."""
    return panel_counts(inspection, request.user)


def case(request, case) -> dict:
    """The case's referrals with their findings, and the way to refer it for those who may."""
    referrals = case_referrals(case)
    open_ = not case.inspection.is_published  # a published inspection's data are read-only
    return {
        "referrals": [
            (referral, open_ and request.user.has_perm("fieldwork.record_finding", referral))
            for referral in referrals
        ],
        "can_refer": open_ and request.user.has_perm("fieldwork.refer_case", case),
    }

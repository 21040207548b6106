"""Who may change a case. Everyone on the inspection's team may read its cases (inspections.view_inspection);
changing one is for the inspector it is allocated to, and for the lead or a quality assurance inspector."""

import rules

from inspections.permissions import assures_quality


@rules.predicate
def is_allocated_inspector(user, case) -> bool:
    return bool(user.is_authenticated and case is not None and case.inspector_id == user.pk)


@rules.predicate
def assures_quality_of_case(user, case) -> bool:
    return case is not None and assures_quality(user, case.inspection)


rules.add_perm("cases.assess_case", is_allocated_inspector | assures_quality_of_case)

"""Who may change a case. Everyone on the inspection's team may read its cases (inspections.view_inspection);
only the inspector it is allocated to writes its answers and facts and submits it (README, Security: who may
write a case). A lead or quality assurance inspector who disagrees returns it with a reason; what they may
not do is write the judgement they then approve."""

import rules


@rules.predicate
def is_allocated_inspector(user, case) -> bool:
    return bool(user.is_authenticated and case is not None and case.inspector_id == user.pk)


rules.add_perm("cases.assess_case", is_allocated_inspector)

"""The rules a panel decision must obey (docs/rules.md section 4), for the panel's form and the import alike."""

from __future__ import annotations

from . import rules
from .selectors import InspectionRatings, StandardRatings


def panel_decision_problems(
    standard: StandardRatings, rating: str, key_question: str | None, rationale: str
) -> dict[str, list[str]]:
    """What stops the panel recording this decision on the standard, by field; empty if nothing does.

    Domains two and three: confirming the computed rating is always allowed and puts no asterisk on a key
    question; a change obeys `rules.panel_change_check` and needs a rationale. Domain one: the panel confirms
    or changes the lead inspector's proposal; a change needs a rationale.
    """
    problems: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        problems.setdefault(field_name, []).append(message)

    if rating not in rules.RATINGS:
        add("rating", f"Choose a rating for {standard.id}.")
        return problems
    label = rules.RATING_LABELS[rating]
    if not standard.is_case_based:
        if standard.proposal is None:
            add("rating", f"The lead inspector has not proposed a rating for {standard.id} yet.")
        elif rating != standard.proposal.rating and not rationale.strip():
            add("rationale", f"Give the panel's reasons for rating {standard.id} '{label}'.")
        if key_question:
            add(
                "key_question",
                f"{standard.id} is rated from evidence, so no key question carries an asterisk.",
            )
        return problems

    computed = standard.computed_rating
    if rating == computed:
        if key_question:
            add(
                "key_question",
                "Confirming the computed rating puts no asterisk on a key question: leave the key question empty.",
            )
        return problems
    if computed is None:
        if key_question:
            add(
                "key_question",
                f"No key question of {standard.id} has a percentage, so none can carry an asterisk.",
            )
    else:
        everything = rules.panel_change_check(standard.result, rating, key_question)
        # The problems that remain with a key question that can carry the asterisk are about the rating;
        # the rest are about the key question named.
        carrier = next(kq.id for kq in standard.key_questions if kq.lowest)
        about_rating = rules.panel_change_check(standard.result, rating, carrier)
        for message in everything:
            add("rating" if message in about_rating else "key_question", message)
    if not rationale.strip():
        add("rationale", f"Give the panel's reasons for rating {standard.id} '{label}'.")
    return problems


def sign_off_problems(ratings: InspectionRatings) -> list[str]:
    """Why the panel cannot sign these (final) ratings off yet; empty when it can."""
    problems = []
    cases = ratings.cases
    if cases.approved != cases.total:
        waiting = cases.total - cases.approved
        problems.append(
            f"{waiting} of the {cases.total} cases {'is' if waiting == 1 else 'are'} not approved yet: "
            "the ratings can be signed off only on approved case assessments."
        )
    for standard in ratings.standards:
        name = f"{standard.id} {standard.title}"
        if not standard.is_case_based and standard.proposal is None:
            problems.append(f"{name} has no proposed rating from the lead inspector.")
        elif standard.decision is None:
            problems.append(f"{name} has no panel decision: confirm or change its rating.")
        elif standard.decision_out_of_date:
            problems.append(f"{name}: the panel's decision rests on figures that have changed. Decide again.")
    return problems

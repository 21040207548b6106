"""Which answers a case allows, and what is left to do before its assessment can be submitted.

The rules are those of docs/rules.md section 2. In short:

- Every prompt and every key question of the case's domain is answered yes, no or not applicable (na).
  The key question's answer is the inspector's own summary judgement, with a written rationale.
- A key question for all cases is answered yes or no. Exceptionally a case is out of scope for it: then
  na, with the reason written down, and the case is flagged at quality assurance.
- Sub-sample key questions (keeping the child safe, keeping other people safe, a review was needed) may be
  na; the case facts suggest it (the inspector's own risk of serious harm level low, no safety factors, no
  review needed) but the inspector decides.
- 3.4.2 applies to youth conditional cautions only: na for every other out-of-court case, never na for one.
- A key question answered na makes all its prompts na. Otherwise only a prompt marked "relevant cases only"
  may be na on its own.

Plain Python over plain values, free of Django, so an inspector can read it and the tests can try every case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

YES, NO, NA = "yes", "no", "na"
ANSWERS = (YES, NO, NA)

ALL_CASES = "all_cases"
CHILD_SAFETY = "child_safety_subsample"
OTHERS_SAFETY = "others_safety_subsample"
REVIEW_NEEDED = "review_needed"
YCC_ONLY = "ycc_only"

LOW = "low"

# The rules that can fix a key question's answer whatever the inspector thinks (checked in the tests against
# key_question_applicability).
FIXING_RULES = (YCC_ONLY,)


@dataclass(frozen=True)
class Facts:
    """What the applicability rules need to know about a case (None: the inspector has not said yet)."""

    is_youth_conditional_caution: bool = False
    inspector_rosh: str = ""
    child_safety_factors: bool | None = None
    others_safety_factors: bool | None = None
    review_needed: bool | None = None


@dataclass(frozen=True)
class Applicability:
    """The answers a key question allows for one case."""

    choices: tuple[str, ...]
    # The only possible answer, set by the service rather than the inspector (3.4.2 outside a YCC).
    forced: str | None = None
    # na means "out of scope for this case": it needs a reason and is flagged at quality assurance.
    na_is_out_of_scope: bool = False
    # Why the case facts suggest na, in the inspector's words; the inspector may still answer yes or no.
    suggestions: tuple[str, ...] = ()
    # Why na is not allowed, or why it is the only answer.
    explanation: str = ""


def key_question_applicability(rules: Iterable[str], facts: Facts) -> Applicability:
    rules = set(rules)
    if YCC_ONLY in rules:
        if facts.is_youth_conditional_caution:
            return Applicability(
                choices=(YES, NO),
                explanation="This case is a youth conditional caution, so this key question applies to it.",
            )
        return Applicability(
            choices=(NA,),
            forced=NA,
            explanation="Not applicable: this key question is for youth conditional cautions only.",
        )
    if ALL_CASES in rules:
        return Applicability(choices=ANSWERS, na_is_out_of_scope=True)
    suggestions = []
    if CHILD_SAFETY in rules and facts.child_safety_factors is False:
        suggestions.append("you recorded no factors related to keeping the child safe")
    if OTHERS_SAFETY in rules:
        if facts.inspector_rosh == LOW:
            suggestions.append("you judged the risk of serious harm to be low")
        elif facts.others_safety_factors is False:
            suggestions.append("you recorded no factors related to keeping other people safe")
    if REVIEW_NEEDED in rules and facts.review_needed is False:
        suggestions.append("you recorded that no review was needed")
    return Applicability(choices=ANSWERS, suggestions=tuple(suggestions))


# --- completeness -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptShape:
    code: str
    relevant_cases_only: bool = False


@dataclass(frozen=True)
class KeyQuestionShape:
    code: str
    rules: tuple[str, ...]
    prompts: tuple[PromptShape, ...]


@dataclass(frozen=True)
class KeyQuestionAnswer:
    value: str = ""
    rationale: str = ""
    out_of_scope_reason: str = ""


@dataclass(frozen=True)
class Problem:
    """Something to fix before submitting: where (a key question or prompt code, or a facts field),
    which field to go to, and what to do, in words."""

    code: str
    field: str
    message: str


@dataclass
class KeyQuestionReport:
    code: str
    applicability: Applicability
    answered: int = 0
    total: int = 0
    problems: list[Problem] = field(default_factory=list)
    out_of_scope: bool = False


def key_question_report(
    shape: KeyQuestionShape,
    facts: Facts,
    answer: KeyQuestionAnswer | None,
    prompt_values: Mapping[str, str],
) -> KeyQuestionReport:
    """Answers given, answers due and every problem with one key question of one case."""
    applicability = key_question_applicability(shape.rules, facts)
    answer = answer or KeyQuestionAnswer()
    report = KeyQuestionReport(shape.code, applicability, total=1 + len(shape.prompts))
    problems = report.problems
    value = answer.value
    if applicability.forced:
        # The service stores the forced answer itself; nothing here is the inspector's to do.
        report.answered = report.total
        return report
    report.answered = (1 if value else 0) + sum(1 for p in shape.prompts if prompt_values.get(p.code))
    for prompt in shape.prompts:
        prompt_value = prompt_values.get(prompt.code, "")
        if value == NA:
            if prompt_value != NA:
                problems.append(
                    Problem(
                        prompt.code,
                        "value",
                        f"Prompt {prompt.code} must be not applicable, because key question {shape.code} is",
                    )
                )
        elif not prompt_value:
            problems.append(Problem(prompt.code, "value", f"Answer prompt {prompt.code}"))
        elif prompt_value == NA and not prompt.relevant_cases_only:
            problems.append(
                Problem(
                    prompt.code,
                    "value",
                    f"Prompt {prompt.code} can be not applicable only if key question {shape.code} is: "
                    "answer yes or no",
                )
            )
    if not value:
        problems.append(Problem(shape.code, "value", f"Give your judgement on key question {shape.code}"))
    elif value not in applicability.choices:
        problems.append(Problem(shape.code, "value", f"{applicability.explanation} Answer yes or no."))
    elif value == NA and applicability.na_is_out_of_scope:
        report.out_of_scope = True
        if not answer.out_of_scope_reason.strip():
            problems.append(
                Problem(
                    shape.code,
                    "out_of_scope_reason",
                    f"Say why this case is out of scope for key question {shape.code}",
                )
            )
    elif not answer.rationale.strip():
        problems.append(
            Problem(shape.code, "rationale", f"Give the rationale for your judgement on {shape.code}")
        )
    return report


def problems_in_words(problems: Sequence[Problem]) -> str:
    """Why a section is still in progress, counted by kind: "3 prompts unanswered, 2 rationales missing"."""
    kinds = {
        "prompt": ("prompt unanswered", "prompts unanswered"),
        "prompt_na": ("prompt to change", "prompts to change"),
        "value": ("judgement missing", "judgements missing"),
        "rationale": ("rationale missing", "rationales missing"),
        "out_of_scope_reason": ("out-of-scope reason missing", "out-of-scope reasons missing"),
        "fact": ("answer missing", "answers missing"),
    }
    counts: dict[str, int] = {}
    for problem in problems:
        if problem.code == "facts":
            kind = "fact"
        elif problem.code.count(".") == 3:
            kind = "prompt" if problem.message.startswith("Answer prompt") else "prompt_na"
        else:
            kind = problem.field if problem.field in kinds else "value"
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{counts[kind]} {kinds[kind][counts[kind] != 1]}" for kind in kinds if kind in counts)


# --- the case facts ---------------------------------------------------------------------------------

# The inspector's own judgements that must be recorded before a case is submitted, with what to do if not.
REQUIRED_FACTS: dict[str, str] = {
    "rosh_reasonable": "Say whether the risk of serious harm classification was reasonable",
    "inspector_rosh": "Give your own risk of serious harm level",
    "safety_wellbeing_reasonable": "Say whether the safety and wellbeing classification was reasonable",
    "child_safety_factors": "Say whether there are factors related to keeping the child safe",
    "others_safety_factors": "Say whether there are factors related to keeping other people safe",
    "review_needed": "Say whether a review was needed",
    "management_oversight": "Say whether management oversight was sufficient",
}


# Also required of a court case: its principal offence, which the report's offence-types table counts over
# the court cases (the published table has no out-of-court equivalent).
REQUIRED_COURT_FACTS: dict[str, str] = {"offence_group": "Give the principal offence group"}


def required_facts(*, court: bool) -> dict[str, str]:
    """The facts a case needs before it is submitted, in the order the case facts page asks them."""
    return {**REQUIRED_COURT_FACTS, **REQUIRED_FACTS} if court else dict(REQUIRED_FACTS)


def facts_problems(values: Mapping[str, object], *, court: bool = False) -> list[Problem]:
    return [
        Problem("facts", name, message)
        for name, message in required_facts(court=court).items()
        if values.get(name) in (None, "")
    ]

import factory

from inspections.factories import InspectionFactory
from inspections.models import Prompt

from . import rules
from .models import Case, CaseStatus, Category, DisposalType, Gender, KeyQuestionAnswer, Level, PromptAnswer
from .selectors import case_facts, domain_key_questions


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    inspection = factory.SubFactory(InspectionFactory)
    reference = factory.Sequence(lambda n: f"CASE-{n:04d}")
    child_id = factory.Sequence(lambda n: f"CHILD-{n:05d}")
    gender = Gender.MALE
    category = Category.COURT
    disposal_type = DisposalType.REFERRAL_ORDER
    rosh = Level.MEDIUM
    safety_wellbeing = Level.MEDIUM
    case_manager = factory.Faker("name")


class OutOfCourtCaseFactory(CaseFactory):
    category = Category.OUT_OF_COURT
    disposal_type = DisposalType.COMMUNITY_RESOLUTION


# The inspector's judgements on the case facts page, all given (a case ready to submit needs them).
COMPLETE_FACTS = {
    "offence_group": "violence_against_the_person",
    "rosh_reasonable": "yes",
    "safety_wellbeing_reasonable": "yes",
    "inspector_rosh": Level.MEDIUM,
    "child_safety_factors": True,
    "others_safety_factors": True,
    "review_needed": True,
    "management_oversight": "sufficient",
}


class KeyQuestionAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyQuestionAnswer

    case = factory.SubFactory(CaseFactory)
    key_question = factory.LazyAttribute(lambda o: domain_key_questions(o.case).first())
    value = "yes"
    rationale = "The assessment drew on the police and school records and the child's own account."


class PromptAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromptAnswer

    case = factory.SubFactory(CaseFactory)
    prompt = factory.LazyAttribute(
        lambda o: Prompt.objects.filter(key_question__in=domain_key_questions(o.case)).first()
    )
    value = "yes"


def answer_whole_case(
    case: Case, *, value: str = "yes", status: str = CaseStatus.IN_PROGRESS, user=None
) -> Case:
    """Gives a case complete facts and an answer to every prompt and key question of its domain, as an
    inspector who followed every rule would (3.4.2 not applicable outside youth conditional cautions)."""
    for name, fact in COMPLETE_FACTS.items():
        setattr(case, name, fact)
    case.status = status
    case.save()
    kq_answers, prompt_answers = [], []
    key_questions = domain_key_questions(case).prefetch_related("prompts")
    for kq in key_questions:
        applicability = rules.key_question_applicability(kq.applicability, case_facts(case))
        kq_value = applicability.forced or value
        kq_answers.append(
            KeyQuestionAnswer(
                case=case,
                key_question=kq,
                value=kq_value,
                rationale="" if applicability.forced else f"Rationale for {kq.code}.",
                out_of_scope_reason="Out of scope."
                if kq_value == "na" and applicability.na_is_out_of_scope
                else "",
                updated_by=user,
            )
        )
        prompt_answers += [
            PromptAnswer(case=case, prompt=p, value="na" if kq_value == "na" else value, updated_by=user)
            for p in kq.prompts.all()
        ]
    KeyQuestionAnswer.objects.bulk_create(kq_answers)
    PromptAnswer.objects.bulk_create(prompt_answers)
    return case

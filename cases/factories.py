import factory

from inspections.factories import InspectionFactory

from .models import Case, Category, DisposalType, Gender, Level


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

"""Floor 2: the sampled cases of an inspection and the inspectors' judgements on them."""

import pghistory
from django.conf import settings
from django.db import models

from accounts import text as limits
from accounts.text import BoundedTextField
from inspections.models import Inspection, KeyQuestion, Prompt


class Category(models.TextChoices):
    COURT = "court", "Court disposal"
    OUT_OF_COURT = "out_of_court", "Out-of-court disposal"


class DisposalType(models.TextChoices):
    REFERRAL_ORDER = "referral_order", "Referral order"
    YOUTH_REHABILITATION_ORDER = "youth_rehabilitation_order", "Youth rehabilitation order"
    DETENTION_AND_TRAINING_ORDER = "detention_and_training_order", "Detention and training order"
    OTHER_COURT = "other_court", "Other court disposal"
    COMMUNITY_RESOLUTION = "community_resolution", "Community resolution"
    YOUTH_CAUTION = "youth_caution", "Youth caution"
    YOUTH_CONDITIONAL_CAUTION = "youth_conditional_caution", "Youth conditional caution"
    NO_FURTHER_ACTION = "no_further_action", "No further action with an intervention"
    OTHER_OUT_OF_COURT = "other_out_of_court", "Other out-of-court disposal"


COURT_DISPOSALS = frozenset(
    {
        DisposalType.REFERRAL_ORDER,
        DisposalType.YOUTH_REHABILITATION_ORDER,
        DisposalType.DETENTION_AND_TRAINING_ORDER,
        DisposalType.OTHER_COURT,
    }
)
CUSTODIAL_DISPOSALS = frozenset({DisposalType.DETENTION_AND_TRAINING_ORDER})


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"


class Level(models.TextChoices):
    """Risk of serious harm and safety and wellbeing classifications."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class OffenceGroup(models.TextChoices):
    """The principal offence of the case, in the Home Office and Youth Justice Board offence groups. The order is
    theirs: the report's offence-types table uses it to order groups with the same share."""

    VIOLENCE_AGAINST_THE_PERSON = "violence_against_the_person", "Violence against the person"
    SEXUAL_OFFENCES = "sexual_offences", "Sexual offences"
    ROBBERY = "robbery", "Robbery"
    BURGLARY = "burglary", "Burglary"
    THEFT_AND_HANDLING = "theft_and_handling", "Theft and handling stolen goods"
    FRAUD_AND_FORGERY = "fraud_and_forgery", "Fraud and forgery"
    ARSON = "arson", "Arson"
    CRIMINAL_DAMAGE = "criminal_damage", "Criminal damage"
    DRUG_OFFENCES = "drug_offences", "Drug offences"
    POSSESSION_OF_WEAPONS = "possession_of_weapons", "Possession of weapons"
    PUBLIC_ORDER_OFFENCES = "public_order_offences", "Public order offences"
    INDICTABLE_MOTORING = "indictable_motoring", "Motoring offences (indictable)"
    SUMMARY_MOTORING = "summary_motoring", "Summary motoring offences"
    BREACH_OF_STATUTORY_ORDER = "breach_of_statutory_order", "Breach of statutory order"
    OTHER = "other", "Other offences"


class CaseStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class Oversight(models.TextChoices):
    SUFFICIENT = "sufficient", "Sufficient"
    INSUFFICIENT = "insufficient", "Not sufficient"
    NOT_APPLICABLE = "na", "Not applicable"


# The inspector's own judgements about a case (the case facts page), in the order the page asks them.
FACT_FIELDS = (
    "offence_group",
    "rosh_reasonable",
    "inspector_rosh",
    "safety_wellbeing_reasonable",
    "child_safety_factors",
    "others_safety_factors",
    "review_needed",
    "management_oversight",
    "case_manager_interviewed",
    "notes",
)
# The fields of a case whose changes its history page shows: the judgements, allocation and QA states.
CASE_HISTORY_FIELDS = ["inspector", "status", *FACT_FIELDS, "returned_reason"]

EDITABLE_STATUSES = frozenset({CaseStatus.NOT_STARTED, CaseStatus.IN_PROGRESS, CaseStatus.RETURNED})


@pghistory.track(
    fields=CASE_HISTORY_FIELDS,
    model_name="CaseEvent",
    obj_field=pghistory.ObjForeignKey(related_name="events"),
)
class Case(models.Model):
    """One sampled child's case. Its reference, child id, date of birth and case manager never reach a
    publication."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField("case reference", max_length=40)
    child_id = models.CharField("child's identifier", max_length=60, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(max_length=60, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    disposal_type = models.CharField(max_length=40, choices=DisposalType.choices)
    disposal_date = models.DateField(null=True, blank=True)
    rosh = models.CharField(
        "risk of serious harm (service's classification)", max_length=10, choices=Level.choices
    )
    safety_wellbeing = models.CharField(
        "safety and wellbeing (service's classification)", max_length=10, choices=Level.choices
    )
    case_manager = models.CharField(max_length=120, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocated_cases",
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.NOT_STARTED)

    # The inspector's own judgements about the case (the case facts page). The principal offence is recorded
    # by the inspector from the case file (the population file does not carry it); it feeds the report's
    # offence-types table.
    offence_group = models.CharField(
        "principal offence group", max_length=40, choices=OffenceGroup.choices, blank=True
    )
    rosh_reasonable = models.CharField(
        "risk of serious harm classification reasonable", max_length=3, choices=YesNo.choices, blank=True
    )
    safety_wellbeing_reasonable = models.CharField(
        "safety and wellbeing classification reasonable", max_length=3, choices=YesNo.choices, blank=True
    )
    inspector_rosh = models.CharField(
        "inspector's risk of serious harm level", max_length=10, choices=Level.choices, blank=True
    )
    child_safety_factors = models.BooleanField(
        "factors related to keeping the child safe", null=True, blank=True
    )
    others_safety_factors = models.BooleanField(
        "factors related to keeping other people safe", null=True, blank=True
    )
    review_needed = models.BooleanField("a review was needed", null=True, blank=True)
    management_oversight = models.CharField(max_length=12, choices=Oversight.choices, blank=True)
    case_manager_interviewed = models.BooleanField(null=True, blank=True)
    notes = BoundedTextField(blank=True, max_length=limits.NOTE)

    # Quality assurance.
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_cases",
    )
    returned_reason = BoundedTextField(blank=True, max_length=limits.REASON)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returned_cases",
    )

    # Optimistic locking of the case facts: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    facts_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facts_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["inspection", "category", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "reference"], name="unique_case_reference")
        ]
        indexes = [
            models.Index(fields=["inspection", "status"]),
            models.Index(fields=["inspector", "status"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def domain_code(self) -> str:
        return "2" if self.category == Category.COURT else "3"

    @property
    def is_youth_conditional_caution(self) -> bool:
        return self.disposal_type == DisposalType.YOUTH_CONDITIONAL_CAUTION

    @property
    def is_editable(self) -> bool:
        """Submitted and approved cases are read-only until quality assurance returns them."""
        return self.status in EDITABLE_STATUSES


class AnswerValue(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Not applicable"


@pghistory.track()
class KeyQuestionAnswer(models.Model):
    """The inspector's summary judgement on a key question for one case (never derived from the prompts)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="key_question_answers")
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=3, choices=AnswerValue.choices, blank=True)
    rationale = BoundedTextField(blank=True, max_length=limits.NOTE)
    # Why an all-cases key question is out of scope for this case (flagged at quality assurance).
    out_of_scope_reason = BoundedTextField(blank=True, max_length=limits.REASON)
    quote = BoundedTextField("quote for the report", blank=True, max_length=limits.REASON)
    good_practice = models.BooleanField("good practice example", default=False)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "key_question"], name="one_answer_per_key_question"),
            models.CheckConstraint(
                condition=models.Q(value__in=["", *AnswerValue.values]), name="key_question_answer_value"
            ),
        ]
        indexes = [models.Index(fields=["key_question", "value"])]

    def __str__(self):
        return f"{self.case} {self.key_question.code}: {self.value or 'unanswered'}"


@pghistory.track()
class PromptAnswer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="prompt_answers")
    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=3, choices=AnswerValue.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "prompt"], name="one_answer_per_prompt"),
            models.CheckConstraint(
                condition=models.Q(value__in=["", *AnswerValue.values]), name="prompt_answer_value"
            ),
        ]
        indexes = [models.Index(fields=["prompt", "value"])]

    def __str__(self):
        return f"{self.case} {self.prompt.code}: {self.value or 'unanswered'}"

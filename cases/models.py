"""Floor 2: the sampled cases of an inspection and the inspectors' judgements on them."""

import pghistory
import pgtrigger
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


# History of answers records edits, not keystrokes (autosave saves every pause in typing). An editing burst is
# one person's run of saves to one answer, each within HISTORY_BURST of the one before. The history tables
# are append-only (PGHISTORY_APPEND_ONLY), so a burst cannot be written and then rewritten; instead the
# answer row itself is the open burst, and the database appends the burst's final state (the OLD row) when
# the next burst begins: another person saves it, or the same person after a pause of HISTORY_BURST. The
# history of an answer is then its appended states, oldest first, followed by the answer as it is now
# (cases.selectors.answer_history); each step between two states is one burst, keeping its first "from" and
# last "to". Within a burst, a save writes no history row at all, so coalescing makes saving cheaper.
HISTORY_BURST = "10 minutes"
BURST_ENDS = pghistory.Condition(
    'OLD."updated_by_id" IS DISTINCT FROM NEW."updated_by_id" '
    f'OR NEW."updated_at" > OLD."updated_at" + interval \'{HISTORY_BURST}\''
)


def _burst_tracker():
    return pghistory.UpdateEvent("burst", row=pghistory.Old, condition=BURST_ENDS)


class AnswerValue(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Not applicable"


@pghistory.track(_burst_tracker())
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


@pghistory.track(_burst_tracker())
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


# --- quality assurance: comments on key questions, and what each return left -------------------------

# The longest comment, or answer to one, that a reviewer or inspector may write (the form and a database
# check both hold it).
COMMENT_MAX_LENGTH = 1000


@pghistory.track(
    model_name="ReviewCommentEvent",
    obj_field=pghistory.ObjForeignKey(related_name="events"),
)
class ReviewComment(models.Model):
    """A reviewer's comment on one key question of a case, and the inspector's answer to it.

    A comment is answered once the inspector has written an answer, or once the judgement on its key question
    is no longer the one the comment was made on (`judgement_when_made`): the inspector changed their mind.
    A withdrawn comment needs no answer. A case cannot be approved while a comment is open (neither).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="review_comments")
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="review_comments")
    text = BoundedTextField("comment", max_length=COMMENT_MAX_LENGTH)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The inspector's judgement on the key question when the comment was made ("" if none).
    judgement_when_made = models.CharField(max_length=3, choices=AnswerValue.choices, blank=True)
    reply = BoundedTextField("answer", blank=True, max_length=COMMENT_MAX_LENGTH)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking of the answer: a save names the version its page showed.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(text__regex=r"\S"), name="review_comment_not_blank"),
        ]

    def __str__(self):
        return f"{self.case} {self.key_question.code}: {self.text[:40]}"


class CaseReturn(models.Model):
    """One return of a case to its inspector, with every answer of the case as it stood at that moment.

    The re-review page compares the answers now with these. A snapshot rather than a reading of the history
    tables: the history groups an inspector's edits into bursts, and a burst may span the moment of return, so
    only a copy taken in the return's own transaction is exact. A database trigger refuses any change to it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="returns")
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField()
    reason = BoundedTextField(max_length=limits.REASON)
    # {"facts": {field: value}, "key_questions": {code: {field: value}}, "prompts": {code: value}}
    answers = models.JSONField()

    class Meta:
        ordering = ["case", "-returned_at", "-pk"]
        triggers = [pgtrigger.Protect(name="case_return_never_changed", operation=pgtrigger.Update)]

    def __str__(self):
        return f"{self.case} returned {self.returned_at:%Y-%m-%d %H:%M}"


# --- blind second marking (the agreement app's pages write these; the data format reads and writes them) ----


@pghistory.track(model_name="SecondMarkingEvent", obj_field=pghistory.ObjForeignKey(related_name="events"))
class SecondMarking(models.Model):
    """A second, blind marking of one case by another inspector, to measure how far two inspectors agree.

    The marker is an account, or (for an imported historical marking whose email matches no account) only a
    label. A second marking never enters the ratings: the case's own answers do.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="second_marking")
    marker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="second_markings",
    )
    marker_label = models.CharField("marker (no account)", max_length=254, blank=True)
    # How the case came to be chosen: drawn at random, or added by the lead inspector.
    drawn = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case__category", "case__reference"]

    def __str__(self):
        return f"Second marking of {self.case}"

    @property
    def marker_name(self) -> str:
        return str(self.marker) if self.marker_id else self.marker_label


@pghistory.track(model_name="SecondMarkingAnswerEvent")
class SecondMarkingAnswer(models.Model):
    """The second marker's answer to one key question or prompt (by its framework id), and, for a key question
    on which the two markers disagreed, what reconciliation agreed: the first marker's answer as it was then,
    the agreed answer and the lead inspector's reason."""

    marking = models.ForeignKey(SecondMarking, on_delete=models.CASCADE, related_name="answers")
    code = models.CharField(max_length=20)
    value = models.CharField(max_length=3, choices=AnswerValue.choices, blank=True)
    rationale = BoundedTextField(blank=True, max_length=limits.NOTE)
    first_value = models.CharField(max_length=3, choices=AnswerValue.choices, blank=True)
    first_rationale = BoundedTextField(blank=True, max_length=limits.NOTE)
    agreed_value = models.CharField(max_length=3, choices=AnswerValue.choices, blank=True)
    agreed_reason = BoundedTextField(blank=True, max_length=limits.REASON)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["marking", "code"]
        constraints = [
            models.UniqueConstraint(fields=["marking", "code"], name="one_second_answer_per_item"),
            models.CheckConstraint(
                condition=models.Q(value__in=["", *AnswerValue.values]), name="second_marking_answer_value"
            ),
        ]

    def __str__(self):
        return f"{self.marking.case} {self.code} (second marking): {self.value or 'unanswered'}"

"""Floor 1: the inspection framework (versioned), inspected services, inspections and their teams."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .history import kept_history

# --- the framework ------------------------------------------------------------------------------------


class FrameworkInUseError(ValidationError):
    pass


class FrameworkVersion(models.Model):
    """A published version of the inspection framework, e.g. youth-2021. Never edited once in use."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def is_in_use(self) -> bool:
        return self.pk is not None and self.inspections.exists()

    def refuse_if_in_use(self):
        if self.is_in_use:
            raise FrameworkInUseError(
                f"Framework {self.code} is used by an inspection and cannot be changed. "
                "Publish the change as a new framework version instead."
            )


class FrameworkPart(models.Model):
    """Common guard: no part of a framework version that is in use may be changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.framework_version().refuse_if_in_use()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.framework_version().refuse_if_in_use()
        return super().delete(*args, **kwargs)

    def framework_version(self) -> FrameworkVersion:
        raise NotImplementedError


class Domain(FrameworkPart):
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(max_length=5)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_domain_code")]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def framework_version(self):
        return self.framework

    @property
    def is_case_based(self) -> bool:
        return self.code != "1"


class Standard(FrameworkPart):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="standards")
    code = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    statement = models.TextField()
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["domain__framework", "domain__order", "order"]
        constraints = [models.UniqueConstraint(fields=["domain", "code"], name="unique_standard_code")]

    def __str__(self):
        return f"{self.code} {self.title}"

    def framework_version(self):
        return self.domain.framework


class Applicability(models.TextChoices):
    ALL_CASES = "all_cases", "All cases"
    CHILD_SAFETY = "child_safety_subsample", "Cases with factors related to keeping the child safe"
    OTHERS_SAFETY = "others_safety_subsample", "Cases with factors related to keeping other people safe"
    REVIEW_NEEDED = "review_needed", "Cases where a review was needed"
    YCC_ONLY = "ycc_only", "Youth conditional caution cases only"


class KeyQuestion(FrameworkPart):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="key_questions")
    code = models.CharField(max_length=12)
    text = models.TextField()
    focus = models.CharField(max_length=40, blank=True)
    # Every rule that limits which cases the key question applies to (empty for domain one).
    applicability = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["standard__domain__framework", "standard__domain__order", "standard__order", "order"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="unique_key_question_code")]

    def __str__(self):
        return f"{self.code} {self.text}"

    def framework_version(self):
        return self.standard.domain.framework

    @property
    def applies_to_all_cases(self) -> bool:
        return Applicability.ALL_CASES in self.applicability

    @property
    def is_ycc_only(self) -> bool:
        return Applicability.YCC_ONLY in self.applicability


class Prompt(FrameworkPart):
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.CASCADE, related_name="prompts")
    code = models.CharField(max_length=14)
    text = models.TextField()
    # May be "not applicable" on its own (an identifiable victim, other agencies involved, ...).
    relevant_cases_only = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = [
            "key_question__standard__domain__order",
            "key_question__standard__order",
            "key_question__order",
            "order",
        ]
        constraints = [models.UniqueConstraint(fields=["key_question", "code"], name="unique_prompt_code")]

    def __str__(self):
        return f"{self.code} {self.text}"

    def framework_version(self):
        return self.key_question.standard.domain.framework


# --- services and inspections -------------------------------------------------------------------------


class ServiceTerm(models.TextChoices):
    YOT = "YOT", "YOT (youth offending team)"
    YOS = "YOS", "YOS (youth offending service)"
    YJS = "YJS", "YJS (youth justice service)"


@kept_history()
class Service(models.Model):
    """An inspected youth justice partnership."""

    name = models.CharField(max_length=200, unique=True)
    term = models.CharField(
        "the service's own term", max_length=3, choices=ServiceTerm.choices, default=ServiceTerm.YOT
    )
    local_authorities = models.TextField("local authorities covered", blank=True, help_text="One a line.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class InspectionStatus(models.TextChoices):
    SETUP = "setup", "Setting up"
    SAMPLING = "sampling", "Sampling"
    FIELDWORK = "fieldwork", "Fieldwork"
    RATING = "rating", "Rating"
    REPORTING = "reporting", "Reporting"
    PUBLISHED = "published", "Published"


@kept_history()
class Inspection(models.Model):
    reference = models.SlugField(
        max_length=40,
        unique=True,
        allow_unicode=False,
        help_text="A short reference, for example CHESHIRE-2021.",
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="inspections")
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="inspections")
    status = models.CharField(max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.SETUP)
    announcement_date = models.DateField(null=True, blank=True)
    fieldwork_start = models.DateField("fieldwork starts")
    fieldwork_end = models.DateField("fieldwork ends")
    # Fieldwork may be two separate weeks; the second period is optional.
    second_period_start = models.DateField("second fieldwork period starts", null=True, blank=True)
    second_period_end = models.DateField("second fieldwork period ends", null=True, blank=True)
    lead_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_inspections",
        null=True,
        blank=True,
    )
    is_joint = models.BooleanField("joint inspection", default=False)
    partner_inspectorates = models.TextField(blank=True, help_text="One a line, for example HMICFRS.")
    # When the current publication froze the inspection's data (None: not published, or withdrawn). Kept
    # on the row every page loads anyway, so that knowing whether the data are frozen costs no query.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fieldwork_start", "reference"]

    def __str__(self):
        return f"{self.reference} – {self.service}"

    def clean(self):
        problems = {}
        if self.fieldwork_start and self.fieldwork_end and self.fieldwork_end < self.fieldwork_start:
            problems["fieldwork_end"] = "Fieldwork must end on or after the day it starts."
        if bool(self.second_period_start) != bool(self.second_period_end):
            problems["second_period_end"] = (
                "Give both the start and the end of the second fieldwork period, or neither."
            )
        elif (
            self.second_period_start and self.fieldwork_end and self.second_period_start <= self.fieldwork_end
        ):
            problems["second_period_start"] = (
                "The second fieldwork period must start after the first one ends."
            )
        elif self.second_period_start and self.second_period_end < self.second_period_start:
            problems["second_period_end"] = (
                "The second fieldwork period must end on or after the day it starts."
            )
        if problems:
            raise ValidationError(problems)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class TeamRole(models.TextChoices):
    LEAD = "lead", "Lead inspector"
    INSPECTOR = "inspector", "Inspector"
    QA = "qa", "Quality assurance inspector"
    PANEL = "panel", "Ratings panel member"
    COLLEAGUE = "colleague", "Colleague inspector (partner inspectorate)"


@kept_history()
class TeamMembership(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=TeamRole.choices)

    class Meta:
        ordering = ["inspection", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="one_membership_per_inspection"),
            # Exactly one lead (issue 13): the service makes the lead's membership when it creates the inspection.
            models.UniqueConstraint(
                fields=["inspection"], condition=models.Q(role="lead"), name="one_lead_per_inspection"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} on {self.inspection.reference}"


@kept_history()
class Publication(models.Model):
    """One publication of an inspection's report: who signed the foreword, who pressed publish and when.

    While it is current (not withdrawn) the inspection's data are frozen (inspections.publication). An
    administrator may withdraw it, with a reason, which unfreezes them; the record stays.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="publications")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signatory_name = models.CharField("signatory of the foreword", max_length=120)
    signatory_title = models.CharField("signatory's title", max_length=120, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["inspection", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_publication",
            )
        ]

    def __str__(self):
        return f"{self.inspection.reference} published {self.published_at:%d %B %Y}"

"""Floor 3: what turns the figures into ratings — the lead inspector's domain-one proposals with their
evidence, the ratings panel's decisions, and the sign-off that locks the ratings."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from inspections.history import kept_history
from inspections.models import Inspection, KeyQuestion, Standard

from . import rules


class Rating(models.TextChoices):
    INADEQUATE = rules.INADEQUATE, rules.RATING_LABELS[rules.INADEQUATE]
    REQUIRES_IMPROVEMENT = rules.REQUIRES_IMPROVEMENT, rules.RATING_LABELS[rules.REQUIRES_IMPROVEMENT]
    GOOD = rules.GOOD, rules.RATING_LABELS[rules.GOOD]
    OUTSTANDING = rules.OUTSTANDING, rules.RATING_LABELS[rules.OUTSTANDING]


@kept_history()
class DomainOneProposal(models.Model):
    """The lead inspector's proposed rating for a domain-one standard, judged from evidence (which includes the
    case-sample figures, kept with it), not rated from the cases."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="domain_one_proposals")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField("proposed rating", max_length=24, choices=Rating.choices)
    rationale = models.TextField("why this rating")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    # The case-sample figures the proposal was made on (`selectors.case_figures_record`), shown to the panel
    # beside the figures as they are now. None: imported, or saved before proposals kept them.
    case_figures = models.JSONField("case-sample figures it was made on", null=True, blank=True)
    # Optimistic locking: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["inspection", "standard__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "standard"], name="one_proposal_per_standard")
        ]

    def __str__(self):
        return f"{self.inspection.reference} {self.standard.code}: {self.get_rating_display()} (proposed)"


@kept_history()
class DomainOneKeyQuestionRationale(models.Model):
    """The lead inspector's reasoning on one key question of a proposed domain-one rating."""

    proposal = models.ForeignKey(
        DomainOneProposal, on_delete=models.CASCADE, related_name="key_question_rationales"
    )
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()

    class Meta:
        ordering = ["proposal", "key_question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "key_question"], name="one_rationale_per_domain_one_key_question"
            )
        ]

    def __str__(self):
        return f"{self.proposal.inspection.reference} {self.key_question.code}"


class DomainOneDraft(models.Model):
    """The lead inspector's proposal for a domain-one standard as last written, before it is proposed to the
    panel: anything may be blank. Saved by "Save as draft" and "Add evidence", and removed when the
    proposal is made (the proposal, with its history, is what the panel sees). A working copy, so it keeps
    no history of its own."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="domain_one_drafts")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=24, choices=Rating.choices, blank=True)
    rationale = models.TextField(blank=True)
    # Key question code -> the rationale written for it so far.
    key_question_rationales = models.JSONField(default=dict, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "standard"], name="one_draft_per_domain_one_standard"
            )
        ]

    def __str__(self):
        return f"{self.inspection.reference} {self.standard.code}: draft"


class EvidenceSource(models.TextChoices):
    DOCUMENTS = "documents", "Documents"
    MEETING = "meeting", "Meeting"
    INTERVIEW = "interview", "Interview"


@kept_history()
class EvidenceNote(models.Model):
    """A piece of evidence behind a domain-one rating, and where it came from."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="evidence_notes")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    key_question = models.ForeignKey(
        KeyQuestion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=12, choices=EvidenceSource.choices)
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["inspection", "standard__order", "recorded_at", "pk"]

    def __str__(self):
        return f"{self.inspection.reference} {self.standard.code}: {self.get_source_display()}"


@kept_history()
class PanelDecision(models.Model):
    """The ratings panel's decision on one standard: confirm the rating, or change it with a rationale.

    `basis` holds what the panel decided on (the computed rating and every key question's counts, or the lead
    inspector's proposal). A decision counts only while the figures are still the ones it was made on, so a
    later change to case answers can never silently carry an old decision onto new figures.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="panel_decisions")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=24, choices=Rating.choices)
    # The key question whose percentage carries the asterisk when the panel changes a computed rating.
    key_question = models.ForeignKey(
        KeyQuestion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rationale = models.TextField(blank=True)
    basis = models.JSONField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["inspection", "standard__domain__order", "standard__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "standard"], name="one_panel_decision_per_standard")
        ]

    def __str__(self):
        return f"{self.inspection.reference} {self.standard.code}: {self.get_rating_display()}"


@kept_history()
class RatingsSignOff(models.Model):
    """The panel's sign-off, which locks the ratings, and its reopening, each recorded with who and when.

    `snapshot` keeps the figures as signed off; the ratings page shows them, not figures worked out again,
    and shows any difference from the current answers beside them.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="ratings_sign_offs")
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField()
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField("why the ratings were reopened", blank=True)

    class Meta:
        ordering = ["inspection", "-signed_off_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection"],
                condition=models.Q(reopened_at__isnull=True),
                name="one_current_sign_off_per_inspection",
            )
        ]

    def __str__(self):
        state = "reopened" if self.reopened_at else "signed off"
        return f"{self.inspection.reference}: {state}"

    @property
    def is_current(self) -> bool:
        return self.reopened_at is None

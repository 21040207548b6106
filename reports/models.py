"""Floor 4: the report's authored content, its renders (PDF and data exports) and who downloaded them.

Nothing here holds a computed figure: ratings, percentages, sample sizes and counts are read from the lower
floors whenever the report is built, so the text cannot disagree with the data (docs/report.md, One source for every figure).
"""

from django.conf import settings
from django.db import models

from accounts import text as limits
from accounts.text import BoundedTextField
from cases.models import KeyQuestionAnswer
from inspections.history import kept_history
from inspections.models import Domain, Inspection, KeyQuestion, Publication, Standard


class Versioned(models.Model):
    """Optimistic locking: a save names the version it started from, so two authors never overwrite each
    other silently."""

    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


@kept_history()
class Report(Versioned):
    """An inspection's report: the publishing details and the authored sections that occur once."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="report")
    cover_lead = models.CharField(
        "cover wording before the service's name",
        max_length=120,
        default="An inspection of youth offending services in",
    )
    publication_date = models.DateField(
        "publication date", null=True, blank=True, help_text="The cover prints its month and year."
    )
    isbn = models.CharField("ISBN", max_length=17, blank=True, help_text="For example 978-1-914478-34-5.")
    service_short_name = models.CharField(
        "short name of the service",
        max_length=80,
        blank=True,
        help_text="How the report names the service in prose, for example Cheshire YJS.",
    )
    foreword = BoundedTextField(blank=True, max_length=limits.PARAGRAPH)
    signatory_name = models.CharField("name of the signatory", max_length=120, blank=True)
    lead_inspector_name = models.CharField(
        "lead inspector's name as printed",
        max_length=120,
        blank=True,
        help_text="For the acknowledgements, for example Yvonne McGuckian. Leave empty to print the name of "
        "the inspection's lead inspector's account.",
    )
    signatory_title = models.CharField(
        "signatory's title", max_length=120, blank=True, default="Chief Inspector of Probation"
    )
    summary_context = BoundedTextField(
        "context after the executive summary's opening",
        blank=True,
        help_text="Optional.",
        max_length=limits.PARAGRAPH,
    )
    background = BoundedTextField("local context", blank=True, max_length=limits.SECTION)
    presenters = models.CharField(
        "who presented to the inspectors",
        max_length=300,
        blank=True,
        help_text="For Annexe 1, for example: the chair of the YJS management board and the head of service.",
    )
    meetings_held = models.PositiveIntegerField(
        "meetings held",
        null=True,
        blank=True,
        help_text="For Annexe 1: meetings with managers, partners and staff.",
    )

    def __str__(self):
        return f"Report of {self.inspection.reference}"


@kept_history()
class DomainSection(Versioned):
    """A domain's authored prose: its part of the executive summary and its chapter's overview."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="domain_sections")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    summary = BoundedTextField("executive summary", blank=True, max_length=limits.PARAGRAPH)
    # Printed in both the executive summary and the chapter, so the two cannot drift apart.
    results = BoundedTextField("results (summary and chapter)", blank=True, max_length=limits.PARAGRAPH)
    overview = BoundedTextField("chapter overview", blank=True, max_length=limits.PARAGRAPH)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "domain"], name="one_section_per_domain")]

    def __str__(self):
        return f"{self.report} – domain {self.domain.code}"


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    IMPROVEMENT = "improvement", "Area for improvement"


@kept_history()
class Finding(Versioned):
    """A strength or area for improvement of a domain, stored once and printed both in the chapter
    ("Strengths:") and, as a key finding or a "But:" bullet, in the executive summary."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="findings")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=FindingKind.choices)
    text = BoundedTextField(
        max_length=limits.REASON,
        help_text="A sentence, starting with a capital letter and ending with a full stop.",
    )
    in_summary = models.BooleanField("in the executive summary", default=True)
    in_chapter = models.BooleanField("in the chapter", default=True)
    keeps_capital = models.BooleanField(
        "starts with a name",
        default=False,
        help_text="Keep the first capital letter in the executive summary's lower-case bullets.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["report", "domain__order", "kind", "order", "pk"]

    def __str__(self):
        return self.text[:60]


class AddresseeKind(models.TextChoices):
    SERVICE = "service", "The service"
    SERVICE_MANAGER = "service_manager", "The service's manager"
    BOARD_CHAIR = "board_chair", "The chair of the management board"
    POLICE = "police", "The police"
    YOUTH_JUSTICE_BOARD = "yjb", "The Youth Justice Board"
    HEALTH = "health", "A health commissioner"
    OTHER = "other", "Another partner"


@kept_history()
class Addressee(Versioned):
    """Who a group of recommendations is made to: "Cheshire Constabulary should:"."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="addressees")
    kind = models.CharField(max_length=20, choices=AddresseeKind.choices)
    name = models.CharField(
        max_length=200,
        help_text="As the heading prints it before 'should:', for example The chair of the management board.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["report", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "name"], name="unique_addressee_name")]

    def __str__(self):
        return self.name


@kept_history()
class Recommendation(Versioned):
    """One recommendation; the report numbers them continuously across the addressee groups."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="recommendations")
    addressee = models.ForeignKey(Addressee, on_delete=models.PROTECT, related_name="recommendations")
    text = BoundedTextField(
        help_text="Starts with a lower-case verb, for example: provide staff with ...",
        max_length=limits.REASON,
    )
    standards = models.ManyToManyField(Standard, blank=True, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["report", "addressee__order", "addressee", "order", "pk"]

    def __str__(self):
        return self.text[:60]


class SuppliedBy(models.TextChoices):
    PUBLISHED = "published_statistics", "Published statistics"
    SERVICE = "inspected_service", "The inspected service"


@kept_history()
class FactSource(Versioned):
    """Where contextual facts come from; the report prints it as a footnote."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="fact_sources")
    supplied_by = models.CharField(max_length=24, choices=SuppliedBy.choices)
    organisation = models.CharField(max_length=200, blank=True, help_text="For example Youth Justice Board.")
    year = models.PositiveSmallIntegerField("year of publication", null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    period = models.CharField(
        max_length=100, blank=True, help_text="The period the figures cover, for example mid-2018."
    )

    class Meta:
        ordering = ["report", "pk"]

    def __str__(self):
        if self.supplied_by == SuppliedBy.SERVICE:
            return f"Supplied by the service{f' ({self.title})' if self.title else ''}"
        return f"{self.organisation} ({self.year}) {self.title}".strip()


@kept_history()
class ContextualFact(Versioned):
    """One figure of the contextual facts (reports/facts.py lists them), with its national comparator."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="facts")
    key = models.CharField(max_length=60)
    # Kept as entered (without thousands separators), so that 4.20 prints as 4.20.
    value = models.CharField(max_length=24)
    national = models.CharField("England and Wales", max_length=24, blank=True)
    source = models.ForeignKey(
        FactSource, on_delete=models.PROTECT, null=True, blank=True, related_name="facts"
    )

    class Meta:
        ordering = ["report", "key"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="one_record_per_fact")]

    def __str__(self):
        return f"{self.key} = {self.value}"


@kept_history()
class StandardNarrative(Versioned):
    """A standard's own paragraph: for domains two and three, the rationale naming the limiting key question."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="standard_narratives")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    text = BoundedTextField(blank=True, max_length=limits.PARAGRAPH)
    # Where the ratings panel applied discretion: why, printed under the key-question table and in the
    # domain's executive summary. None: never saved, so the panel's own rationale is offered (and printed in
    # the draft); "": the lead chose to print none.
    discretion = BoundedTextField(
        "why the panel applied discretion", null=True, blank=True, max_length=limits.PARAGRAPH
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "standard"], name="one_narrative_per_standard")
        ]

    def __str__(self):
        return f"{self.report} – standard {self.standard.code}"


@kept_history()
class KeyQuestionNarrative(Versioned):
    """What the report says under a key question's sub-heading."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="key_question_narratives")
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="+")
    text = BoundedTextField(blank=True, max_length=limits.PARAGRAPH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "key_question"], name="one_narrative_per_key_question")
        ]

    def __str__(self):
        return f"{self.report} – {self.key_question.code}"


class ExampleKind(models.TextChoices):
    QUOTE = "quote", "Inspector's quote"
    GOOD_PRACTICE = "good_practice", "Good practice example"


@kept_history()
class CaseExample(Versioned):
    """An inspector's flagged quote, chosen for the report, anonymised: printed under a key question as a
    single-quoted quote or a "Good practice example" box. It keeps no case reference in what is printed."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="examples")
    # Where the quote came from, for the team (never printed). Kept if the answer is later replaced.
    answer = models.ForeignKey(
        KeyQuestionAnswer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=ExampleKind.choices)
    lead_in = models.CharField(
        max_length=200, blank=True, help_text="For a quote, for example: In one case, the inspector noted:"
    )
    text = BoundedTextField(max_length=limits.NOTE)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["report", "key_question", "order", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} under {self.key_question.code}"


# --- publication -----------------------------------------------------------------------------------------


@kept_history()
class PublishedReport(models.Model):
    """The report as published: everything it was built from, frozen when the lead inspector published it.
    Every PDF of the publication is made from this snapshot, so each is byte for byte the same."""

    publication = models.OneToOneField(Publication, on_delete=models.CASCADE, related_name="published_report")
    snapshot = models.JSONField()
    snapshot_sha256 = models.CharField(max_length=64)

    def __str__(self):
        return f"Report of {self.publication}"


# --- renders -------------------------------------------------------------------------------------------


class RenderFormat(models.TextChoices):
    PDF = "pdf", "PDF report"
    HTML = "html", "HTML edition"
    CSV = "csv", "Data (CSV)"
    XLSX = "xlsx", "Data (XLSX)"


class RenderStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def render_path(render, filename):
    return f"reports/{render.inspection.reference}/{filename}"


class Render(models.Model):
    """One requested render of the report or its data, made by a Celery worker, kept with what it was
    built from and the file's SHA-256."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="renders")
    format = models.CharField(max_length=4, choices=RenderFormat.choices)
    number = models.PositiveIntegerField("version number")
    status = models.CharField(max_length=10, choices=RenderStatus.choices, default=RenderStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Heartbeat: the stale-render sweep retries or fails renders whose worker stopped touching them.
    updated_at = models.DateTimeField(auto_now=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery task delivery that is making the file: the same task delivered again means its worker died.
    task_id = models.CharField(max_length=64, blank=True)
    failure_reason = models.TextField(blank=True)
    is_draft = models.BooleanField(
        default=True, help_text="Built before the ratings panel signed off, so watermarked DRAFT."
    )
    # A PDF of a published inspection is made from its publication's frozen snapshot. RESTRICT: a
    # publication goes only with its inspection, which takes its renders too.
    publication = models.ForeignKey(
        Publication, on_delete=models.RESTRICT, null=True, blank=True, related_name="renders"
    )
    # Everything the file was built from: figures, authored text and settings, as JSON.
    snapshot = models.JSONField(null=True, blank=True)
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to=render_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    seconds = models.DecimalField(
        "render time in seconds", max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["inspection", "-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "format", "number"], name="unique_render_number")
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self):
        return f"{self.inspection.reference} {self.get_format_display()} version {self.number}"

    @property
    def is_pending(self) -> bool:
        return self.status in (RenderStatus.QUEUED, RenderStatus.RENDERING)

    @property
    def filename(self) -> str:
        draft = "-draft" if self.is_draft and self.format in (RenderFormat.PDF, RenderFormat.HTML) else ""
        return f"{self.inspection.reference.lower()}-{self.format}-v{self.number}{draft}.{self.format}"

"""The eligible population, the drawn sample and the allocation of cases (floor 2, above cases)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts import text as limits
from accounts.text import BoundedTextField
from cases.models import Category, DisposalType, Gender, Level
from inspections.history import kept_history
from inspections.models import Inspection

from . import rules


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros: 0.5, not 0.5000."""
    return format(Decimal(value).normalize(), "f")


@kept_history()
class SampleSettings(models.Model):
    """An inspection's sampling settings. The defaults are the inspectorate's standard ones (docs/rules.md §5).

    An inspection without a row uses the defaults; the row is written when the lead inspector changes one.
    """

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="sample_settings")
    z = models.DecimalField(
        "z (confidence)",
        max_digits=6,
        decimal_places=4,
        default=Decimal("1.2816"),
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text="1.2816 for 80% confidence.",
    )
    p = models.DecimalField(
        "expected proportion (p)",
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("0.9999"))],
        help_text="0.5 gives the largest sample.",
    )
    margin = models.DecimalField(
        "margin of error",
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.05"),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("0.9999"))],
        help_text="0.05 for five percentage points.",
    )
    reserve_per_stratum = models.PositiveSmallIntegerField(
        "reserve cases per stratum", default=1, validators=[MaxValueValidator(20)]
    )
    case_manager_cap = models.PositiveSmallIntegerField(
        "most cases from one case manager",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Leave blank for no limit.",
    )
    court_nearest_months = models.PositiveSmallIntegerField(default=6, validators=[MaxValueValidator(36)])
    court_furthest_months = models.PositiveSmallIntegerField(default=9, validators=[MaxValueValidator(36)])
    out_of_court_nearest_months = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(36)]
    )
    out_of_court_furthest_months = models.PositiveSmallIntegerField(
        default=5, validators=[MaxValueValidator(36)]
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "sample settings"

    def __str__(self):
        return f"Sample settings of {self.inspection.reference}"

    @property
    def z_shown(self) -> str:
        return _plain(self.z)

    @property
    def p_shown(self) -> str:
        return _plain(self.p)

    @property
    def margin_shown(self) -> str:
        return _plain(self.margin)

    def as_rules(self) -> rules.SamplingSettings:
        """The settings as the pure sampling rules take them (ValueError when they cannot work)."""
        return rules.SamplingSettings(
            z=self.z,
            p=self.p,
            margin=self.margin,
            reserve_per_stratum=self.reserve_per_stratum,
            case_manager_cap=self.case_manager_cap,
            court_window_months=(self.court_nearest_months, self.court_furthest_months),
            out_of_court_window_months=(self.out_of_court_nearest_months, self.out_of_court_furthest_months),
        )

    def snapshot(self) -> dict:
        """The settings that change the sample, as plain data (stored with each draw)."""
        return {
            "z": str(self.z),
            "p": str(self.p),
            "margin": str(self.margin),
            "reserve_per_stratum": self.reserve_per_stratum,
            "case_manager_cap": self.case_manager_cap,
            "court_window_months": [self.court_nearest_months, self.court_furthest_months],
            "out_of_court_window_months": [
                self.out_of_court_nearest_months,
                self.out_of_court_furthest_months,
            ],
        }

    def windows(self) -> dict:
        """The eligibility windows, which decide the population screening."""
        return {
            "court": [self.court_nearest_months, self.court_furthest_months],
            "out_of_court": [self.out_of_court_nearest_months, self.out_of_court_furthest_months],
        }


@kept_history()
class SizeOverride(models.Model):
    """The lead inspector's own sample size for a category, with the reason recorded."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="size_overrides")
    category = models.CharField(max_length=20, choices=Category.choices)
    size = models.PositiveIntegerField()
    reason = BoundedTextField(max_length=limits.REASON)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["inspection", "category"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "category"], name="one_size_override_per_category")
        ]

    def __str__(self):
        return f"{self.inspection.reference} {self.category}: {self.size}"


class Population(models.Model):
    """The service's list of eligible cases as last imported. Importing again replaces it whole.

    The uploaded file itself is not kept: only the rows, checked, and for cases left out only what shows
    why. The screening used the fieldwork start and the windows stored here; when either changes the list
    must be imported again before a sample is drawn.
    """

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="population")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField("rows in the file")
    fieldwork_start = models.DateField("fieldwork start the windows were counted from")
    windows = models.JSONField("eligibility windows used, in months before fieldwork")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Population of {self.inspection.reference} ({self.file_name})"


class PopulationCase(models.Model):
    """One case of the imported population.

    Eligible cases keep the facts the sample and the case pages need. A case left out (outside its window,
    or the same child as another case) keeps only its reference, category, disposal and the reason: the
    child's identifier, date of birth and case manager are not kept for it.
    """

    population = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="cases")
    row = models.PositiveIntegerField("row in the file")
    reference = models.CharField("case reference", max_length=40)
    category = models.CharField(max_length=20, choices=Category.choices)
    disposal_type = models.CharField(max_length=40, choices=DisposalType.choices)
    disposal_date = models.DateField()
    excluded_reason = models.TextField("why the case is left out", blank=True)
    child_id = models.CharField("child's identifier", max_length=60, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=60, blank=True)
    rosh = models.CharField("risk of serious harm", max_length=10, choices=Level.choices, blank=True)
    safety_wellbeing = models.CharField(max_length=10, choices=Level.choices, blank=True)
    case_manager = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["population", "row"]
        constraints = [
            models.UniqueConstraint(fields=["population", "reference"], name="unique_population_reference")
        ]
        indexes = [models.Index(fields=["population", "category"])]

    def __str__(self):
        return self.reference

    @property
    def is_eligible(self) -> bool:
        return not self.excluded_reason

    def as_rules(self) -> rules.PopulationCase:
        return rules.PopulationCase.from_facts(self.reference, self)


class Draw(models.Model):
    """One drawing of the sample: its seed, the inputs it used and what it gave. The latest is current.

    inputs holds everything the draw depended on (population checksum, fieldwork start, settings, size
    overrides), so the page can say when a redraw would now give something else; result holds the sizes
    with their working, the cases chosen, the reserve list and the analyse table.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="draws")
    population = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="draws")
    seed = models.BigIntegerField(validators=[MinValueValidator(0)])
    seed_chosen_by = models.CharField(
        max_length=20, choices=[("lead", "the lead inspector"), ("app", "this service, at random")]
    )
    inputs = models.JSONField()
    result = models.JSONField()
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inspection", "-drawn_at", "-pk"]
        get_latest_by = ["drawn_at", "pk"]

    def __str__(self):
        return f"Sample of {self.inspection.reference}, seed {self.seed}"


class CaseSwap(models.Model):
    """A sampled case replaced by a reserve case, and why."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="swaps")
    category = models.CharField(max_length=20, choices=Category.choices)
    replaced_reference = models.CharField("case taken out", max_length=40)
    reserve_reference = models.CharField("reserve case brought in", max_length=40)
    reason = BoundedTextField(max_length=limits.REASON)
    swapped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    swapped_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draw", "swapped_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "reserve_reference"], name="a_reserve_is_used_once")
        ]

    def __str__(self):
        return f"{self.replaced_reference} → {self.reserve_reference}"

import csv
import datetime
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from cases.models import Case
from inspections.mixins import ActionFormView, FormOnlyPageMixin, InspectionMixin, errors_onto

from . import rules
from .forms import (
    AllocationForm,
    DrawForm,
    PopulationUploadForm,
    SampleSettingsForm,
    SizeOverrideForm,
    SwapForm,
)
from .population_file import COLUMNS, MAX_BYTES, MAX_ROWS, describe_size
from .selectors import (
    CATEGORY_LABELS,
    CATEGORY_SLUGS,
    allocation_page,
    allocation_totals,
    current_draw,
    population_overview,
    reserve_choices,
    sample_overview,
    sample_settings_for,
    stratum_words,
)
from .services import (
    PopulationFileError,
    case_swap,
    cases_allocate,
    population_import,
    sample_draw,
    sample_settings_save,
    sample_size_override,
)

ONLY_THE_LEAD = "Only the inspection's lead inspector sets up the sample."


class ManageSampleMixin(InspectionMixin):
    permission_required = "inspections.manage_sample"
    permission_denied_message = ONLY_THE_LEAD

    def sample_url(self) -> str:
        return reverse("sampling:sample", kwargs={"reference": self.inspection.reference})

    def published_url(self) -> str:
        return self.sample_url()

    def get_context_data(self, **kwargs):
        # A published inspection's population, sample and allocation are shown, never offered for change.
        return super().get_context_data(can_change=not self.inspection.is_published, **kwargs)


class PopulationView(ManageSampleMixin, FormView):
    """The eligible population: what was imported, the cases left out and why; the lead imports a file."""

    template_name = "sampling/population.html"
    form_class = PopulationUploadForm
    problems: list = ()

    def get_form_kwargs(self):
        replacing = hasattr(self.inspection, "population")
        return {**super().get_form_kwargs(), "replacing": replacing}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            population = population_import(
                inspection=self.inspection, file_name=upload.name, content=upload.read(), by=self.request.user
            )
        except PopulationFileError as exc:
            self.problems = exc.problems
            count = len(exc.problems)
            if count == 1 and not exc.problems[0].row:
                message = f"{exc.problems[0]} Nothing was imported"
            else:
                message = (
                    f"{upload.name} has {count} problem{'s' if count != 1 else ''}, listed in the table: nothing "
                    "was imported. Correct the file and upload it again"
                )
            form.add_error("file", message)
            return self.form_invalid(form)
        except ValidationError as exc:
            return self.form_invalid(errors_onto(form, exc))
        eligible = population.cases.filter(excluded_reason="").count()
        messages.success(
            self.request,
            f"{population.rows} cases imported from {population.file_name}: {eligible} eligible, "
            f"{population.rows - eligible} left out.",
        )
        return redirect("sampling:population", reference=self.inspection.reference)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            problems=self.problems
            if len(self.problems) > 1 or (self.problems and self.problems[0].row)
            else [],
            **population_overview(self.inspection),
            **kwargs,
        )


EXAMPLE_ROWS = [
    # (reference, child, age at disposal (years, days), gender, ethnicity, category, disposal, months before
    # fieldwork, rosh, sw, manager): the dates follow the inspection, so the children are 12 to 16 at disposal.
    (
        "YJ-0001",
        "K1001",
        (15, 40),
        "male",
        "White British",
        "court",
        "referral_order",
        7,
        "medium",
        "medium",
        "Sam Patel",
    ),
    (
        "YJ-0002",
        "K1002",
        (16, 200),
        "female",
        "Mixed",
        "court",
        "youth_rehabilitation_order",
        8,
        "high",
        "medium",
        "Jo Evans",
    ),
    (
        "YJ-0003",
        "K1003",
        (14, 95),
        "male",
        "Black British",
        "out_of_court",
        "youth_caution",
        4,
        "low",
        "high",
        "Sam Patel",
    ),
    (
        "YJ-0004",
        "K1004",
        (12, 300),
        "other",
        "",
        "out_of_court",
        "community_resolution",
        3,
        "low",
        "low",
        "",
    ),
]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` years before (28 February for a 29 February that year lacks)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class PopulationExampleView(InspectionMixin, TemplateView):
    """An example population file, with disposal dates inside this inspection's windows."""

    def get(self, request, *args, **kwargs):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([column.name for column in COLUMNS])
        for row in EXAMPLE_ROWS:
            disposal = rules.months_before(self.inspection.fieldwork_start, row[7])
            years, days = row[2]
            born = _years_before(disposal, years) - datetime.timedelta(days=days)
            writer.writerow([*row[:2], born.isoformat(), *row[3:7], disposal.isoformat(), *row[8:]])
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.inspection.reference}-population-example.csv"'
        )
        return response


class PopulationColumnsView(InspectionMixin, TemplateView):
    """The column reference: each column, what it holds, the codes allowed, and the rules of the file."""

    template_name = "sampling/population_columns.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=COLUMNS,
            max_size=describe_size(MAX_BYTES),
            max_rows=MAX_ROWS,
            **population_overview(self.inspection),
            **kwargs,
        )


class SampleView(ManageSampleMixin, TemplateView):
    """Sample sizes with their working, the draw with its seed, the cases, reserves and the analyse table."""

    template_name = "sampling/sample.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**sample_overview(self.inspection), **kwargs)


class SampleSettingsView(ManageSampleMixin, FormOnlyPageMixin, ActionFormView):
    template_name = "sampling/settings.html"
    form_class = SampleSettingsForm

    def get_form_kwargs(self):
        settings = sample_settings_for(self.inspection)
        return {**super().get_form_kwargs(), "instance": settings, "initial": {"version": settings.version}}

    def perform(self, form):
        values = {name: form.cleaned_data[name] for name in SampleSettingsForm.Meta.fields}
        sample_settings_save(
            inspection=self.inspection, version=form.cleaned_data["version"], by=self.request.user, **values
        )
        return "The sampling settings are saved.", self.sample_url()


class SampleSizeView(ManageSampleMixin, FormOnlyPageMixin, ActionFormView):
    template_name = "sampling/size.html"
    form_class = SizeOverrideForm

    @cached_property
    def category(self) -> str:
        if self.kwargs["category"] not in CATEGORY_SLUGS:
            raise Http404("No such category.")
        return CATEGORY_SLUGS[self.kwargs["category"]]

    @cached_property
    def size(self):
        return next(
            size for size in sample_overview(self.inspection)["sizes"] if size.category == self.category
        )

    def get_initial(self):
        override = self.size.override
        return {"size": override.size, "reason": override.reason} if override else {}

    def perform(self, form):
        sample_size_override(
            inspection=self.inspection,
            category=self.category,
            size=form.cleaned_data["size"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )
        return f"The {CATEGORY_LABELS[self.category].lower()} sample size is saved.", self.sample_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(size=self.size, **kwargs)


class DrawView(ManageSampleMixin, FormOnlyPageMixin, ActionFormView):
    """Draws the sample, or draws it again, after saying what that does."""

    template_name = "sampling/draw.html"
    form_class = DrawForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "redraw": self.overview["draw"] is not None}

    @cached_property
    def overview(self):
        return sample_overview(self.inspection)

    def perform(self, form):
        draw = sample_draw(inspection=self.inspection, seed=form.cleaned_data["seed"], by=self.request.user)
        return f"The sample is drawn with seed {draw.seed}.", self.sample_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.overview, **kwargs)


class SwapView(ManageSampleMixin, FormOnlyPageMixin, ActionFormView):
    template_name = "sampling/swap.html"
    form_class = SwapForm

    @cached_property
    def case(self) -> Case:
        return get_object_or_404(Case, pk=self.kwargs["case_id"], inspection=self.inspection)

    @cached_property
    def choices(self) -> list[dict]:
        draw = current_draw(self.inspection)
        if draw is None:
            raise Http404("The sample has not been drawn.")
        return reserve_choices(self.inspection, draw, self.case)

    def get_form_kwargs(self):
        labels = []
        for choice in self.choices:
            row = choice["row"]
            group = stratum_words(row.gender, row.disposal_type, row.rosh, row.safety_wellbeing)
            label = f"{choice['reference']}: {group['gender'].lower()}, {group['disposal_type'].lower()}, risk of "
            label += f"serious harm {group['rosh'].lower()}, safety and wellbeing {group['safety_wellbeing'].lower()}"
            labels.append((choice["reference"], label + (" (same group)" if choice["same_stratum"] else "")))
        return {**super().get_form_kwargs(), "choices": labels}

    def perform(self, form):
        replacement = case_swap(
            inspection=self.inspection,
            case=self.case,
            reserve_reference=form.cleaned_data["reserve"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )
        return (
            f"Case {self.case.reference} is replaced by reserve case {replacement.reference}.",
            self.sample_url(),
        )

    def get_context_data(self, **kwargs):
        case = self.case
        stratum = stratum_words(case.gender, case.disposal_type, case.rosh, case.safety_wellbeing)
        return super().get_context_data(case=case, choices=self.choices, stratum=stratum, **kwargs)


class AllocationView(ManageSampleMixin, ActionFormView):
    """Who reads which case: a suggested balanced allocation, which the lead inspector edits and saves."""

    template_name = "sampling/allocation.html"
    form_class = AllocationForm

    @cached_property
    def page(self) -> dict:
        suggest = self.request.GET.get("suggest") == "1" and not self.inspection.is_published
        return allocation_page(self.inspection, suggest=suggest)

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "cases": self.page["cases"], "members": self.page["members"]}
        if self.request.method == "GET":
            kwargs["initial"] = {
                "version": self.page["version"],
                **{
                    f"case_{case.pk}": self.page["proposed"].get(case.pk, case.inspector_id) or ""
                    for case in self.page["cases"]
                },
            }
        return kwargs

    def perform(self, form):
        changed = cases_allocate(
            inspection=self.inspection,
            allocation=form.allocation(),
            version=form.cleaned_data["version"],
            by=self.request.user,
        )
        return (
            f"The allocation is saved ({changed} case{'s' if changed != 1 else ''} changed).",
            reverse("sampling:allocation", kwargs={"reference": self.inspection.reference}),
        )

    def get_context_data(self, **kwargs):
        shown = {
            case.pk: self.page["proposed"].get(case.pk, case.inspector_id) for case in self.page["cases"]
        }
        return super().get_context_data(
            **self.page, totals=allocation_totals(self.page["cases"], self.page["members"], shown), **kwargs
        )

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from accounts import text as limits
from accounts.text import limited, text_limit

from .models import SampleSettings
from .population_file import MAX_BYTES, describe_size
from .services import MAX_SEED


class PopulationUploadForm(forms.Form):
    file = forms.FileField(
        label="Eligible population file",
        help_text=f"A CSV file (UTF-8) or an Excel workbook (.xlsx), up to {describe_size(MAX_BYTES)}.",
        error_messages={
            "required": "Choose the file of eligible cases to upload",
            "empty": "The file is empty",
            "invalid": "Choose the file of eligible cases to upload",
        },
    )

    def __init__(self, *args, replacing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            Field("file"),
            Submit("submit", "Import a new population" if replacing else "Import the population"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                f"The file is {describe_size(upload.size)}; the largest file accepted is "
                f"{describe_size(MAX_BYTES)}"
            )
        return upload


class SampleSettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = SampleSettings
        fields = [
            "court_nearest_months",
            "court_furthest_months",
            "out_of_court_nearest_months",
            "out_of_court_furthest_months",
            "z",
            "p",
            "margin",
            "reserve_per_stratum",
            "case_manager_cap",
        ]
        widgets = dict.fromkeys(fields, forms.TextInput)
        labels = {
            "z": "Confidence (z)",
            "court_nearest_months": "From (months before fieldwork)",
            "court_furthest_months": "To (months before fieldwork)",
            "out_of_court_nearest_months": "From (months before fieldwork)",
            "out_of_court_furthest_months": "To (months before fieldwork)",
        }
        help_texts = {"reserve_per_stratum": "Spare cases for swaps, from each group of similar cases."}

    WORDS = {
        "court_nearest_months": "the months before fieldwork that the court window starts",
        "court_furthest_months": "the months before fieldwork that the court window ends",
        "out_of_court_nearest_months": "the months before fieldwork that the out-of-court window starts",
        "out_of_court_furthest_months": "the months before fieldwork that the out-of-court window ends",
        "z": "z",
        "p": "the expected proportion p",
        "margin": "the margin of error",
        "reserve_per_stratum": "the number of reserve cases per stratum",
        "case_manager_cap": "the most cases from one case manager",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("z", "p", "margin"):
            self.initial[name] = format(Decimal(self.initial[name]).normalize(), "f")
        for name, field in self.fields.items():
            if name == "version":
                continue
            what = self.WORDS.get(name) or f"{field.label[0].lower()}{field.label[1:]}"
            field.error_messages["required"] = f"Enter {what}"
            field.error_messages["invalid"] = f"Enter {what} as a number"
            field.widget.attrs["inputmode"] = "decimal" if name in ("z", "p", "margin") else "numeric"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                Field.text("court_nearest_months", field_width=Fixed.TWO),
                Field.text("court_furthest_months", field_width=Fixed.TWO),
                legend="Court disposals made",
                legend_size=Size.SMALL,
            ),
            Fieldset(
                Field.text("out_of_court_nearest_months", field_width=Fixed.TWO),
                Field.text("out_of_court_furthest_months", field_width=Fixed.TWO),
                legend="Out-of-court disposals made",
                legend_size=Size.SMALL,
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-body">n0 = z² × p × (1 − p) ÷ margin², then corrected for the number of '
                    "eligible cases.</p>"
                ),
                Field.text("z", field_width=Fixed.FIVE),
                Field.text("p", field_width=Fixed.FIVE),
                Field.text("margin", field_width=Fixed.FIVE),
                legend="Sample size",
                legend_size=Size.SMALL,
            ),
            Field.text("reserve_per_stratum", field_width=Fixed.TWO),
            Field.text("case_manager_cap", field_width=Fixed.THREE),
            Field("version"),
            Submit("submit", "Save the settings"),
        )

    def clean(self):
        data = super().clean()
        for category in ("court", "out_of_court"):
            nearest, furthest = (
                data.get(f"{category}_nearest_months"),
                data.get(f"{category}_furthest_months"),
            )
            if nearest is not None and furthest is not None and furthest < nearest:
                self.add_error(
                    f"{category}_furthest_months",
                    "The window must end at least as many months before fieldwork as it starts",
                )
        return data


class SizeOverrideForm(forms.Form):
    size = forms.IntegerField(
        label="Sample size",
        required=False,
        min_value=0,
        help_text="Leave blank to use the computed size.",
        error_messages={
            "invalid": "Enter the sample size as a whole number",
            "min_value": "The sample size cannot be negative",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(
        **limited(limits.REASON),
        label="Why a different size",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Recorded with the sample, for example: a smaller service, agreed with the head of inspection.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("size", field_width=Fixed.FIVE),
            Field.textarea("reason", max_characters=text_limit(self.fields["reason"]), rows=4),
            Submit("submit", "Save the sample size"),
        )

    def clean(self):
        data = super().clean()
        if data.get("size") is not None and not data.get("reason", "").strip():
            self.add_error("reason", "Give the reason for using a different sample size")
        return data


class DrawForm(forms.Form):
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text="Leave blank and a seed is chosen at random. The same seed with the same population and "
        "settings always gives the same sample.",
        error_messages={
            "invalid": "Enter the seed as a whole number, or leave it blank",
            "min_value": "The seed cannot be negative",
            "max_value": f"The seed can have at most {len(str(MAX_SEED))} digits",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, redraw: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("seed", field_width=Fixed.TEN),
            Submit("submit", "Draw the sample again" if redraw else "Draw the sample"),
        )


class SwapForm(forms.Form):
    reserve = forms.ChoiceField(
        label="Reserve case to bring in",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reserve case to bring in"},
    )
    reason = forms.CharField(
        **limited(limits.REASON),
        label="Why the case is swapped",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason for swapping the case"},
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reserve"].choices = choices
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("reserve", legend_size=Size.MEDIUM),
            Field.textarea("reason", max_characters=text_limit(self.fields["reason"]), rows=4),
            Submit("submit", "Swap the case"),
        )


class AllocationForm(forms.Form):
    """One choice of person per case; rendered as a table by the template."""

    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, cases, members, **kwargs):
        super().__init__(*args, **kwargs)
        people = [("", "Not allocated")] + [
            (str(member.user_id), f"{member.user} ({member.get_role_display().lower()})")
            for member in members
        ]
        self.cases = cases
        # The template lays the fields out as a table; the helper serves the error summary.
        self.helper = FormHelper()
        for case in cases:
            self.fields[f"case_{case.pk}"] = forms.ChoiceField(
                label=f"Inspector for case {case.reference}",
                choices=people,
                required=False,
                error_messages={"invalid_choice": f"Choose a person on the team for case {case.reference}"},
            )

    def rows(self):
        return [(case, self[f"case_{case.pk}"]) for case in self.cases]

    def allocation(self) -> dict[int, int | None]:
        return {
            case.pk: int(self.cleaned_data[f"case_{case.pk}"])
            if self.cleaned_data[f"case_{case.pk}"]
            else None
            for case in self.cases
        }

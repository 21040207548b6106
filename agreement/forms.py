from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Size, Submit
from django import forms

from .rules import DEFAULT_PERCENT


class DrawForm(forms.Form):
    percent = forms.IntegerField(
        label="What share of the cases should be marked twice?",
        help_text="A whole number of per cent, from 1 to 100. Each category gives at least one case.",
        min_value=1,
        max_value=100,
        initial=DEFAULT_PERCENT,
        error_messages={
            "required": "Enter the share of cases to mark twice",
            "invalid": "Enter the share as a whole number, like 10",
            "min_value": "The share must be at least 1 per cent",
            "max_value": "The share must be at most 100 per cent",
        },
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        help_text="Leave it blank for a new random draw. The seed is stored, so the same seed draws the same cases.",
        required=False,
        min_value=0,
        max_value=10**12,
        error_messages={"invalid": "Enter the seed as a whole number, or leave it blank"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("percent", field_width=Fixed.THREE, label_size=Size.MEDIUM, label_tag="h2"),
            Field.text("seed", field_width=Fixed.TEN, label_size=Size.SMALL),
            Submit("draw", "Draw the cases"),
        )


def _marker_choices(markers, exclude_id=None):
    return [("", "Nobody yet")] + [(m.pk, str(m)) for m in markers if m.pk != exclude_id]


class AddForm(forms.Form):
    case = forms.TypedChoiceField(
        label="Which case?", coerce=int, empty_value=None, error_messages={"required": "Choose a case"}
    )
    marker = forms.TypedChoiceField(label="Second marker", coerce=int, empty_value=None, required=False)

    def __init__(self, *args, cases, markers, **kwargs):
        super().__init__(*args, **kwargs)
        self.markers = {m.pk: m for m in markers}
        self.fields["case"].choices = [("", "Choose a case")] + [
            (c.pk, f"{c.reference} ({c.get_category_display().lower()}, inspector: {c.inspector or 'none'})")
            for c in cases
        ]
        self.fields["marker"].choices = _marker_choices(markers)
        self.fields["marker"].help_text = "Never the case's own inspector. You can name them later."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("case", label_size=Size.MEDIUM, label_tag="h2"),
            Field.select("marker", label_size=Size.MEDIUM, label_tag="h2"),
            Submit("add", "Add the case"),
        )


class ChangeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    marker = forms.TypedChoiceField(label="Second marker", coerce=int, empty_value=None, required=False)
    new_case = forms.TypedChoiceField(
        label="Swap for another case (optional)", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, marking, cases, markers, **kwargs):
        super().__init__(*args, **kwargs)
        self.markers = {m.pk: m for m in markers}
        self.fields["marker"].choices = _marker_choices(markers)
        self.fields[
            "marker"
        ].help_text = f"Never the case's own inspector ({marking.case.inspector or 'none'})."
        self.fields["new_case"].choices = [("", f"Keep case {marking.case.reference}")] + [
            (c.pk, f"{c.reference} ({c.get_category_display().lower()}, inspector: {c.inspector or 'none'})")
            for c in cases
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version",
            Field.select("marker", label_size=Size.MEDIUM, label_tag="h2"),
            Field.select("new_case", label_size=Size.MEDIUM, label_tag="h2"),
            Submit("save", "Save the change"),
        )


class RemoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from .models import EventKind


class FilterDateField(DateInputField):
    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except (ValidationError, OverflowError):  # OverflowError: a year like 10^30
            raise ValidationError("Enter a real date, like 27 3 2025") from None


class SecurityEventFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened", choices=[("", "Everything"), *EventKind.choices], required=False
    )
    date_from = FilterDateField(label="From", required=False, help_text="For example, 27 3 2025")
    date_to = FilterDateField(label="To", required=False, help_text="For example, 3 4 2025")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("kind"),
            Field("date_from", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field("date_to", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Submit("show", "Show events"),
        )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        for name in ("date_from", "date_to"):
            value = cleaned.get(name)
            if value and value > date.today():
                self.add_error(name, "The date must be today or in the past")
        return cleaned

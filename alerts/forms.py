import datetime
import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Layout, Size, Submit
from django import forms
from django.utils import timezone

from accounts import text as limits
from accounts.text import limited, text_limit
from inspections.forms import DateField

from . import rules
from .models import Concern, NotifiedHow

TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(am|pm)?\s*$", re.IGNORECASE)


def _add_problems(form: forms.Form, problems: dict[str, list[str]], fields: dict[str, str]) -> None:
    """Puts the rules' problems on the form's fields (by the form's name for each), unless a field already
    has an error of its own."""
    for name, messages in problems.items():
        field = fields.get(name, name)
        if field not in form.errors:
            form.add_error(field, messages)


class AlertRaiseForm(forms.Form):
    """The alert as the inspector records it. The problems are alerts/rules.py's, which the service checks
    again; the form lists them all at once."""

    concern = forms.ChoiceField(
        label="What is the concern about?", choices=Concern.choices, widget=forms.RadioSelect, required=False
    )
    findings = forms.CharField(
        **limited(limits.NOTE),
        label="What did you find?",
        help_text="What puts the child or other people at risk, and what the service has not done about it.",
        widget=forms.Textarea,
        required=False,
    )
    action_requested = forms.CharField(
        **limited(limits.NOTE),
        label="What did you ask the service to do?",
        widget=forms.Textarea,
        required=False,
    )
    notified_name = forms.CharField(label="Name", max_length=120, required=False)
    notified_role = forms.CharField(
        label="Role", help_text="For example, head of service", max_length=120, required=False
    )
    notified_how = forms.ChoiceField(
        label="How did you tell them?", choices=NotifiedHow.choices, widget=forms.RadioSelect, required=False
    )
    notified_date = DateField(label="Date", what="you told them", required=False)
    notified_time = forms.CharField(
        label="Time", help_text="On the 24-hour clock, for example 14:30", max_length=8, required=False
    )

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("concern", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea(
                "findings",
                max_characters=text_limit(self.fields["findings"]),
                rows=5,
                label_size=Size.MEDIUM,
                label_tag="h2",
            ),
            Field.textarea(
                "action_requested",
                max_characters=text_limit(self.fields["action_requested"]),
                rows=4,
                label_size=Size.MEDIUM,
                label_tag="h2",
            ),
            Fieldset(
                Field.text("notified_name", field_width=Fixed.TWENTY),
                Field.text("notified_role", field_width=Fixed.TWENTY),
                legend="Who did you tell at the service?",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Field.radios("notified_how", legend_size=Size.MEDIUM, legend_tag="h2"),
            Fieldset(
                HTML('<p class="govuk-body">Not in the future, and not before fieldwork started.</p>'),
                Field("notified_date"),
                Field.text("notified_time", field_width=Fixed.FIVE),
                legend="When did you tell them?",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Submit("raise", "Raise the alert", data_module="govuk-button", data_prevent_double_click="true"),
        )

    def clean_notified_time(self) -> datetime.time | None:
        text = self.cleaned_data["notified_time"]
        if not text.strip():
            return None
        match = TIME.match(text)
        hour, minute = (int(match[1]), int(match[2])) if match else (-1, -1)
        if match and match[3]:
            # 12-hour clock: 1 to 12 only ("13:30pm" and "0:15am" are not times).
            hour = hour % 12 + (12 if match[3].lower() == "pm" else 0) if 1 <= hour <= 12 else -1
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise forms.ValidationError("Enter the time as hours and minutes, for example 14:30")
        return datetime.time(hour, minute)

    def clean(self):
        data = super().clean()
        date, time = data.get("notified_date"), data.get("notified_time")
        data["notified_at"] = (
            timezone.make_aware(datetime.datetime.combine(date, time)) if date and time else None
        )
        problems = rules.raise_problems(
            **{name: data.get(name) or "" for name in self.service_fields() if name != "notified_at"},
            notified_at=data["notified_at"],
            fieldwork_start=self.inspection.fieldwork_start,
            now=timezone.localtime(),
        )
        if "notified_at" in problems and date and not time:
            # The date is given: the problem is the time (missing, or unreadable and already said).
            del problems["notified_at"]
            if "notified_time" not in self.errors:
                problems["notified_time"] = ["Enter the time you told them"]
        _add_problems(self, problems, {"notified_at": "notified_date"})
        return data

    @staticmethod
    def service_fields() -> tuple[str, ...]:
        return (
            "concern",
            "findings",
            "action_requested",
            "notified_name",
            "notified_role",
            "notified_how",
            "notified_at",
        )

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.service_fields()}


class AlertResolveForm(forms.Form):
    service_action = forms.CharField(
        **limited(limits.NOTE),
        label="What has the service done?",
        help_text="In the words of the service's manager, as they confirmed it to you.",
        widget=forms.Textarea,
        required=False,
    )
    confirmed_by_name = forms.CharField(
        label="Name of the person at the service who confirmed it", max_length=120, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea(
                "service_action",
                max_characters=text_limit(self.fields["service_action"]),
                rows=5,
                label_size=Size.MEDIUM,
                label_tag="h2",
            ),
            Field.text("confirmed_by_name", field_width=Fixed.TWENTY, label_size=Size.SMALL),
            Field("version"),
            Submit("resolve", "Record the confirmation and resolve the alert"),
        )

    def clean(self):
        data = super().clean()
        _add_problems(
            self,
            rules.resolve_problems(
                service_action=data.get("service_action") or "",
                confirmed_by_name=data.get("confirmed_by_name") or "",
            ),
            {},
        )
        return data

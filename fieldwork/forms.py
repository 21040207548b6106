from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Size, Submit
from django import forms
from django.utils import timezone

from accounts import text as limits
from accounts.text import limited, text_limit
from inspections.forms import DateField

from . import rules
from .models import Discipline, Partner


def _add_problems(form: forms.Form, problems: dict[str, list[str]]) -> None:
    """Puts the rules' problems on the form's fields, unless a field already has an error of its own."""
    for name, messages in problems.items():
        if name not in form.errors:
            form.add_error(name, messages)


class ReferralForm(forms.Form):
    """A case referred for the second fieldwork week. The problems are fieldwork/rules.py's, which the service
    checks again; the form lists them all at once."""

    discipline = forms.ChoiceField(
        label="Which discipline should follow it up?",
        choices=Discipline.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    question = forms.CharField(
        **limited(limits.REASON),
        label="What should they follow up?",
        help_text="The question for the colleague inspector, for example whether the police shared what they knew.",
        widget=forms.Textarea,
        required=False,
    )
    assigned_to = forms.TypedChoiceField(
        label="Who on the team will follow it up?", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {member.pk: member for member in members}
        self.fields["assigned_to"].choices = [("", "Choose a member of the team")] + [
            (member.pk, str(member)) for member in members
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("discipline", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea(
                "question",
                max_characters=text_limit(self.fields["question"]),
                rows=4,
                label_size=Size.MEDIUM,
                label_tag="h2",
            ),
            Field.select("assigned_to", label_size=Size.MEDIUM, label_tag="h2"),
            Submit("refer", "Refer the case"),
        )

    def clean(self):
        data = super().clean()
        _add_problems(
            self,
            rules.referral_problems(
                discipline=data.get("discipline") or "",
                question=data.get("question") or "",
                assigned_to_ok=data.get("assigned_to") in self.members,
            ),
        )
        return data


class FindingForm(forms.Form):
    finding = forms.CharField(
        **limited(limits.NOTE), label="What did you find?", widget=forms.Textarea, required=False
    )
    standard = forms.TypedChoiceField(
        label="Which standard is it evidence for? (optional)", coerce=int, empty_value=None, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, standards, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard_ids = {standard.pk for standard in standards}
        self.fields["standard"].choices = [("", "None: the case as a whole")] + [
            (standard.pk, f"{standard.code} {standard.title}") for standard in standards
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea(
                "finding",
                max_characters=text_limit(self.fields["finding"]),
                rows=6,
                label_size=Size.MEDIUM,
                label_tag="h2",
            ),
            Field.select("standard", label_size=Size.MEDIUM, label_tag="h2"),
            Field("version"),
            Submit("record", "Record the finding"),
        )

    def clean(self):
        data = super().clean()
        standard = data.get("standard")
        _add_problems(
            self,
            rules.finding_problems(
                finding=data.get("finding") or "",
                standard_ok=standard is None or standard in self.standard_ids,
            ),
        )
        return data


class MeetingForm(forms.Form):
    held_on = DateField(label="Date of the meeting", what="of the meeting", required=False)
    who_with = forms.CharField(
        label="Who was it with?",
        help_text="For example, the chair of the management board",
        max_length=200,
        required=False,
    )
    partner = forms.ChoiceField(
        label="Which discipline or partner?",
        choices=Partner.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    notes = forms.CharField(
        **limited(limits.NOTE), label="Notes (optional)", widget=forms.Textarea, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("held_on"),
            Field.text("who_with", field_width=Fixed.TWENTY, label_size=Size.MEDIUM, label_tag="h2"),
            Field.radios("partner", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea(
                "notes",
                max_characters=text_limit(self.fields["notes"]),
                rows=3,
                label_size=Size.MEDIUM,
                label_tag="h2",
            ),
            Submit("log", "Log the meeting"),
        )

    def clean(self):
        data = super().clean()
        problems = rules.meeting_problems(
            held_on=data.get("held_on"),
            who_with=data.get("who_with") or "",
            partner=data.get("partner") or "",
            today=timezone.localdate(),
        )
        _add_problems(self, problems)
        return data

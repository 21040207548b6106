import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Role, User

from .models import FrameworkVersion, Inspection, Service, ServiceTerm, TeamMembership, TeamRole


class DateField(DateInputField):
    """The GOV.UK date input (day, month, year), with messages that say which date is meant.

    `what` completes "Enter the date ...", for example "fieldwork starts".
    """

    def __init__(self, *, label: str, what: str, required: bool = True, **kwargs):
        self.what = what
        kwargs.setdefault("help_text", "For example, 12 7 2021")
        super().__init__(label=label, required=required, require_all_fields=False, **kwargs)
        self.error_messages["required"] = self.error_messages["incomplete"] = f"Enter the date {what}"
        for field, part in zip(self.fields, ("day", "month", "year"), strict=True):
            field.required = required
            field.error_messages["incomplete"] = f"The date {what} must include a {part}"

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        missing = [part for part, value in zip(("day", "month", "year"), data_list, strict=True) if not value]
        if missing:
            raise ValidationError(f"The date {self.what} must include a {' and a '.join(missing)}")
        day, month, year = data_list
        try:
            value = datetime.date(int(year), int(month), int(day))
        except (TypeError, ValueError):
            raise ValidationError(f"The date {self.what} must be a real date") from None
        if not 1990 <= value.year <= 2100:
            raise ValidationError(f"The year {self.what} must include all four numbers, for example 2021")
        return value


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name", "term", "local_authorities"]
        labels = {"name": "Name of the service", "term": "What the service calls itself"}
        help_texts = {
            "name": "As it appears in reports, for example Cheshire Youth Justice Service.",
            "local_authorities": "One a line.",
        }
        widgets = {"term": forms.RadioSelect, "local_authorities": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {
                "required": "Enter the name of the service",
                "unique": "A service with this name already exists",
            },
            "term": {"required": "Choose what the service calls itself"},
        }

    def __init__(self, *args, submit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = ServiceTerm.choices
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("term", legend_size=Size.SMALL),
            Field.textarea("local_authorities", rows=4),
            Submit("submit", submit_label),
        )


class InspectionForm(forms.Form):
    """The facts of an inspection. Creating also asks for the reference, service and framework version."""

    reference = forms.SlugField(
        label="Reference",
        max_length=40,
        help_text="A short reference of letters, numbers and hyphens, for example CHESHIRE-2021.",
        error_messages={
            "required": "Enter a reference for the inspection",
            "invalid": "The reference can only hold letters, numbers and hyphens, for example CHESHIRE-2021",
        },
    )
    service = forms.ModelChoiceField(
        label="Inspected service",
        queryset=Service.objects.all(),
        empty_label="Choose the service",
        error_messages={"required": "Choose the inspected service"},
    )
    framework = forms.ModelChoiceField(
        label="Framework version",
        queryset=FrameworkVersion.objects.all(),
        empty_label=None,
        error_messages={"required": "Choose the framework version"},
    )
    lead_inspector = forms.ModelChoiceField(
        label="Lead inspector",
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the lead inspector"},
    )
    announcement_date = DateField(label="Announcement date", what="of the announcement", required=False)
    fieldwork_start = DateField(label="Fieldwork starts", what="fieldwork starts")
    fieldwork_end = DateField(label="Fieldwork ends", what="fieldwork ends")
    second_period_start = DateField(
        label="Second period starts", what="the second fieldwork period starts", required=False
    )
    second_period_end = DateField(
        label="Second period ends", what="the second fieldwork period ends", required=False
    )
    is_joint = forms.BooleanField(label="This is a joint inspection with other inspectorates", required=False)
    partner_inspectorates = forms.CharField(
        label="Partner inspectorates",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, for example HMICFRS.",
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    FACTS = (
        "announcement_date",
        "fieldwork_start",
        "fieldwork_end",
        "second_period_start",
        "second_period_end",
        "is_joint",
        "partner_inspectorates",
    )

    def __init__(self, *args, creating: bool, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        fields = []
        if creating:
            fields += [
                Field.text("reference", field_width=Fixed.TWENTY),
                Field.select("service"),
                # A button rather than a link: what is typed so far is kept, and the page comes back after the
                # service is added with it chosen (inspections.views.InspectionCreateView).
                HTML(
                    '<p class="govuk-body">If the service is not listed, add it first: what you have typed '
                    "here is kept, and you come back to this page.</p>"
                    '<button type="submit" name="add_service" value="1" formnovalidate '
                    'class="govuk-button govuk-button--secondary" data-module="govuk-button">'
                    "Add a service first</button>"
                ),
                Field.select("framework"),
            ]
            latest = FrameworkVersion.objects.order_by("-code").first()
            self.fields["framework"].initial = latest.pk if latest else None
        else:
            for name in ("reference", "service", "framework"):
                del self.fields[name]
        if creating and user.is_administrator:
            # An administrator sets up an inspection for a lead inspector; the lead is always a lead
            # inspector (README, Security: role fit), never the administrator.
            self.fields["lead_inspector"].queryset = User.objects.filter(
                is_active=True, role=Role.LEAD_INSPECTOR
            )
            self.fields["lead_inspector"].empty_label = "Choose the lead inspector"
            fields.append(Field.select("lead_inspector"))
        else:
            del self.fields["lead_inspector"]
        fields += [
            Field("announcement_date"),
            Field("fieldwork_start"),
            Field("fieldwork_end"),
            Fieldset(
                HTML('<p class="govuk-body">Only if fieldwork is split into two separate periods.</p>'),
                Field("second_period_start"),
                Field("second_period_end"),
                legend="Second fieldwork period (optional)",
                legend_size=Size.SMALL,
            ),
            Field.checkbox("is_joint"),
            Field.textarea("partner_inspectorates", rows=3),
        ]
        if creating:
            del self.fields["version"]
            fields.append(Submit("submit", "Create the inspection"))
        else:
            fields += [Field("version"), Submit("submit", "Save the changes")]
        self.helper = FormHelper()
        self.helper.layout = Layout(*fields)

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip().upper()
        if Inspection.objects.filter(reference__iexact=reference).exists():
            # Says only that the reference is taken, never whose or what it is.
            raise ValidationError("This reference cannot be used: choose another")
        return reference

    def clean(self):
        data = super().clean()
        if data.get("partner_inspectorates", "").strip() and not data.get("is_joint"):
            self.add_error(
                "is_joint", "Say that this is a joint inspection, or leave the partner inspectorates blank"
            )
        return data

    def facts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FACTS}


class TeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose the person to add"},
    )
    role = forms.ChoiceField(
        label="Role on this inspection",
        choices=[choice for choice in TeamRole.choices if choice[0] != TeamRole.LEAD],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person's role on this inspection"},
    )

    def __init__(self, *args, inspection: Inspection, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        members = TeamMembership.objects.filter(inspection=inspection).values("user")
        # Administrators manage teams but take no role on one (inspections.rules).
        people = User.objects.filter(is_active=True).exclude(pk__in=members).exclude(role=Role.ADMINISTRATOR)
        self.search = " ".join(search.split())[:100]
        for word in self.search.split():
            people = people.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
        # Only the search narrows the list shown; a person posted from an older list is still accepted.
        self.fields["user"].queryset = (
            people
            if not self.is_bound
            else User.objects.filter(is_active=True).exclude(pk__in=members).exclude(role=Role.ADMINISTRATOR)
        ).order_by("last_name", "first_name", "email")
        # Names with the email, so that two people of the same name can be told apart.
        self.fields["user"].label_from_instance = lambda user: (
            f"{user} – {user.email} ({user.get_role_display().lower()})"
            if str(user) != user.email
            else f"{user.email} ({user.get_role_display().lower()})"
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("user"),
            Field.radios("role", legend_size=Size.SMALL),
            Submit("submit", "Add to the team"),
        )

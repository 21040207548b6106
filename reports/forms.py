"""The report's authoring forms. They check the shape of what was typed; the services check the rest
(tokens, identifying details, someone else's newer change) and the views show those problems on the form."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Layout, Size, Submit
from django import forms

from . import facts as catalogue
from .context import with_term
from .models import AddresseeKind, ExampleKind, FindingKind, RenderFormat, SuppliedBy

TOKEN_HELP = HTML('{% include "reports/includes/token_help.html" %}')


def _version():
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


def _text(label: str, help_text: str = "", required: bool = False, rows: int = 8) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter the {label.lower()}"},
    )


class ReportDetailsForm(forms.Form):
    cover_lead = forms.CharField(
        label="Cover wording before the service's name",
        max_length=120,
        error_messages={
            "required": "Enter the cover wording, for example: An inspection of youth offending services in"
        },
    )
    service_short_name = forms.CharField(
        label="Short name of the service",
        max_length=80,
        required=False,
        help_text="How the report names the service in prose, for example Cheshire YJS. Leave it empty to use the "
        "place and the service's own term.",
    )
    publication_date = forms.DateField(
        label="Publication date",
        required=False,
        help_text="The cover prints its month and year. For example, 2021-12-01.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the publication date as a date, for example 2021-12-01"},
    )
    isbn = forms.CharField(
        label="ISBN", max_length=17, required=False, help_text="For example 978-1-914478-34-5."
    )
    foreword = _text("Foreword", "Paragraphs separated by a blank line.", rows=14)
    signatory_name = forms.CharField(label="Name of the signatory", max_length=120, required=False)
    signatory_title = forms.CharField(label="Signatory's title", max_length=120, required=False)
    lead_inspector_name = forms.CharField(
        label="Lead inspector's name as printed",
        max_length=120,
        required=False,
        help_text="For the acknowledgements, for example Yvonne McGuckian. Leave it empty to print the name of "
        "the inspection's lead inspector's account.",
    )
    summary_context = _text(
        "Context after the executive summary's opening",
        "Optional: printed after the generated opening paragraph of the executive summary.",
        rows=4,
    )
    background = _text(
        "Local context for the background",
        "Printed after the three standard paragraphs of the background section.",
        rows=12,
    )
    presenters = forms.CharField(
        label="Who presented to the inspectors",
        max_length=300,
        required=False,
        help_text="For Annexe 1, for example: the chair of the YJS management board and the head of service.",
    )
    meetings_held = forms.IntegerField(
        label="Meetings held",
        min_value=0,
        required=False,
        help_text="For Annexe 1: meetings with managers, partner organisations and staff.",
        error_messages={
            "invalid": "Enter the number of meetings as a whole number",
            "min_value": "The number of meetings cannot be negative",
        },
    )
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                Field.text("cover_lead", field_width=Fluid.FULL),
                Field.text("service_short_name", field_width=Fluid.ONE_HALF),
                Field.text("publication_date", field_width=Fixed.TEN),
                Field.text("isbn", field_width=Fixed.TWENTY),
                Field.text("lead_inspector_name", field_width=Fluid.ONE_HALF),
                legend="Cover and publishing details",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("foreword", rows=14),
                Field.text("signatory_name", field_width=Fluid.ONE_HALF),
                Field.text("signatory_title", field_width=Fluid.ONE_HALF),
                legend="Foreword",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("summary_context", rows=4),
                Field.textarea("background", rows=12),
                legend="Executive summary and background",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("presenters", field_width=Fluid.FULL),
                Field.text("meetings_held", field_width=Fixed.FIVE),
                legend="Annexe 1: methodology",
                legend_size=Size.MEDIUM,
            ),
            "version",
            TOKEN_HELP,
            Submit("submit", "Save"),
        )


class DomainSectionForm(forms.Form):
    summary = _text(
        "Executive summary",
        "Printed in the executive summary, after the sample paragraph of a case-based domain.",
        rows=12,
    )
    results = _text(
        "Results paragraph",
        "Printed in both the executive summary and the chapter, for example the percentages paragraph: write "
        "it once here. Use tokens such as {kq:2.1.1} for every figure.",
        rows=6,
    )
    overview = _text(
        "Chapter overview",
        "Printed at the start of the chapter, before its strengths and areas for improvement.",
        rows=8,
    )
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("summary", rows=12),
            Field.textarea("results", rows=6),
            Field.textarea("overview", rows=8),
            "version",
            TOKEN_HELP,
            Submit("submit", "Save"),
        )


class FindingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of finding",
        choices=FindingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is a strength or an area for improvement"},
    )
    text = _text(
        "Finding",
        "One or two sentences, starting with a capital letter. The executive summary prints it as a lower-case "
        "bullet; the chapter as written.",
        required=True,
        rows=4,
    )
    in_summary = forms.BooleanField(label="Print it in the executive summary", required=False)
    in_chapter = forms.BooleanField(label="Print it in the chapter", required=False)
    keeps_capital = forms.BooleanField(
        label="It starts with a name: keep its first capital letter in the executive summary", required=False
    )
    version = _version()

    def __init__(self, *args, submit_label="Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            Field.textarea("text", rows=4),
            Fieldset(
                Field.checkbox("in_summary"),
                Field.checkbox("in_chapter"),
                Field.checkbox("keeps_capital"),
                legend="Where it is printed",
                legend_size=Size.SMALL,
            ),
            "version",
            TOKEN_HELP,
            Submit("submit", submit_label),
        )


class AddresseeForm(forms.Form):
    kind = forms.ChoiceField(
        label="Who they are",
        choices=AddresseeKind.choices,
        error_messages={"required": "Choose who the recommendations are made to"},
    )
    name = forms.CharField(
        label="Heading",
        max_length=200,
        help_text="As the report prints it before 'should:', for example: Cheshire Constabulary.",
        error_messages={"required": "Enter the heading, for example: The chair of the management board"},
    )
    version = _version()

    def __init__(self, *args, submit_label="Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("kind"),
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            "version",
            Submit("submit", submit_label),
        )


class RecommendationForm(forms.Form):
    addressee = forms.ModelChoiceField(
        label="Made to",
        queryset=None,
        error_messages={"required": "Choose who the recommendation is made to"},
    )
    text = _text(
        "Recommendation",
        "Starts with a lower-case verb, for example: provide staff with safe places to work with children. "
        "The report numbers the recommendations and adds the full stops.",
        required=True,
        rows=4,
    )
    standards = forms.ModelMultipleChoiceField(
        label="Standards it follows from", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = _version()

    def __init__(self, *args, addressees, standards, submit_label="Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = addressees
        self.fields["standards"].queryset = standards
        self.fields["standards"].label_from_instance = lambda s: f"{s.code} {s.title}"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("addressee"),
            Field.textarea("text", rows=4),
            Field.checkboxes("standards", legend_size=Size.SMALL, small=True),
            "version",
            TOKEN_HELP,
            Submit("submit", submit_label),
        )


class FactSourceForm(forms.Form):
    supplied_by = forms.ChoiceField(
        label="Where the figures come from",
        choices=SuppliedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the figures come from"},
    )
    organisation = forms.CharField(
        label="Organisation", max_length=200, required=False, help_text="For example Youth Justice Board."
    )
    year = forms.IntegerField(
        label="Year of publication",
        min_value=1990,
        max_value=2100,
        required=False,
        error_messages={"invalid": "Enter the year as four digits, for example 2019"},
    )
    title = forms.CharField(label="Title", max_length=300, required=False)
    period = forms.CharField(
        label="Period the figures cover", max_length=100, required=False, help_text="For example mid-2018."
    )
    version = _version()

    def __init__(self, *args, submit_label="Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("supplied_by", legend_size=Size.SMALL),
            Field.text("organisation", field_width=Fluid.TWO_THIRDS),
            Field.text("year", field_width=Fixed.FOUR),
            Field.text("title", field_width=Fluid.FULL),
            Field.text("period", field_width=Fluid.ONE_THIRD),
            "version",
            Submit("submit", submit_label),
        )


class FactBlockForm(forms.Form):
    """One block of contextual facts: each figure, its national comparator where the table has one, and
    its source (one for the whole block, or one per figure)."""

    def __init__(self, *args, block: catalogue.FactBlock, sources, records, label_for, **kwargs):
        super().__init__(*args, **kwargs)
        self.block = block
        layout = []
        if not block.source_per_fact:
            self.fields["source"] = forms.ModelChoiceField(label="Source", queryset=sources, required=False)
            layout.append(Field.select("source"))
        for group in block.groups:
            parts = []
            for fact in group.facts:
                record = records.get(fact.key)
                label = label_for(fact)
                unit = {"percent": " (%)", "currency": " (£)"}.get(fact.unit, "")
                self.fields[fact.key] = forms.CharField(label=f"{label}{unit}", required=False, max_length=24)
                parts.append(Field.text(fact.key, field_width=Fixed.TEN))
                if fact.national:
                    self.fields[f"{fact.key}_national"] = forms.CharField(
                        label=f"{label}: national average{unit}", required=False, max_length=24
                    )
                    parts.append(Field.text(f"{fact.key}_national", field_width=Fixed.TEN))
                if block.source_per_fact:
                    self.fields[f"{fact.key}_source"] = forms.ModelChoiceField(
                        label=f"Source of: {label}", queryset=sources, required=False
                    )
                    parts.append(Field.select(f"{fact.key}_source"))
                self.fields[f"{fact.key}_version"] = _version()
                parts.append(f"{fact.key}_version")
                if record is not None:
                    self.initial.setdefault(fact.key, record.value)
                    self.initial.setdefault(f"{fact.key}_national", record.national)
                    self.initial.setdefault(f"{fact.key}_version", record.version)
                    if block.source_per_fact:
                        self.initial.setdefault(f"{fact.key}_source", record.source_id)
                    else:
                        self.initial.setdefault("source", record.source_id)
            heading = (
                group.title
                if group.title not in ("court", "out_of_court")
                else {"court": "Of the court disposals", "out_of_court": "Of the out-of-court disposals"}[
                    group.title
                ]
            )
            layout.append(Fieldset(*parts, legend=heading or block.title, legend_size=Size.SMALL))
        self.helper = FormHelper()
        self.helper.layout = Layout(*layout, Submit("submit", "Save the figures"))

    def rows(self) -> dict:
        data = self.cleaned_data
        rows = {}
        for fact in self.block.facts:
            source = data.get(f"{fact.key}_source") if self.block.source_per_fact else data.get("source")
            rows[fact.key] = {
                "value": data.get(fact.key),
                "national": data.get(f"{fact.key}_national"),
                "source": source,
            }
        return rows

    def versions(self) -> dict:
        return {fact.key: self.cleaned_data.get(f"{fact.key}_version") for fact in self.block.facts}


class StandardNarrativeForm(forms.Form):
    """A standard's paragraph and the narrative under each of its key questions, saved together."""

    def __init__(self, *args, standard, key_questions, case_based: bool, term: str, figures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_questions = key_questions
        self.fields["text"] = _text(
            "Rating rationale" if case_based else "After the key questions",
            "The paragraph under the key-question table that says which key question limited the rating."
            if case_based
            else "Optional, for example a sub-heading (### Involvement of children and their parents and carers) "
            "and its paragraphs.",
            rows=5,
        )
        self.fields["standard_version"] = _version()
        layout = [Field.textarea("text", rows=5), "standard_version"]
        self.has_discretion = bool(figures and any(f.discretion for f in figures.key_questions))
        if self.has_discretion:
            self.fields["discretion"] = _text(
                "Why the panel applied professional discretion",
                "Printed under the key-question table, after '*Professional discretion applied.', and in the "
                "domain's executive summary. The ratings panel's rationale is offered until you save your own; "
                "empty the box to print none.",
                rows=5,
            )
            layout.insert(0, Field.textarea("discretion", rows=5))
        figures = {f.id: f for f in figures.key_questions} if figures else {}
        for kq in key_questions:
            hint = ""
            if (f := figures.get(kq.code)) is not None:
                shown = f"{f.percent}%" if f.percent is not None else "no applicable case"
                hint = (
                    f"Now {f.yes} of {f.applicable} cases ({shown}): write {{kq:{kq.code}}} or "
                    f"{{kq:{kq.code}:k_of_n}} rather than the number."
                )
            self.fields[f"kq_{kq.code}"] = _text(f"{kq.code} {with_term(kq.text, term)}", hint, rows=10)
            self.fields[f"kq_{kq.code}_version"] = _version()
            layout += [
                Field.textarea(f"kq_{kq.code}", rows=10, label_size=Size.SMALL),
                f"kq_{kq.code}_version",
            ]
        self.helper = FormHelper()
        self.helper.layout = Layout(*layout, TOKEN_HELP, Submit("submit", "Save the text"))

    def key_question_texts(self) -> dict:
        return {kq.code: self.cleaned_data.get(f"kq_{kq.code}") or "" for kq in self.key_questions}

    def versions(self) -> dict:
        versions = {kq.code: self.cleaned_data.get(f"kq_{kq.code}_version") for kq in self.key_questions}
        return {**versions, "standard": self.cleaned_data.get("standard_version")}


class CaseExampleForm(forms.Form):
    kind = forms.ChoiceField(
        label="Printed as",
        choices=ExampleKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it is printed"},
    )
    lead_in = forms.CharField(
        label="Lead-in",
        max_length=200,
        required=False,
        help_text="For a quote, for example: In one case, the inspector noted:",
    )
    text = _text(
        "Text",
        "Write it so that no one can identify the child: no case reference, no names (use 'the child' or a "
        "pseudonym), no dates of birth.",
        required=True,
        rows=10,
    )
    anonymised = forms.BooleanField(
        label="I have checked that this text does not identify the child or the case manager",
        error_messages={"required": "Confirm that you have checked the text does not identify anyone"},
    )
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            Field.text("lead_in", field_width=Fluid.TWO_THIRDS),
            Field.textarea("text", rows=10),
            Field.checkbox("anonymised"),
            "version",
            Submit("submit", "Save the example"),
        )


class RenderRequestForm(forms.Form):
    format = forms.ChoiceField(choices=RenderFormat.choices)


class WithdrawPublicationForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why are you withdrawing the publication?",
        help_text="This is recorded in the security event log with your name and the time.",
        error_messages={"required": "Say why the publication is being withdrawn"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", rows=4, label_size=Size.MEDIUM, label_tag="h2"),
            Submit("withdraw", "Withdraw the publication", css_class="govuk-button--warning"),
        )

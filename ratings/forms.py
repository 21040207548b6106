from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms

from . import rules
from .models import EvidenceSource
from .selectors import StandardRatings

# Best first, as the report's ratings table reads.
RATINGS_BEST_FIRST = tuple(reversed(rules.RATINGS))


def _rating_choices(marked: str | None, hint: str) -> list[Choice]:
    return [
        Choice(rating, rules.RATING_LABELS[rating], **({"hint": hint} if rating == marked else {}))
        for rating in RATINGS_BEST_FIRST
    ]


class PanelDecisionForm(forms.Form):
    """The ratings panel's decision on one standard. The rules are checked by the service, which names every
    reason a decision is refused."""

    rating = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the rating the panel gives this standard"},
    )
    key_question = forms.ChoiceField(widget=forms.RadioSelect, required=False)
    rationale = forms.CharField(widget=forms.Textarea, required=False, label="The panel's rationale")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, standard: StandardRatings, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard = standard
        rating = self.fields["rating"]
        rating.label = f"What rating does the panel give {standard.id} {standard.title}?"
        if standard.is_case_based:
            computed = standard.computed_rating
            rating.choices = _rating_choices(computed, "The computed rating: choose it to confirm.")
            rating.help_text = (
                "Confirm the computed rating, or change it by one band where a discretion trigger holds, in the "
                "direction that trigger permits."
                if computed
                else "No key question has an applicable case, so there is no computed rating: the panel rates it."
            )
            kq = self.fields["key_question"]
            kq.label = "Which key question carries the asterisk?"
            kq.help_text = (
                "Only when the panel changes the computed rating. The report prints this key question's "
                "percentage with an asterisk and the note “*Professional discretion applied.”"
            )
            kq.choices = [("", "None: the panel confirms the computed rating")] + [
                Choice(
                    item.id,
                    f"{item.id}: {item.yes} of {item.applicable}"
                    + (f", {item.percent}%" if item.percent is not None else ", no applicable case"),
                    **({"hint": "Lowest"} if item.lowest else {}),
                )
                for item in standard.key_questions
            ]
        else:
            proposed = standard.proposal.rating if standard.proposal else None
            rating.choices = _rating_choices(proposed, "The lead inspector's proposal: choose it to confirm.")
            rating.help_text = "Confirm the lead inspector's proposed rating, or change it with a rationale."
            del self.fields["key_question"]
        self.fields["rationale"].help_text = "Needed when the panel changes the rating."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("rating", legend_size=Size.MEDIUM, legend_tag="h2"),
            *(
                [Field.radios("key_question", legend_size=Size.SMALL, small=True)]
                if standard.is_case_based
                else []
            ),
            Field.textarea("rationale", rows=6, label_size=Size.SMALL),
            Field("version"),
            Submit("save", "Record the decision"),
        )


class DomainOneProposalForm(forms.Form):
    rating = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=_rating_choices(None, ""),
        error_messages={"required": "Choose the rating you propose"},
    )
    rationale = forms.CharField(
        widget=forms.Textarea,
        label="Why this rating",
        help_text="Your overall judgement against the ratings characteristics.",
        error_messages={"required": "Say why you propose this rating"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    draft_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FORM_ID = "domain-one-proposal"

    def __init__(self, *args, standard, key_questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].label = f"What rating do you propose for {standard.code} {standard.title}?"
        self.key_question_fields = {}
        for kq in key_questions:
            name = "kq_" + kq.code.replace(".", "_")
            self.key_question_fields[kq.code] = name
            self.fields[name] = forms.CharField(
                widget=forms.Textarea,
                label=f"{kq.code} {kq.text}",
                help_text="Your rationale on this key question.",
                error_messages={"required": f"Give your rationale for key question {kq.code}"},
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("rating", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("rationale", rows=5, label_size=Size.SMALL),
            Fieldset(
                *(
                    Field.textarea(name, rows=4, label_size=Size.SMALL)
                    for name in self.key_question_fields.values()
                ),
                legend="Rationale for each key question",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Field("version"),
            Field("draft_version"),
            # Proposing first: it is the button Enter presses. The others keep a draft, complete or not.
            HTML(
                '<div class="govuk-button-group">'
                '<button type="submit" class="govuk-button" data-module="govuk-button" name="action" '
                'value="propose">Propose to the panel</button>'
                '<button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" '
                'name="action" value="draft">Save as draft</button></div>'
            ),
        )
        self.helper.form_id = self.FORM_ID

    def key_question_rationales(self) -> dict[str, str]:
        return {code: self.cleaned_data[name] for code, name in self.key_question_fields.items()}

    def draft(self) -> dict:
        """What the page holds, as posted, whatever is missing: for a draft, which needs nothing."""
        data = self.data
        version = data.get("draft_version", "")
        return {
            "rating": data.get("rating", ""),
            "rationale": data.get("rationale", "").strip(),
            "key_question_rationales": {
                code: data.get(name, "").strip() for code, name in self.key_question_fields.items()
            },
            "version": int(version) if version.isdigit() else None,
        }

    def add_service_errors(self, errors: dict) -> None:
        """Puts the service's errors (keyed by key question id) on the matching fields."""
        for key, messages in errors.items():
            for message in messages:
                self.add_error(
                    self.key_question_fields.get(key, key if key in self.fields else None), message
                )


class EvidenceNoteForm(forms.Form):
    source = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=EvidenceSource.choices,
        label="Where does the evidence come from?",
        error_messages={"required": "Choose where the evidence comes from"},
    )
    key_question = forms.ChoiceField(required=False, label="Which key question does it bear on?")
    note = forms.CharField(
        widget=forms.Textarea,
        label="The evidence",
        help_text="What you found, and in which document, meeting or interview.",
        error_messages={"required": "Describe the evidence"},
    )

    def __init__(self, *args, key_questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_question"].choices = [("", "The standard as a whole")] + [
            (kq.code, f"{kq.code} {kq.text}") for kq in key_questions
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("source", legend_size=Size.SMALL),
            Field.select("key_question"),
            Field.textarea("note", rows=5),
            Submit("save", "Add the evidence"),
        )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why are you reopening the ratings?",
        help_text="This is recorded with your name and the time.",
        error_messages={"required": "Say why the ratings are being reopened"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", rows=4, label_size=Size.MEDIUM, label_tag="h2"),
            Submit("reopen", "Reopen the ratings", css_class="govuk-button--warning"),
        )

import hashlib
import json

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    HTML,
    Field,
    Fieldset,
    Layout,
    Size,
    Submit,
)
from django import forms

from . import rules
from .models import COMMENT_MAX_LENGTH, Case, Category, Level, OffenceGroup, Oversight, YesNo
from .selectors import KeyQuestionItem, PromptItem, StandardItem

YES_NO = [("yes", "Yes"), ("no", "No")]
ANSWER_CHOICES = [(rules.YES, "Yes"), (rules.NO, "No"), (rules.NA, "Not applicable")]


def _yes_no_to_bool(value: str) -> bool:
    return value == "yes"


def _bool_to_yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def choice_field(choices, label: str | None = None) -> forms.ChoiceField:
    """Radios that may stay blank while the case is a draft."""
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=forms.RadioSelect)


def yes_no_field(label: str, help_text: str = "") -> forms.TypedChoiceField:
    """A yes/no question for a nullable boolean: blank until the inspector answers it."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=_yes_no_to_bool,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


class UnsavedAuthorMixin(forms.Form):
    """Says who the page was for, so that answers kept across a sign-in are offered back only to them."""

    signed_in_as = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CaseFactsForm(UnsavedAuthorMixin):
    """The inspector's own judgements about the case. Every field may be left blank while the case is a
    draft; the check page asks for the required ones before the case can be submitted."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    offence_group = choice_field(OffenceGroup.choices, "What was the principal offence?")
    rosh_reasonable = choice_field(YesNo.choices)  # labelled with the case's classification
    inspector_rosh = choice_field(
        Level.choices, "What is your own view of the risk of serious harm to others?"
    )
    safety_wellbeing_reasonable = choice_field(YesNo.choices)
    child_safety_factors = yes_no_field(
        "Are there factors related to keeping the child safe?",
        help_text="If not, the key questions about keeping the child safe in planning, delivery and reviewing "
        "are likely to be not applicable.",
    )
    others_safety_factors = yes_no_field(
        "Are there factors related to keeping other people safe?",
        help_text="If not, or if you judge the risk of serious harm to be low, the key questions about keeping "
        "other people safe in planning, delivery and reviewing are likely to be not applicable.",
    )
    review_needed = yes_no_field("Was a review needed during the period inspected?")
    management_oversight = choice_field(Oversight.choices, "Was management oversight of the case sufficient?")
    case_manager_interviewed = yes_no_field(
        "Did you interview the case manager?",
        "The report's count of case manager interviews is taken from this answer once the case is submitted.",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For yourself and the lead inspector. Notes are never printed in the report.",
    )

    NOT_FACTS = ("version", "signed_in_as")
    BOOLEAN_FIELDS = (
        "child_safety_factors",
        "others_safety_factors",
        "review_needed",
        "case_manager_interviewed",
    )

    def __init__(self, *args, case: Case, autosave_url: str = "", case_key: str = "", **kwargs):
        initial = {name: getattr(case, name) for name in self.base_fields if hasattr(case, name)}
        for name in self.BOOLEAN_FIELDS:
            initial[name] = _bool_to_yes_no(initial[name])
        initial["version"] = case.version
        super().__init__(*args, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)
        self.fields["offence_group"].help_text = (
            "Choose the offence group of the most serious offence the disposal was for. "
            + (
                "The report's table of offence types of the inspected court cases counts it."
                if case.category == Category.COURT
                else "It is recorded for out-of-court cases too, but the report counts court cases only."
            )
        )
        self.fields["rosh_reasonable"].label = (
            f"Was the case manager's risk of serious harm classification ({case.get_rosh_display().lower()}) "
            "reasonable?"
        )
        self.fields["safety_wellbeing_reasonable"].label = (
            "Was the case manager's safety and wellbeing classification "
            f"({case.get_safety_wellbeing_display().lower()}) reasonable?"
        )
        self.helper = FormHelper()
        self.helper.attrs = {
            "data-autosave": autosave_url,
            "data-autosave-kind": "facts",
            "data-case-key": case_key,
            "novalidate": "",
        }

        def section(legend, *fields):
            return Fieldset(
                *[Field.radios(name, legend_size=Size.SMALL, inline=True) for name in fields],
                legend=legend,
                legend_size=Size.MEDIUM,
            )

        self.helper.layout = Layout(
            Field("version"),
            Field("signed_in_as"),
            Fieldset(
                Field.radios("offence_group", legend_size=Size.SMALL, small=True),
                legend="Offence",
                legend_size=Size.MEDIUM,
            ),
            section("Classifications", "rosh_reasonable", "inspector_rosh", "safety_wellbeing_reasonable"),
            section(
                "Which key questions apply", "child_safety_factors", "others_safety_factors", "review_needed"
            ),
            section("Oversight", "management_oversight", "case_manager_interviewed"),
            Field.textarea("notes", label_size=Size.SMALL),
            Submit("save", "Save and continue"),
        )

    @classmethod
    def clean_field(cls, name: str, value):
        """Cleans one field's raw value, as the autosave endpoint receives it."""
        if name not in cls.base_fields or name in cls.NOT_FACTS:
            raise forms.ValidationError(f"The case facts have no field {name}.")
        return cls.base_fields[name].clean(value)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name not in self.NOT_FACTS}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve the case"), ("return", "Return it to the inspector")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve the case or return it"},
    )
    reason = forms.CharField(
        label="If you return it: what does the inspector need to change?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The inspector sees this when the case comes back to them.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The reason is always shown rather than revealed: GOV.UK Frontend's conditional reveal puts
        # aria-expanded on radios, which axe reports as a critical violation.
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("reason"),
            Submit("submit", "Record your decision"),
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say what the inspector needs to change")
        return data


class CommentForm(forms.Form):
    """A reviewer's comment on a key question. The limit is shown under the box (and counted as one types)."""

    text = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what the inspector should look at again. They answer it, or change their judgement.",
        error_messages={
            "required": "Write your comment",
            "max_length": f"Your comment must be {COMMENT_MAX_LENGTH:,} characters or fewer",
        },
    )

    def __init__(self, *args, code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = f"Your comment on key question {code}"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("text", max_characters=COMMENT_MAX_LENGTH, label_size=Size.SMALL),
            Submit("submit", "Add the comment"),
        )


class CommentAnswerForm(forms.Form):
    """The inspector's answer to a reviewer's comment, with the comment's version the page showed."""

    reply = forms.CharField(
        label="Your answer",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you changed, or why your judgement stands. The reviewer sees it when you submit the case.",
        error_messages={
            "required": "Write your answer",
            "max_length": f"Your answer must be {COMMENT_MAX_LENGTH:,} characters or fewer",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reply", max_characters=COMMENT_MAX_LENGTH, label_size=Size.SMALL),
            "version",
            Submit("submit", "Save your answer"),
        )


class WithdrawCommentForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Submit("submit", "Withdraw the comment", css_class="govuk-button--warning")
        )


class QaQueueFilterForm(forms.Form):
    """The queue's filters, sent with GET: each choice says how many cases wait for it."""

    inspector = forms.ChoiceField(
        label="Inspector",
        required=False,
        error_messages={"invalid_choice": "Choose an inspector from the list"},
    )
    category = forms.ChoiceField(
        label="Category", required=False, error_messages={"invalid_choice": "Choose a category from the list"}
    )

    def __init__(self, *args, queue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].choices = [("", f"All inspectors ({queue.waiting})")] + [
            (key, f"{name} ({waiting})") for key, name, waiting in queue.inspectors
        ]
        self.fields["category"].choices = [("", f"All categories ({queue.waiting})")] + [
            (value, f"{label} ({waiting})") for value, label, waiting in queue.categories
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("inspector"),
            Field.select("category"),
            Submit("filter", "Apply the filters", css_class="govuk-button--secondary"),
        )


class SubmitForm(forms.Form):
    """The check page's submit button; its errors are the problems left to fix."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            HTML('<h2 class="govuk-heading-m">Submit the case for quality assurance</h2>'),
            HTML(
                '<p class="govuk-body">Once you submit the case you cannot change it unless quality '
                "assurance returns it to you.</p>"
            ),
            Submit("submit", "Submit for quality assurance"),
        )


# --- a standard's page ------------------------------------------------------------------------------


def fingerprint(values: dict) -> str:
    """A short digest of an answer's values as a page showed them, to tell which answers a post changed."""
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]


def prompt_values(item: PromptItem) -> dict:
    return {"value": item.value}


def key_question_values(item: KeyQuestionItem) -> dict:
    answer = item.answer
    return {
        "value": item.value,
        "rationale": answer.rationale if answer else "",
        "out_of_scope_reason": answer.out_of_scope_reason if answer else "",
        "quote": answer.quote if answer else "",
        "good_practice": answer.good_practice if answer else False,
    }


class StandardForm(UnsavedAuthorMixin):
    """All the answers of one standard's page. The page is written out in its template (each key question a
    section, with autosave hooks); this form reads what the page posts without JavaScript.

    Each answer carries its version and a fingerprint of the values the page showed, so that the answers the
    inspector did not touch are left alone, and a changed answer that someone else has saved since is
    refused rather than overwritten."""

    def __init__(self, *args, standard: StandardItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard = standard
        self.row_errors: dict[str, list[str]] = {}
        self.conflicts: dict[str, dict] = {}
        self.rows = []  # (kind, code, slug, field names)
        for kq in standard.key_questions:
            if kq.applicability.forced:
                continue
            for prompt in kq.prompts:
                self._add_row(
                    "prompt", prompt.prompt.code, prompt.slug, prompt_values(prompt), prompt.version
                )
                self.fields[prompt.slug] = forms.ChoiceField(choices=ANSWER_CHOICES, required=False)
            slug = kq.slug
            self._add_row("key_question", kq.key_question.code, slug, key_question_values(kq), kq.version)
            self.fields[f"{slug}-value"] = forms.ChoiceField(
                choices=[(c, label) for c, label in ANSWER_CHOICES if c in kq.applicability.choices],
                required=False,
                error_messages={"invalid_choice": f"{kq.applicability.explanation} Answer yes or no."},
            )
            for name in ("rationale", "out_of_scope_reason", "quote"):
                self.fields[f"{slug}-{name}"] = forms.CharField(required=False)
            self.fields[f"{slug}-good_practice"] = forms.BooleanField(required=False)
            # Answering not applicable over answered prompts: the inspector's "yes, set them to not applicable".
            self.fields[f"{slug}-clear_prompts"] = forms.BooleanField(required=False)
        self.confirmations: dict[str, str] = {}

    def _add_row(self, kind, code, slug, values, version):
        self.rows.append((kind, code, slug))
        self.fields[f"{slug}-version"] = forms.IntegerField(min_value=0, initial=version)
        self.fields[f"{slug}-was"] = forms.CharField(initial=fingerprint(values), required=False)
        # After a conflict: the version of the other person's answer, and the inspector's choice.
        self.fields[f"{slug}-theirs_version"] = forms.IntegerField(min_value=0, required=False)
        self.fields[f"{slug}-resolve"] = forms.ChoiceField(
            choices=[("", ""), ("theirs", "Keep their answer"), ("mine", "Replace their answer with mine")],
            required=False,
        )

    def row_values(self, kind: str, slug: str) -> dict:
        data = self.cleaned_data
        if kind == "prompt":
            return {"value": data[slug]}
        return {
            "value": data[f"{slug}-value"],
            "rationale": data[f"{slug}-rationale"].strip(),
            "out_of_scope_reason": data[f"{slug}-out_of_scope_reason"].strip(),
            "quote": data[f"{slug}-quote"].strip(),
            "good_practice": data[f"{slug}-good_practice"],
        }

    def changed_rows(self) -> list[dict]:
        """The answers this post changes, key questions first (a key question answered not applicable
        decides what its prompts may be), each with the version the page showed."""
        changed = []
        for kind, code, slug in self.rows:
            values = self.row_values(kind, slug)
            if fingerprint(values) == self.cleaned_data[f"{slug}-was"]:
                continue
            version = self.cleaned_data[f"{slug}-version"]
            # After a conflict nothing of this answer is saved until the inspector chooses: keeping theirs
            # leaves it as it is; replacing it sends ours on the version of theirs that the page showed.
            resolve, theirs = (
                self.cleaned_data[f"{slug}-resolve"],
                self.cleaned_data[f"{slug}-theirs_version"],
            )
            if resolve == "theirs":
                continue
            if resolve == "mine" and theirs is not None:
                version = theirs
            changed.append(
                {
                    "kind": kind,
                    "code": code,
                    "slug": slug,
                    "values": values,
                    "version": version,
                    "clear_prompts": self.cleaned_data.get(f"{slug}-clear_prompts", False),
                }
            )
        return sorted(changed, key=lambda row: row["kind"] != "key_question")

    def sections(self) -> list[dict]:
        """What the page shows for each key question and its prompts: the posted (or restored) values if
        there are any, else the saved ones, with each answer's version, fingerprint and problems."""
        sections = []
        for kq in self.standard.key_questions:
            prompts = [
                {"item": p, "slug": p.slug, **self._shown(p.slug, prompt_values(p), p.version)}
                for p in kq.prompts
            ]
            sections.append(
                {
                    "item": kq,
                    "slug": kq.slug,
                    "prompts": prompts,
                    **self._shown(kq.slug, key_question_values(kq), kq.version),
                }
            )
        return sections

    def _shown(self, slug: str, saved: dict, version: int) -> dict:
        names = {"value": slug} if len(saved) == 1 else {name: f"{slug}-{name}" for name in saved}
        if self.is_bound:
            shown = {name: self.data.get(field_name, "") for name, field_name in names.items()}
            if "good_practice" in shown:
                shown["good_practice"] = shown["good_practice"] in ("on", "true", "True")
            shown["version"] = self.data.get(f"{slug}-version", version)
            shown["was"] = self.data.get(f"{slug}-was", fingerprint(saved))
        else:
            shown = {**saved, "version": version, "was": fingerprint(saved)}
        shown["errors"] = self.row_errors.get(slug, [])
        shown["conflict"] = self.conflicts.get(slug)
        shown["confirm"] = self.confirmations.get(slug)
        return shown

    def refuse(self, slug: str, message: str) -> None:
        self.row_errors.setdefault(slug, []).append(message)

    def show_conflict(self, slug: str, conflict: dict, values: dict, version: int) -> None:
        """Keeps the inspector's values in the page and says what the other person saved, with the choice
        to keep theirs or replace it. The page keeps the version it was loaded with, so saving again
        without choosing replaces nothing; the version of theirs goes with the choice."""
        self.conflicts[slug] = {**conflict, "slug": slug}
        self.data = self.data.copy()
        self.data[f"{slug}-theirs_version"] = version
        self.data.pop(f"{slug}-resolve", None)

    def ask_to_clear_prompts(self, slug: str, message: str) -> None:
        """Answering not applicable would replace answered prompts: the page asks first."""
        self.confirmations[slug] = message
        self.data = self.data.copy()
        self.data.pop(f"{slug}-clear_prompts", None)

    @property
    def problems(self) -> list[tuple[str, str]]:
        """(link to the field, message) of every refused answer, for the error summary."""
        names = {
            slug: ("Prompt " if kind == "prompt" else "Key question ") + code
            for kind, code, slug in self.rows
        }
        problems = [
            (f"#{slug}", message) for slug, messages in self.row_errors.items() for message in messages
        ]
        for slug, message in self.confirmations.items():
            problems.append((f"#{slug}-clear_prompts", message))
        for slug, conflict in self.conflicts.items():
            problems.append(
                (
                    f"#{slug}",
                    f"{names[slug]} was changed by {conflict['updated_by']} at {conflict['updated_at']}: "
                    "your change was not saved",
                )
            )
        return problems

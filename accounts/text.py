"""Free text with a limit that fits its use (issue 13 item 11), enforced at every layer:

- forms: a model form's field gets `max_length` (and a page says the limit: `limit_hint`, and the GOV.UK
  character count where the form uses `Field.textarea(..., max_characters=...)`);
- services and the autosave endpoint: `full_clean` runs the field's validator, and any save of a model
  refuses a longer text in words before it reaches the database (`pre_save`);
- the database: a CHECK constraint on the column (added to the model's constraints, so migrations create
  it), so not even SQL stores more.

The limits are in TEXT_LIMITS, one place, and in the README's security notes.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.utils.functional import cached_property

# Characters. Short reasons and answers; paragraphs; a report's longest sections.
REASON = 2_000
NOTE = 5_000
PARAGRAPH = 10_000
SECTION = 20_000


def too_long_message(limit: int, length: int) -> str:
    return f"This must be {limit:,} characters or fewer: it has {length:,}"


def limit_hint(limit: int) -> str:
    return f"Up to {limit:,} characters."


class TextLimitValidator(MaxLengthValidator):
    def __call__(self, value):
        if value is not None and len(value) > self.limit_value:
            raise ValidationError(too_long_message(self.limit_value, len(value)), code="max_length")


class BoundedTextField(models.TextField):
    """A TextField with a required `max_length`, checked by forms, by `full_clean`, on every save and by a
    database CHECK constraint."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, TextLimitValidator(self.max_length)]

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        # The database's own check, as a model constraint so that migrations add it (and full_clean checks
        # it too). A copy of the list: a parent's Meta must not gain its children's constraints.
        label = f"{cls._meta.db_table}_{self.column}_length"
        if len(label) > 60:
            label = f"{label[:47]}_{hashlib.sha256(label.encode()).hexdigest()[:12]}"
        if not any(c.name == label for c in cls._meta.constraints):
            cls._meta.constraints = [
                *cls._meta.constraints,
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__length__lte": self.max_length}),
                    name=label,
                    violation_error_message=f"This must be {self.max_length:,} characters or fewer",
                ),
            ]
            # (migrations read a model's constraints only when its Meta declared some)
            cls._meta.original_attrs["constraints"] = cls._meta.constraints

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, str) and len(value) > self.max_length:
            raise ValidationError({self.name: too_long_message(self.max_length, len(value))})
        return value

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)] + [
            TextLimitValidator(self.max_length)
        ]
        return field


def text_limit(field) -> int | None:
    """The limit a form field's text has (from its TextLimitValidator), for the GOV.UK character count:
    `Field.textarea(name, max_characters=text_limit(self.fields[name]))`."""
    # crispy-forms-gds appends the count's message to aria-describedby, which it sets only for a field
    # with help text: start it empty so that a field without one renders too.
    field.widget.attrs.setdefault("aria-describedby", "")
    for validator in field.validators:
        if isinstance(validator, TextLimitValidator):
            return validator.limit_value
    return None


def limited(limit: int) -> dict:
    """Keyword arguments for a plain form's text field: `forms.CharField(**limited(NOTE), ...)`."""
    return {"validators": [TextLimitValidator(limit)]}


BoundedTextField.register_lookup(Length)

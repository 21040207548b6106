from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Fluid, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm


def email_address_field() -> forms.EmailField:
    return forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


class SignInForm(AuthenticationForm):
    username = email_address_field()
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password. After 5 failed attempts you must wait 15 minutes.",
        "inactive": "This account has been closed. Ask an administrator if you need it again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Sign in"),
        )


class PasswordResetRequestForm(PasswordResetForm):
    email = email_address_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Send the link"),
        )


class NewPasswordForm(SetPasswordForm):
    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        help_text="At least 12 characters. Do not use a common password or one like your name or email address.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password"},
    )
    new_password2 = forms.CharField(
        label="Confirm new password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the new password again"},
    )

    error_messages = {"password_mismatch": "The passwords do not match. Enter the same password twice"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Save the new password"),
        )


def _six_digits(value: str) -> str:
    code = "".join(value.split())
    if not code.isascii() or not code.isdigit() or len(code) != 6:
        raise forms.ValidationError("The code must be 6 digits, like 123456")
    return code


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args, submit_label: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.text("code", field_width=Fixed.TEN), Submit("submit", submit_label))

    def clean_code(self):
        return _six_digits(self.cleaned_data["code"])


def _identity_fields(form: forms.Form, *, code_name: str, code_label: str) -> None:
    form.fields["password"] = forms.CharField(
        label="Your password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    form.fields[code_name] = forms.CharField(
        label=code_label,
        help_text="The 6-digit code your current app shows now",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code from your current authenticator app"},
    )


class TwoFactorReplaceForm(TwoFactorCodeForm):
    """Setting up a new app when one is set up already: the new app's code, and to show it is the person,
    their password and a code from the app they have now."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from your new app"
        _identity_fields(self, code_name="current_code", code_label="Code from your current app")
        self.helper.layout = Layout(
            Field.text("code", field_width=Fixed.TEN),
            Field.text("current_code", field_width=Fixed.TEN),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Use the new app"),
        )

    def clean_current_code(self):
        return _six_digits(self.cleaned_data["current_code"])


class TwoFactorTurnOffForm(forms.Form):
    """Turning two-factor authentication off needs the password and a code from the app."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _identity_fields(self, code_name="code", code_label="Code from your authenticator app")
        self.fields["code"].error_messages["required"] = "Enter the 6-digit code from your authenticator app"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Field.text("code", field_width=Fixed.TEN),
            Submit("submit", "Turn off two-factor authentication", css_class="govuk-button--warning"),
        )

    def clean_code(self):
        return _six_digits(self.cleaned_data["code"])

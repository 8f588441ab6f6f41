from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm


class SignInForm(AuthenticationForm):
    """Email and password. Paste and password managers work (WCAG 2.2 accessible authentication):
    no blocked paste, standard autocomplete tokens, no cognitive test."""

    error_messages = {
        # One message for every failure, so the form never tells whether an account exists.
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "Enter a correct email address and password.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "class": "govuk-input"}
        )
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "class": "govuk-input"}
        )


class ResetRequestForm(PasswordResetForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "class": "govuk-input"}
        )


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs.update(
            {"autocomplete": "new-password", "class": "govuk-input"}
        )
        self.fields["new_password2"].widget.attrs.update(
            {"autocomplete": "new-password", "class": "govuk-input"}
        )

from typing import Any, cast

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "class": "govuk-input"}
        )
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "class": "govuk-input"}
        )


class ResetRequestForm(PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "class": "govuk-input"}
        )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Not sent here: enqueued (agencies.tasks) with the account's id only; the task makes
        the reset token itself, so no link sits in the task queue."""
        from agencies import tasks

        tasks.password_reset_email_on_commit(context["user"].pk, context["domain"], context["protocol"])


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs.update(
            {"autocomplete": "new-password", "class": "govuk-input"}
        )
        self.fields["new_password2"].widget.attrs.update(
            {"autocomplete": "new-password", "class": "govuk-input"}
        )


class MFACodeForm(forms.Form):
    """A six-digit code from an authenticator app (or, on the sign-in check, a recovery code)."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input govuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args: Any, allow_recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            "The 6-digit code from your authenticator app, or one of your recovery codes."
            if allow_recovery
            else "The 6-digit code your authenticator app shows for Scrutiny Hub."
        )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code:
            raise forms.ValidationError("Enter the code")
        return code


def _role_choices(roles: list[str] | None) -> list[tuple[str, str]]:
    """The roles offered: those the viewer may assign (agencies.permissions.grantable_roles). A
    role outside them, typed into a forged form, is an invalid choice (400), not a grant."""
    from agencies.roles import Role

    values = [role.value for role in Role] if roles is None else roles
    return [(value, value) for value in values]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter an email address", "invalid": "Enter a valid email address"},
    )
    role = forms.ChoiceField(label="Role", choices=(), error_messages={"required": "Choose a role"})

    def __init__(self, *args: Any, roles: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", "Choose a role"), *_role_choices(roles)]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=(), error_messages={"required": "Choose a role"})

    def __init__(self, *args: Any, roles: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", "Choose a role"), *_role_choices(roles)]


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Enter your first name"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Enter your last name"},
    )
    new_password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text="At least 12 characters. Not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    new_password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Confirm your password"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The passwords do not match")
        return cleaned

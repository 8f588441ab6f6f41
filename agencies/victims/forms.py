"""VLO directory forms: they validate shape; services validate the rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from agencies.victims.services import MAX_HOURS, MAX_MAILBOX, MAX_TEAM_NAME

# The largest id a 64-bit id column holds: anything bigger is refused here, never sent to the
# database (SQLite raises OverflowError for an out-of-range integer).
MAX_ID = 2**63 - 1
MAX_COURT_QUERY = 100


def _id(value: str) -> int:
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        raise forms.ValidationError("Choose from the list.")
    return int(text)


class DirectorySearchForm(forms.Form):
    court = forms.CharField(
        label="Court name",
        required=False,
        max_length=MAX_COURT_QUERY,
        help_text="Part of the name is enough, for example “Crown Court” or “Dalesford”.",
    )
    area = forms.TypedChoiceField(label="CPS area", required=False, coerce=_id, empty_value=None)


class VloTeamForm(forms.Form):
    team_name = forms.CharField(
        label="Team name",
        max_length=MAX_TEAM_NAME,
        help_text="The team's name as partners should see it, for example “Dalesford Victim Liaison Unit”.",
    )
    mailbox = forms.CharField(
        label="Team mailbox",
        max_length=MAX_MAILBOX,
        help_text="A shared team mailbox at your CPS area's domain, never a person's address.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Team phone number",
        max_length=30,
        help_text="A landline or 03 number the team answers. Never a personal mobile.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    opening_hours = forms.CharField(
        label="Opening hours",
        max_length=MAX_HOURS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example “Monday to Friday, 9am to 5pm”: days in full. No names or personal numbers.",
    )
    courts = forms.TypedMultipleChoiceField(
        label="Courts covered",
        required=False,
        coerce=_id,
        widget=forms.CheckboxSelectMultiple,
        help_text="The courts in your area whose cases this team handles.",
    )

    def __init__(self, *args: Any, court_choices: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["courts"]).choices = [
            (str(pk), name) for pk, name in court_choices
        ]


class ConfirmForm(forms.Form):
    confirm = forms.CharField(required=False)

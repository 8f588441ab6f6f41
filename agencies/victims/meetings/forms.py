"""Pre-trial meeting forms: they validate shape; services validate the rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from agencies.victims.forms import MAX_ID
from agencies.victims.meetings.models import MAX_NOTES, MAX_REASON, NEEDS, MeetingOutcome
from agencies.victims.meetings.urn import MAX_INPUT

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
DATETIME_HELP = "For example 2027-03-15 10:30 (UK time)."


def _id(value: str) -> int:
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        raise forms.ValidationError("Choose from the list.")
    return int(text)


def _when(label: str, *, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        help_text=DATETIME_HELP,
        error_messages={"invalid": "Enter a date and time like 2027-03-15 10:30."},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class MeetingRequestForm(forms.Form):
    area = forms.TypedChoiceField(
        label="CPS area",
        coerce=_id,
        error_messages={
            "invalid_choice": "Choose a CPS area from the list.",
            "required": "Choose a CPS area.",
        },
    )
    urn = forms.CharField(
        label="CPS case reference (URN)",
        max_length=MAX_INPUT,
        help_text="For example 62 LV 12345 23. Do not give the victim's name or any other detail about them.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    slot_1 = _when("Preferred date and time", required=True)
    slot_2 = _when("Second choice (optional)", required=False)
    slot_3 = _when("Third choice (optional)", required=False)
    isva_attends = forms.TypedChoiceField(
        label="Will the ISVA attend the meeting?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    needs = forms.MultipleChoiceField(
        label="Needs at the meeting (optional)",
        required=False,
        choices=list(NEEDS),
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label="Anything else the VLO team should know (optional)",
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Practical needs only. Never the victim's name, address, date of birth or contact details.",
    )

    def __init__(self, *args: Any, area_choices: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area"]).choices = [
            ("", "Choose an area"),
            *((str(pk), name) for pk, name in area_choices),
        ]

    def slots(self) -> tuple[Any, ...]:
        return tuple(
            self.cleaned_data[name] for name in ("slot_1", "slot_2", "slot_3") if self.cleaned_data.get(name)
        )


class ConfirmSlotForm(forms.Form):
    slot = forms.TypedChoiceField(label="Confirm a time", coerce=_id, widget=forms.RadioSelect)

    def __init__(self, *args: Any, slot_choices: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["slot"]).choices = [
            (str(pk), label) for pk, label in slot_choices
        ]


class ProposeSlotForm(forms.Form):
    starts_at = _when("Propose another date and time", required=True)


class NotNeededForm(forms.Form):
    reason = forms.CharField(
        label="Why is a meeting not needed?",
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, the case concluded before trial. No names.",
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=MeetingOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason or note",
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the meeting was not offered. No names.",
    )
    new_starts_at = _when("New date and time (if rescheduled)", required=False)

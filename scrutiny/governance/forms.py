from __future__ import annotations

from django import forms

from scrutiny.governance.models import DigestFrequency, ExportFormat


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label="File format",
        choices=ExportFormat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a file format", "invalid_choice": "Select a file format"},
    )


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often should we email you a summary of unread notifications?",
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often", "invalid_choice": "Select how often"},
    )

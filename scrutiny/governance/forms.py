from __future__ import annotations

from django import forms

from scrutiny.governance.models import DigestFrequency, ExportFormat


class Radios(forms.RadioSelect):
    """Radios whose field id is the first radio's, so the error summary link lands on it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return f"{id_}_{index if index is not None else 0}" if id_ else ""


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label="File format",
        choices=ExportFormat.choices,
        widget=Radios,
        error_messages={"required": "Select a file format", "invalid_choice": "Select a file format"},
    )


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often should we email you a summary of unread notifications?",
        choices=DigestFrequency.choices,
        widget=Radios,
        error_messages={"required": "Select how often", "invalid_choice": "Select how often"},
    )

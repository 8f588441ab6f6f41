"""Forms validate shape only; the services validate the domain (permissions, identifiers, k)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from agencies.models import Agency
from content.models import Theme
from scrutiny.models import (
    ActionStatus,
    AgeBand,
    Assessment,
    DecisionStage,
    ExtractKind,
    FindingKind,
    OffenceCategory,
    Outcome,
    PanelRole,
    RedactionReason,
    Relationship,
    Score,
    SelectionReason,
    Vulnerability,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month picker where it has one); stored as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "class": "govuk-input govuk-input--width-10"})
    default_error_messages = {"invalid": "Enter a month as year and month, for example 2025-03."}

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]  # a date, not text
        value = super().to_python(value)
        if not value:
            return None
        try:
            year, month = (int(part) for part in str(value).strip().split("-"))
            return dt.date(year, month, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        return value


class CaseForm(forms.Form):
    presenting_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Presenting agency", empty_label="Choose an agency"
    )
    offence_category = forms.ChoiceField(choices=OffenceCategory.choices, label="Offence category")
    outcome = forms.ChoiceField(choices=Outcome.choices, label="Outcome")
    selection_reason = forms.ChoiceField(choices=SelectionReason.choices, label="Why the case was selected")
    offence_month = MonthField(
        label="Month the offence was reported", help_text="Year and month, e.g. 2024-03"
    )
    finalised_month = MonthField(
        label="Month the case was finalised", help_text="Year and month, e.g. 2025-01"
    )
    months_to_charge_decision = forms.IntegerField(
        label="Months from report to charging decision (optional)", required=False, min_value=0, max_value=240
    )
    victim_age_band = forms.ChoiceField(choices=AgeBand.choices, label="Victim age band")
    suspect_age_band = forms.ChoiceField(choices=AgeBand.choices, label="Suspect age band")
    relationship = forms.ChoiceField(choices=Relationship.choices, label="Victim–suspect relationship")
    vulnerability_flags = forms.MultipleChoiceField(
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Vulnerabilities",
    )
    isva_involved = forms.TypedChoiceField(
        choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect, label="Was an ISVA involved?"
    )

    def __init__(self, *args: Any, area_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(is_active=True)
        agencies = (
            agencies.filter(area_id=area_id) if area_id is not None else agencies.filter(area__isnull=True)
        )
        cast(forms.ModelChoiceField, self.fields["presenting_agency"]).queryset = agencies


class CaseKeyForm(forms.Form):
    cps_urn = forms.CharField(label="CPS URN", max_length=30, required=False)
    crime_number = forms.CharField(label="Crime reference number", max_length=40, required=False)


class NewCaseForm(CaseForm, CaseKeyForm):
    pass


class TextForm(forms.Form):
    text = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="Do not include names, addresses, dates of birth or contact details. Text is checked "
        "for identifiers; a possible identifier needs a second person's check before release.",
    )


class ExtractForm(TextForm):
    kind = forms.ChoiceField(choices=ExtractKind.choices, label="Kind of extract")


class DecisionPointForm(TextForm):
    stage = forms.ChoiceField(choices=DecisionStage.choices, label="Stage")


class CheckForm(forms.Form):
    """One choice per possible identifier: keep it (not identifying) or redact it with a reason."""

    def __init__(self, *args: Any, hits: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hits = hits
        for index, hit in enumerate(hits):
            self.fields[f"hit_{index}"] = forms.ChoiceField(
                label=f"Possible identifier {index + 1}: {hit.label}",
                choices=[
                    ("keep", "Not identifying: keep it"),
                    *[(c, f"Redact: {lbl}") for c, lbl in RedactionReason.choices],
                ],
            )
            self.fields[f"reason_{index}"] = forms.CharField(
                label=f"If you keep identifier {index + 1}, say why it is not identifying",
                help_text="Recorded with your name and shown to the coordinator; it applies to this "
                "exact text only.",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(len(self.hits)):
            if data.get(f"hit_{index}") == "keep" and not (data.get(f"reason_{index}") or "").strip():
                self.add_error(f"reason_{index}", "Say why this is not identifying (the reason is recorded).")
        return data

    def reasons(self) -> dict[int, str]:
        return {
            index: self.cleaned_data.get(f"reason_{index}") or ""
            for index in range(len(self.hits))
            if self.cleaned_data.get(f"hit_{index}") == "keep"
        }

    def decisions(self) -> dict[int, str | None]:
        return {
            index: (
                None if self.cleaned_data[f"hit_{index}"] == "keep" else self.cleaned_data[f"hit_{index}"]
            )
            for index in range(len(self.hits))
        }


class GeneraliseForm(forms.Form):
    """Which details the panel sees at their coarser level (scrutiny.redaction.COARSER)."""

    generalised = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Show the panel these details more coarsely",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from scrutiny.redaction import COARSER
        from scrutiny.services import field_label

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["generalised"]).choices = [
            (name, f"{field_label(name)}: {level}") for name, (level, _) in COARSER.items()
        ]


class HeldTextForm(forms.Form):
    """The second person's rewrite of a held finding or action, without the identifiers."""

    text = forms.CharField(
        label="Or rewrite the text without them",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="If your version has no possible identifiers, it counts as your check.",
    )


class DeclarationForm(forms.Form):
    involved = forms.TypedChoiceField(
        choices=[("no", "I had no prior involvement in this case"), ("yes", "I was involved in this case")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Were you involved in this case in any way?",
    )


class ReviewForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=Score.choices, coerce=int, widget=forms.RadioSelect, label="Your score"
    )

    def __init__(self, *args: Any, points: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.points = points
        for number, point in enumerate(points, start=1):
            self.fields[f"assessment_{point.pk}"] = forms.ChoiceField(
                choices=Assessment.choices,
                widget=forms.RadioSelect,
                label=f"Decision point {number}: assessment",
            )
            self.fields[f"notes_{point.pk}"] = forms.CharField(
                label=f"Decision point {number}: notes (optional)",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def assessments(self) -> dict[int, tuple[str, str]]:
        return {
            point.pk: (self.cleaned_data[f"assessment_{point.pk}"], self.cleaned_data[f"notes_{point.pk}"])
            for point in self.points
        }


class PanelForm(forms.Form):
    """Create or edit a panel. The code is asked for only when creating (it prefixes case ids)."""

    name = forms.CharField(
        label="Panel name",
        max_length=150,
        help_text="Everyone on the platform sees it: name the CPS area, not a police force.",
    )
    code = forms.SlugField(
        label="Short code",
        max_length=20,
        help_text="Letters, numbers and hyphens, for example ne. It starts the panel's case ids.",
    )
    police_forces = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Police forces the panel covers",
        help_text="Members see how many forces the panel covers, not which.",
    )
    terms_of_reference = forms.CharField(
        label="Terms of reference", widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )

    def __init__(self, *args: Any, forces: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["police_forces"]).queryset = forces
        if not creating:
            del self.fields["code"]


class AgreementForm(forms.Form):
    text = forms.CharField(
        label="Text of the new version",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        help_text="Every member must accept the new version before they can open a case again.",
    )


class MembershipForm(forms.Form):
    email = forms.EmailField(label="Email address of the member")
    role = forms.ChoiceField(choices=PanelRole.choices, label="Panel role")


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label="Meeting date",
        help_text="For example 2026-03-14",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class AgendaForm(forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput)


class AgreedScoreForm(forms.Form):
    score = forms.TypedChoiceField(choices=Score.choices, coerce=int, label="Agreed score")


class FindingForm(forms.Form):
    case = forms.TypedChoiceField(coerce=int, label="Case")
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.filter(is_active=True), label="Theme", empty_label="Choose a theme"
    )
    kind = forms.ChoiceField(choices=FindingKind.choices, widget=forms.RadioSelect, label="Type of finding")
    text = forms.CharField(label="Finding", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)

    def __init__(self, *args: Any, case_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["case"]).choices = case_choices


class ActingChairForm(forms.Form):
    """Hand one case's chairing to another member. Choices are ids; whether the member may chair
    that case is decided by the service (permissions.can_act_as_chair)."""

    item = forms.TypedChoiceField(coerce=int, label="Case")
    membership = forms.TypedChoiceField(coerce=int, label="Acting chair for this case")

    def __init__(
        self, *args: Any, items: list[tuple[int, str]], members: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["item"]).choices = items
        cast(forms.ChoiceField, self.fields["membership"]).choices = members


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        label="Owner agency",
        empty_label="Choose an agency",
        help_text="Everyone on the panel sees which agency owns an action.",
    )
    owner_role = forms.CharField(
        label="Owner role", max_length=100, help_text="A role, not a name: e.g. RASSO unit head"
    )
    due_on = forms.DateField(
        label="Due date", help_text="For example 2026-06-30", widget=forms.DateInput(attrs={"type": "date"})
    )


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices, label="Status")
    text = forms.CharField(label="Update", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class LegalHoldForm(forms.Form):
    """Set or clear a legal hold (which one is the button pressed); the service checks the reason."""

    action = forms.ChoiceField(
        choices=[("set", "Place a legal hold"), ("clear", "Clear the legal hold")],
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose whether to place or clear the hold.",
            "invalid_choice": "Choose whether to place or clear the hold.",
        },
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Reason",
        help_text="For example the inquiry, claim or request that needs the records kept. Name nobody.",
        error_messages={
            "required": "Enter the reason.",
            "max_length": "The reason must be 500 characters or fewer.",
        },
    )


class LegalHoldLookupForm(forms.Form):
    case = forms.CharField(
        max_length=30,
        label="Case reference (pseudonym)",
        error_messages={
            "required": "Enter the case reference.",
            "max_length": "Case references are 30 characters or fewer.",
        },
    )

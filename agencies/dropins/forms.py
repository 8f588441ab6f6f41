"""Drop-in forms: they validate shape; services validate the rules."""

from __future__ import annotations

from datetime import date

from django import forms

from agencies.dropins.models import Frequency, Mode, Outcome, Topic
from agencies.dropins.services import MAX_NEEDS, MAX_QUESTION, ScheduleSpec
from agencies.models import Area

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


# The largest primary key a 64-bit id column holds: anything bigger is refused by the form, never
# sent to the database (SQLite raises OverflowError for an out-of-range integer in an IN list).
MAX_ID = 2**63 - 1


class AreasField(forms.ModelMultipleChoiceField):
    """Areas by id; a value that is not an id in range is an invalid choice, not a crash."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": text[:20]}
                )
        return super()._check_values(value)


class BookingForm(forms.Form):
    topic = forms.ChoiceField(
        label="What do you want to ask about?", choices=Topic.choices, widget=forms.RadioSelect
    )
    question = forms.CharField(
        label="Your question (optional)",
        required=False,
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Do not include names, dates of birth, contact details or evidence. Describe the process "
        "question only.",
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs (optional)",
        required=False,
        max_length=MAX_NEEDS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, a sign language interpreter or step-free access.",
    )


class SessionFilterForm(forms.Form):
    area = forms.ModelChoiceField(label="Host area", queryset=Area.objects.order_by("name"), required=False)
    mode = forms.ChoiceField(label="Mode", choices=[("", "Any"), *Mode.choices], required=False)
    from_date = forms.DateField(
        label="From date (YYYY-MM-DD)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    to_date = forms.DateField(
        label="To date (YYYY-MM-DD)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RebookForm(forms.Form):
    session = forms.IntegerField(label="New session", min_value=1, max_value=MAX_ID)


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        label="Attendance",
        choices=[("yes", "Attended"), ("no", "Did not attend")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=[("", "Not recorded"), *Outcome.choices], required=False
    )


class BlackoutDatesField(forms.CharField):
    def to_python(self, value: object) -> list[date]:  # type: ignore[override]
        text = super().to_python(value) or ""
        days = []
        for part in text.replace(",", " ").split():
            try:
                days.append(date.fromisoformat(part))
            except ValueError as exc:
                raise forms.ValidationError(f"“{part[:20]}” is not a date in the form YYYY-MM-DD.") from exc
        return days


class ScheduleForm(forms.Form):
    title = forms.CharField(label="Title", max_length=120)
    mode = forms.ChoiceField(label="Mode", choices=Mode.choices, widget=forms.RadioSelect)
    address = forms.CharField(label="Address (in person or hybrid)", max_length=300, required=False)
    meeting_link = forms.URLField(
        label="Meeting link (online or hybrid)", max_length=300, required=False, assume_scheme="https"
    )
    frequency = forms.ChoiceField(label="How often", choices=Frequency.choices, widget=forms.RadioSelect)
    weekdays = forms.TypedMultipleChoiceField(
        label="Weekdays", choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(label="Start time (UK time, HH:MM)")
    end_time = forms.TimeField(label="End time (UK time, HH:MM)")
    starts_on = forms.DateField(label="First date (YYYY-MM-DD)")
    until = forms.DateField(
        label="Last date (YYYY-MM-DD)", required=False, help_text="Or give a number of sessions."
    )
    occurrences = forms.IntegerField(label="Number of sessions", required=False, min_value=1, max_value=104)
    seats = forms.IntegerField(
        label="Seats per session",
        required=False,
        min_value=1,
        max_value=500,
        help_text="Or give a slot length for one-to-one slots.",
    )
    slot_minutes = forms.IntegerField(
        label="Slot length in minutes", required=False, min_value=5, max_value=600
    )
    booking_window_days = forms.IntegerField(
        label="Booking opens this many days ahead", min_value=0, max_value=365, initial=28
    )
    min_notice_hours = forms.IntegerField(
        label="Minimum notice to book, in hours", min_value=0, max_value=336, initial=2
    )
    cancellation_cutoff_hours = forms.IntegerField(
        label="Cancellation cut-off, in hours before the start", min_value=0, max_value=336, initial=2
    )
    allowed_areas = AreasField(
        label="Areas whose ISVAs may book",
        queryset=Area.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    blackout_dates = BlackoutDatesField(
        label="Dates with no session (optional)",
        required=False,
        help_text="Dates as YYYY-MM-DD, separated by spaces.",
    )

    def spec(self) -> ScheduleSpec:
        data = self.cleaned_data
        return ScheduleSpec(
            title=data["title"],
            mode=data["mode"],
            address=data["address"],
            meeting_link=data["meeting_link"],
            frequency=data["frequency"],
            weekdays=list(data["weekdays"]),
            start_time=data["start_time"],
            end_time=data["end_time"],
            starts_on=data["starts_on"],
            until=data["until"],
            occurrences=data["occurrences"],
            seats=data["seats"],
            slot_minutes=data["slot_minutes"],
            booking_window_days=data["booking_window_days"],
            min_notice_hours=data["min_notice_hours"],
            cancellation_cutoff_hours=data["cancellation_cutoff_hours"],
            allowed_area_ids=[a.pk for a in data["allowed_areas"]],
            blackout_dates=data["blackout_dates"],
        )

    @classmethod
    def initial_from(cls, spec: ScheduleSpec) -> dict:
        return {
            **{
                k: getattr(spec, k)
                for k in (
                    "title",
                    "mode",
                    "address",
                    "meeting_link",
                    "frequency",
                    "weekdays",
                    "start_time",
                    "end_time",
                    "starts_on",
                    "until",
                    "occurrences",
                    "seats",
                    "slot_minutes",
                    "booking_window_days",
                    "min_notice_hours",
                    "cancellation_cutoff_hours",
                )
            },
            "allowed_areas": spec.allowed_area_ids,
            "blackout_dates": " ".join(d.isoformat() for d in spec.blackout_dates),
        }

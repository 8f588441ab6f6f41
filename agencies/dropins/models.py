"""Drop-in schedules, sessions and bookings.

The capacity invariant lives in the database: `DropInSession.confirmed_count` is only ever raised by
a conditional UPDATE (`confirmed_count < capacity`), a CHECK constraint refuses any row where it
exceeds `capacity`, and a partial unique index allows one active booking per ISVA per session.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from agencies.models import Agency, Area


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid (in person or online)"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"


class Topic(models.TextChoices):
    PROCESS = "process", "Process"
    CASE_PROGRESSION = "case_progression", "Case progression"
    SPECIAL_MEASURES = "special_measures", "Special measures"
    LETTERS = "letters", "Letters to victims"
    OTHER = "other", "Something else"


class Outcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    REFERRED = "referred", "Referred"
    ESCALATED = "escalated", "Escalated"


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not attend"


ACTIVE_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)
HELD_SEAT_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


class DropInSchedule(models.Model):
    """A recurring drop-in run by a host agency. Times are Europe/London wall-clock times; the
    sessions it materialises carry the aware instants."""

    host_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dropin_schedules")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=120)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    address = models.CharField(max_length=300, blank=True)
    meeting_link = models.URLField(max_length=300, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY)
    weekdays = models.JSONField(default=list, help_text="Weekday numbers, Monday = 0.")
    start_time = models.TimeField()
    end_time = models.TimeField()
    starts_on = models.DateField()
    until = models.DateField(null=True, blank=True)
    occurrences = models.PositiveSmallIntegerField(null=True, blank=True)
    seats = models.PositiveSmallIntegerField(null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    booking_window_days = models.PositiveSmallIntegerField(default=28)
    min_notice_hours = models.PositiveSmallIntegerField(default=2)
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(default=2)
    allowed_areas = models.ManyToManyField(Area, related_name="+")
    blackout_dates = models.JSONField(default=list, blank=True, help_text="ISO dates with no session.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(seats__isnull=False, slot_minutes__isnull=True) & Q(seats__gte=1))
                | (Q(seats__isnull=True, slot_minutes__isnull=False) & Q(slot_minutes__gte=5)),
                name="dropin_schedule_seats_xor_slots",
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="dropin_schedule_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class DropInSession(models.Model):
    """One materialised occurrence (or one fixed-length slot) of a schedule."""

    schedule = models.ForeignKey(DropInSchedule, on_delete=models.CASCADE, related_name="sessions")
    occurrence_key = models.CharField(
        max_length=40, help_text="Local date and slot number, so an edited schedule finds its sessions."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    confirmed_count = models.PositiveSmallIntegerField(default=0)
    waitlist_count = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: raised on each change.")

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity")), name="dropin_session_never_overbooked"
            ),
            models.CheckConstraint(condition=Q(confirmed_count__gte=0), name="dropin_session_count_nonneg"),
            models.CheckConstraint(condition=Q(waitlist_count__gte=0), name="dropin_session_waitlist_nonneg"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="dropin_session_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["schedule", "occurrence_key"], name="dropin_session_unique_occurrence"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="dropin_session_upcoming_idx")]

    def __str__(self) -> str:
        return f"{self.schedule.title} at {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.confirmed_count)


class Booking(models.Model):
    """An ISVA's place (or place in the queue) at one session. Never holds case narrative."""

    session = models.ForeignKey(DropInSession, on_delete=models.CASCADE, related_name="bookings")
    isva = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dropin_bookings"
    )
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    question = models.CharField(max_length=500, blank=True)
    accessibility_needs = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE of this invitation.")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "isva"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="dropin_one_active_booking_per_isva",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="dropin_booking_session_idx"),
            models.Index(fields=["isva", "status"], name="dropin_booking_isva_idx"),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk} ({self.status})"

    @property
    def ical_uid(self) -> str:
        return f"dropin-booking-{self.pk}@scrutiny-hub"


class CalendarFeed(models.Model):
    """A person's private calendar subscription. The URL carries `<user id>.<secret>`; the secret is
    compared in constant time and can be replaced (which kills the old URL)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dropin_feed"
    )
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"

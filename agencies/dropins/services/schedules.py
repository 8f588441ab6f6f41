"""Schedules: their definition, creating and editing them, cancelling one session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from agencies.dropins import permissions, recurrence
from agencies.dropins.models import (
    DropInSchedule,
    DropInSession,
    Frequency,
    Mode,
    SessionStatus,
)
from agencies.dropins.services.seats import (
    cancel_session,
    lock_session,
    promote_waitlisted,
    publish_schedule_figures,
    publish_seats,
    tell_bookers_of_change,
)
from agencies.errors import NotFound, ServiceError
from agencies.models import Area, User


@dataclass
class ScheduleSpec:
    title: str
    mode: str
    start_time: time
    end_time: time
    starts_on: date
    weekdays: list[int]
    allowed_area_ids: list[int]
    frequency: str = Frequency.WEEKLY
    address: str = ""
    meeting_link: str = ""
    until: date | None = None
    occurrences: int | None = None
    seats: int | None = None
    slot_minutes: int | None = None
    booking_window_days: int = 28
    min_notice_hours: int = 2
    cancellation_cutoff_hours: int = 2
    blackout_dates: list[date] = field(default_factory=list)

    def validate(self, *, today: date) -> None:
        if not self.title.strip() or len(self.title) > 120:
            raise ServiceError("Enter a title of up to 120 characters.", field="title")
        if self.mode not in Mode.values:
            raise ServiceError("Choose how the session is held.", field="mode")
        if self.frequency not in Frequency.values:
            raise ServiceError("Choose weekly or fortnightly.", field="frequency")
        if self.mode in (Mode.IN_PERSON, Mode.HYBRID) and not self.address.strip():
            raise ServiceError("Enter the address for an in-person or hybrid session.", field="address")
        if self.mode in (Mode.ONLINE, Mode.HYBRID) and not self.meeting_link.strip():
            raise ServiceError(
                "Enter the meeting link for an online or hybrid session.", field="meeting_link"
            )
        if not self.weekdays or any(d not in range(7) for d in self.weekdays):
            raise ServiceError("Choose at least one weekday.", field="weekdays")
        if self.end_time <= self.start_time:
            raise ServiceError("The end time must be after the start time.", field="end_time")
        if (self.until is None) == (self.occurrences is None):
            raise ServiceError("Give either an end date or a number of sessions.", field="until")
        if self.until is not None and (
            self.until < self.starts_on or self.until > today + timedelta(days=730)
        ):
            raise ServiceError("The end date must be after the start and within two years.", field="until")
        if self.occurrences is not None and not 1 <= self.occurrences <= recurrence.MAX_OCCURRENCES:
            raise ServiceError(
                f"The number of sessions must be between 1 and {recurrence.MAX_OCCURRENCES}.",
                field="occurrences",
            )
        if self.starts_on < today:
            raise ServiceError("The first date cannot be in the past.", field="starts_on")
        if (self.seats is None) == (self.slot_minutes is None):
            raise ServiceError("Give either seats per session or a slot length.", field="seats")
        if self.seats is not None and not 1 <= self.seats <= 500:
            raise ServiceError("Seats must be between 1 and 500.", field="seats")
        if self.slot_minutes is not None:
            length = datetime.combine(today, self.end_time) - datetime.combine(today, self.start_time)
            if not 5 <= self.slot_minutes <= length.total_seconds() / 60:
                raise ServiceError(
                    "The slot length must fit between the start and end times.", field="slot_minutes"
                )
        if not 0 <= self.booking_window_days <= 365:
            raise ServiceError(
                "The booking window must be between 0 and 365 days.", field="booking_window_days"
            )
        for name in ("min_notice_hours", "cancellation_cutoff_hours"):
            if not 0 <= getattr(self, name) <= 24 * 14:
                raise ServiceError("Notice periods must be between 0 and 336 hours.", field=name)
        if not self.allowed_area_ids:
            raise ServiceError("Choose at least one area whose ISVAs may book.", field="allowed_areas")
        if Area.objects.filter(pk__in=self.allowed_area_ids).count() != len(set(self.allowed_area_ids)):
            raise ServiceError("Choose areas from the list.", field="allowed_areas")

    def occurrences_list(self) -> list[recurrence.Occurrence]:
        return recurrence.occurrences(
            starts_on=self.starts_on,
            weekdays=self.weekdays,
            fortnightly=self.frequency == Frequency.FORTNIGHTLY,
            until=self.until,
            count=self.occurrences,
            blackout=set(self.blackout_dates),
            start_time=self.start_time,
            end_time=self.end_time,
            slot_minutes=self.slot_minutes,
        )


def _apply_spec(schedule: DropInSchedule, spec: ScheduleSpec) -> None:
    for name in (
        "title",
        "mode",
        "address",
        "meeting_link",
        "frequency",
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
    ):
        setattr(schedule, name, getattr(spec, name))
    schedule.weekdays = sorted(set(spec.weekdays))
    schedule.blackout_dates = sorted({d.isoformat() for d in spec.blackout_dates})


def spec_from_schedule(schedule: DropInSchedule) -> ScheduleSpec:
    return ScheduleSpec(
        title=schedule.title,
        mode=schedule.mode,
        address=schedule.address,
        meeting_link=schedule.meeting_link,
        frequency=schedule.frequency,
        weekdays=list(schedule.weekdays),
        start_time=schedule.start_time,
        end_time=schedule.end_time,
        starts_on=schedule.starts_on,
        until=schedule.until,
        occurrences=schedule.occurrences,
        seats=schedule.seats,
        slot_minutes=schedule.slot_minutes,
        booking_window_days=schedule.booking_window_days,
        min_notice_hours=schedule.min_notice_hours,
        cancellation_cutoff_hours=schedule.cancellation_cutoff_hours,
        allowed_area_ids=[a.pk for a in schedule.allowed_areas.all()],
        blackout_dates=[date.fromisoformat(d) for d in schedule.blackout_dates],
    )


@transaction.atomic
def schedule_create(*, actor: User, spec: ScheduleSpec, now: datetime | None = None) -> DropInSchedule:
    if not permissions.can_host_any(actor):
        raise PermissionDenied
    now = now or timezone.now()
    spec.validate(today=timezone.localdate(now))
    schedule = DropInSchedule(host_agency=actor.agency, created_by=actor)
    _apply_spec(schedule, spec)
    schedule.full_clean(exclude=["allowed_areas"])
    schedule.save()
    schedule.allowed_areas.set(spec.allowed_area_ids)
    capacity = spec.seats or 1
    created = DropInSession.objects.bulk_create(
        DropInSession(
            schedule=schedule,
            occurrence_key=o.key,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            capacity=capacity,
        )
        for o in spec.occurrences_list()
        if o.starts_at > now
    )
    if created:
        publish_schedule_figures(schedule)
    return schedule


@dataclass
class ScheduleChange:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    bookers_told: int = 0
    capacity_kept: int = 0  # sessions whose capacity stayed above the new seats to keep bookings


@transaction.atomic
def schedule_update(
    *, actor: User, schedule_id: int, spec: ScheduleSpec, now: datetime | None = None
) -> ScheduleChange:
    """Apply a new definition to the schedule's future sessions. Existing bookings are never
    dropped silently: moved sessions keep their bookings and every booker is told; sessions that no
    longer exist are cancelled with their bookers told; a smaller capacity never removes a seat."""
    now = now or timezone.now()
    schedule = DropInSchedule.objects.select_for_update().filter(pk=schedule_id).first()
    if schedule is None or not permissions.can_host_schedule(actor, schedule):
        raise NotFound
    old_details = (schedule.title, schedule.mode, schedule.address, schedule.meeting_link)
    spec.validate(today=min(schedule.starts_on, timezone.localdate(now)))
    _apply_spec(schedule, spec)
    schedule.full_clean(exclude=["allowed_areas"])
    schedule.save()
    schedule.allowed_areas.set(spec.allowed_area_ids)
    details_changed = old_details != (schedule.title, schedule.mode, schedule.address, schedule.meeting_link)

    wanted = {o.key: o for o in spec.occurrences_list() if o.starts_at > now}
    existing = {
        s.occurrence_key: s
        for s in DropInSession.objects.select_for_update()
        .filter(schedule=schedule, starts_at__gt=now)
        .order_by("pk")
    }
    report = ScheduleChange()
    capacity = spec.seats or 1
    for key, session in existing.items():
        if session.status != SessionStatus.SCHEDULED:
            continue
        occurrence = wanted.get(key)
        if occurrence is None:
            report.bookers_told += cancel_session(session, now=now, figures=False)
            report.cancelled += 1
            continue
        moved = (session.starts_at, session.ends_at) != (occurrence.starts_at, occurrence.ends_at)
        new_capacity = max(capacity, session.confirmed_count)
        if new_capacity != capacity:
            report.capacity_kept += 1
        grew = new_capacity > session.capacity
        if moved or new_capacity != session.capacity or details_changed:
            session.starts_at, session.ends_at = occurrence.starts_at, occurrence.ends_at
            session.capacity = new_capacity
            if moved or details_changed:
                session.sequence += 1
            session.save(update_fields=["starts_at", "ends_at", "capacity", "sequence"])
            report.updated += 1
            if moved or details_changed:
                report.bookers_told += tell_bookers_of_change(session)
            if grew:
                promote_waitlisted(session)
            publish_seats(session, figures=False)
    new = [
        DropInSession(
            schedule=schedule,
            occurrence_key=o.key,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            capacity=capacity,
        )
        for key, o in wanted.items()
        if key not in existing
    ]
    # A past or cancelled occurrence keeps its row (and key); only genuinely new ones are added.
    taken = set(DropInSession.objects.filter(schedule=schedule).values_list("occurrence_key", flat=True))
    new = [s for s in new if s.occurrence_key not in taken]
    DropInSession.objects.bulk_create(new)
    report.created = len(new)
    if report.created or report.updated or report.cancelled:
        publish_schedule_figures(schedule)
    return report


@transaction.atomic
def session_cancel(*, actor: User, session_id: int, now: datetime | None = None) -> int:
    """A host cancels one session; every booker is told. Returns how many were told."""
    now = now or timezone.now()
    session = lock_session(session_id)
    if session is None or not permissions.can_host_schedule(actor, session.schedule):
        raise NotFound
    if session.status == SessionStatus.CANCELLED:
        raise ServiceError("This session is already cancelled.")
    if session.starts_at <= now:
        raise ServiceError("A session that has started cannot be cancelled.")
    return cancel_session(session, now=now)

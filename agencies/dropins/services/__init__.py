"""Every write to drop-in data: keyword-only, typed, atomic; events and emails go out on commit.

Capacity is enforced by the database, not by Python arithmetic: a seat is taken only by the
conditional UPDATE in `_take_seat` (`confirmed_count < capacity`), the session row is locked first
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), and the
CHECK constraint `dropin_session_never_overbooked` refuses anything that slips past both.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from agencies.dropins import permissions, recurrence
from agencies.dropins.events import DropinScheduleChanged, DropinStatsChanged, SeatsChanged, schedule_group
from agencies.dropins.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    CalendarFeed,
    DropInSchedule,
    DropInSession,
    Frequency,
    Mode,
    Outcome,
    SessionStatus,
    Topic,
)
from agencies.dropins.tasks import EmailKind, email_on_commit, schedule_reminder_on_commit
from agencies.models import Area, NotificationKind, User
from agencies.privacy.identifiers import CONTACT_AND_DATES, describe, find_identifiers
from agencies.realtime import events as core_events
from agencies.services import notification_send

MAX_QUESTION = 500
MAX_NEEDS = 300


class DropinError(Exception):
    """A request the rules refuse, with a message for the person who made it. Nothing changed."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class NotFound(DropinError):
    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message, code="not_found")


# Schedules ----------------------------------------------------------------------------------------


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
            raise DropinError("Enter a title of up to 120 characters.", field="title")
        if self.mode not in Mode.values:
            raise DropinError("Choose how the session is held.", field="mode")
        if self.frequency not in Frequency.values:
            raise DropinError("Choose weekly or fortnightly.", field="frequency")
        if self.mode in (Mode.IN_PERSON, Mode.HYBRID) and not self.address.strip():
            raise DropinError("Enter the address for an in-person or hybrid session.", field="address")
        if self.mode in (Mode.ONLINE, Mode.HYBRID) and not self.meeting_link.strip():
            raise DropinError("Enter the meeting link for an online or hybrid session.", field="meeting_link")
        if not self.weekdays or any(d not in range(7) for d in self.weekdays):
            raise DropinError("Choose at least one weekday.", field="weekdays")
        if self.end_time <= self.start_time:
            raise DropinError("The end time must be after the start time.", field="end_time")
        if (self.until is None) == (self.occurrences is None):
            raise DropinError("Give either an end date or a number of sessions.", field="until")
        if self.until is not None and (
            self.until < self.starts_on or self.until > today + timedelta(days=730)
        ):
            raise DropinError("The end date must be after the start and within two years.", field="until")
        if self.occurrences is not None and not 1 <= self.occurrences <= recurrence.MAX_OCCURRENCES:
            raise DropinError(
                f"The number of sessions must be between 1 and {recurrence.MAX_OCCURRENCES}.",
                field="occurrences",
            )
        if self.starts_on < today:
            raise DropinError("The first date cannot be in the past.", field="starts_on")
        if (self.seats is None) == (self.slot_minutes is None):
            raise DropinError("Give either seats per session or a slot length.", field="seats")
        if self.seats is not None and not 1 <= self.seats <= 500:
            raise DropinError("Seats must be between 1 and 500.", field="seats")
        if self.slot_minutes is not None:
            length = datetime.combine(today, self.end_time) - datetime.combine(today, self.start_time)
            if not 5 <= self.slot_minutes <= length.total_seconds() / 60:
                raise DropinError(
                    "The slot length must fit between the start and end times.", field="slot_minutes"
                )
        if not 0 <= self.booking_window_days <= 365:
            raise DropinError(
                "The booking window must be between 0 and 365 days.", field="booking_window_days"
            )
        for name in ("min_notice_hours", "cancellation_cutoff_hours"):
            if not 0 <= getattr(self, name) <= 24 * 14:
                raise DropinError("Notice periods must be between 0 and 336 hours.", field=name)
        if not self.allowed_area_ids:
            raise DropinError("Choose at least one area whose ISVAs may book.", field="allowed_areas")
        if Area.objects.filter(pk__in=self.allowed_area_ids).count() != len(set(self.allowed_area_ids)):
            raise DropinError("Choose areas from the list.", field="allowed_areas")

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
        _publish_schedule_figures(schedule)
    return schedule


def _publish_schedule_figures(schedule: DropInSchedule) -> None:
    """Sessions offered and seats changed: tell the host area's and the national dashboards, on
    commit, numbered (which also moves their figures cache on)."""
    area_id = schedule.host_agency.area_id
    _publish_figures(area_id, DropinScheduleChanged(area_id=area_id, schedule_id=schedule.pk))


def _publish_figures(area_id: int | None, event: core_events.Event) -> None:
    """A governance figure changed in the area: publish to its dashboard group and the national one
    (dashboards re-read their figures on any event there; the sequence numbers key their cache)."""
    if area_id is not None:
        core_events.publish(core_events.governance_area_group(area_id), event)
    core_events.publish(core_events.governance_national_group(), event)


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
            report.bookers_told += _cancel_session(session, now=now, figures=False)
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
                report.bookers_told += _tell_bookers_of_change(session)
            if grew:
                _promote_waitlisted(session)
            _publish_seats(session, figures=False)
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
        _publish_schedule_figures(schedule)
    return report


def _tell_bookers_of_change(session: DropInSession) -> int:
    told = 0
    for booking in Booking.objects.filter(session=session, status__in=ACTIVE_STATUSES).select_related("isva"):
        Booking.objects.filter(pk=booking.pk).update(sequence=F("sequence") + 1, updated_at=timezone.now())
        notification_send(
            recipient=booking.isva,
            title="A drop-in session you booked has changed",
            kind=NotificationKind.GENERAL,
            url=reverse("dropins:my-bookings"),
        )
        if booking.status == BookingStatus.CONFIRMED:
            email_on_commit(booking.pk, EmailKind.CHANGED)
        told += 1
    return told


def _cancel_session(session: DropInSession, *, now: datetime, figures: bool = True) -> int:
    bookings = list(
        Booking.objects.filter(session=session, status__in=ACTIVE_STATUSES)
        .select_related("isva")
        .order_by("pk")
    )
    Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(
        status=BookingStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=now
    )
    session.status = SessionStatus.CANCELLED
    session.sequence += 1
    session.confirmed_count = 0
    session.waitlist_count = 0
    session.save(update_fields=["status", "sequence", "confirmed_count", "waitlist_count"])
    for booking in bookings:
        notification_send(
            recipient=booking.isva,
            title="A drop-in session you booked has been cancelled",
            kind=NotificationKind.GENERAL,
            url=reverse("dropins:my-bookings"),
        )
        email_on_commit(booking.pk, EmailKind.SESSION_CANCELLED)
    _publish_seats(session, figures=figures)
    return len(bookings)


@transaction.atomic
def session_cancel(*, actor: User, session_id: int, now: datetime | None = None) -> int:
    """A host cancels one session; every booker is told. Returns how many were told."""
    now = now or timezone.now()
    session = _lock_session(session_id)
    if session is None or not permissions.can_host_schedule(actor, session.schedule):
        raise NotFound
    if session.status == SessionStatus.CANCELLED:
        raise DropinError("This session is already cancelled.")
    if session.starts_at <= now:
        raise DropinError("A session that has started cannot be cancelled.")
    return _cancel_session(session, now=now)


# Booking ------------------------------------------------------------------------------------------


def _lock_session(session_id: int) -> DropInSession | None:
    """Lock the session row for the rest of the transaction (PostgreSQL; on SQLite the IMMEDIATE
    transaction already holds the write lock)."""
    return (
        DropInSession.objects.select_for_update(of=("self",))
        .select_related("schedule__host_agency")
        .filter(pk=session_id)
        .first()
    )


def _take_seat(session_id: int, *, respect_queue: bool) -> bool:
    """The only way a seat is taken: a conditional UPDATE the database evaluates atomically."""
    seats = DropInSession.objects.filter(
        pk=session_id, status=SessionStatus.SCHEDULED, confirmed_count__lt=F("capacity")
    )
    if respect_queue:
        seats = seats.filter(waitlist_count=0)
    return seats.update(confirmed_count=F("confirmed_count") + 1) == 1


def _check_text(*, topic: str, question: str, accessibility_needs: str) -> None:
    if topic not in Topic.values:
        raise DropinError("Choose a topic from the list.", field="topic")
    if len(question) > MAX_QUESTION:
        raise DropinError(f"Your question must be {MAX_QUESTION} characters or fewer.", field="question")
    if len(accessibility_needs) > MAX_NEEDS:
        raise DropinError(
            f"Accessibility needs must be {MAX_NEEDS} characters or fewer.", field="accessibility_needs"
        )
    for name, text in (("question", question), ("accessibility_needs", accessibility_needs)):
        hits = find_identifiers(text, kinds=CONTACT_AND_DATES)
        if hits:
            raise DropinError(describe(hits), field=name)


def _check_bookable(session: DropInSession, *, now: datetime) -> None:
    schedule = session.schedule
    if session.status != SessionStatus.SCHEDULED:
        raise DropinError("This session has been cancelled.", code="closed")
    if session.starts_at <= now:
        raise DropinError("This session has already started.", code="closed")
    opens = session.starts_at - timedelta(days=schedule.booking_window_days)
    if now < opens:
        local = timezone.localtime(opens)
        raise DropinError(f"Booking for this session opens on {local:%-d %B %Y at %H:%M}.", code="closed")
    if now > session.starts_at - timedelta(hours=schedule.min_notice_hours):
        raise DropinError(
            f"Booking closed {schedule.min_notice_hours} hours before the session starts.", code="closed"
        )


def _publish_seats(session: DropInSession, *, figures: bool = True) -> None:
    """The session's live seat counts; and, unless `figures` is False (a schedule edit announces
    its figures once for all its sessions), the governance dashboards'."""
    counts = DropInSession.objects.values("confirmed_count", "capacity", "waitlist_count").get(pk=session.pk)
    core_events.publish(
        schedule_group(session.schedule_id),
        SeatsChanged(
            session_id=session.pk,
            confirmed=counts["confirmed_count"],
            capacity=counts["capacity"],
            waitlisted=counts["waitlist_count"],
        ),
    )
    if figures:
        area_id = session.schedule.host_agency.area_id
        _publish_figures(area_id, DropinStatsChanged(area_id=area_id, session_id=session.pk))


@transaction.atomic
def booking_create(
    *,
    actor: User,
    session_id: int,
    topic: str,
    question: str = "",
    accessibility_needs: str = "",
    now: datetime | None = None,
) -> Booking:
    """Book a seat, or join the waitlist when the session is full (or others are already queuing)."""
    now = now or timezone.now()
    question, accessibility_needs = question.strip(), accessibility_needs.strip()
    _check_text(topic=topic, question=question, accessibility_needs=accessibility_needs)
    session = _lock_session(session_id)
    if session is None or not permissions.can_book_schedule(actor, session.schedule):
        raise NotFound("Session not found.")
    _check_bookable(session, now=now)
    if Booking.objects.filter(session=session, isva=actor, status__in=ACTIVE_STATUSES).exists():
        raise DropinError("You already have a booking for this session.", code="duplicate")
    confirmed = _take_seat(session.pk, respect_queue=True)
    if not confirmed:
        DropInSession.objects.filter(pk=session.pk).update(waitlist_count=F("waitlist_count") + 1)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                session=session,
                isva=actor,
                status=BookingStatus.CONFIRMED if confirmed else BookingStatus.WAITLISTED,
                topic=topic,
                question=question,
                accessibility_needs=accessibility_needs,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError as exc:  # the partial unique index: a racing duplicate
        raise DropinError("You already have a booking for this session.", code="duplicate") from exc
    _publish_seats(session)
    email_on_commit(booking.pk, EmailKind.CONFIRMED if confirmed else EmailKind.WAITLISTED)
    if confirmed:
        schedule_reminder_on_commit(booking.pk, session.starts_at)
    return booking


def _own_booking(actor: User, booking_id: int) -> Booking:
    booking = Booking.objects.filter(pk=booking_id).only("pk", "isva_id", "session_id").first()
    if booking is None or not permissions.can_manage_booking(actor, booking):
        raise NotFound("Booking not found.")
    return booking


def _release(booking: Booking, session: DropInSession, *, now: datetime) -> list[Booking]:
    """Cancel a locked booking and hand its seat to the waitlist. Returns those promoted."""
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=now
    )
    if was_confirmed:
        DropInSession.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") - 1)
        return _promote_waitlisted(session)
    DropInSession.objects.filter(pk=session.pk).update(waitlist_count=F("waitlist_count") - 1)
    return []


def _promote_waitlisted(session: DropInSession) -> list[Booking]:
    """Fill free seats from the head of the waitlist, in booking order, inside the caller's lock."""
    promoted = []
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= timezone.now():
        return promoted
    while True:
        head = (
            Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED)
            .select_related("isva")
            .order_by("pk")
            .first()
        )
        if head is None or not _take_seat(session.pk, respect_queue=False):
            return promoted
        DropInSession.objects.filter(pk=session.pk).update(waitlist_count=F("waitlist_count") - 1)
        Booking.objects.filter(pk=head.pk).update(
            status=BookingStatus.CONFIRMED, sequence=F("sequence") + 1, updated_at=timezone.now()
        )
        notification_send(
            recipient=head.isva,
            title="You have a place at a drop-in session",
            kind=NotificationKind.BOOKING_PROMOTED,
            url=reverse("dropins:my-bookings"),
        )
        email_on_commit(head.pk, EmailKind.PROMOTED)
        schedule_reminder_on_commit(head.pk, session.starts_at)
        promoted.append(head)


@transaction.atomic
def booking_cancel(*, actor: User, booking_id: int, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    owned = _own_booking(actor, booking_id)
    session = _lock_session(owned.session_id)
    assert session is not None  # noqa: S101 - the booking's session exists (FK, cascade)
    booking = Booking.objects.get(pk=owned.pk)  # re-read under the lock
    if booking.status not in ACTIVE_STATUSES:
        raise DropinError("This booking is not active, so it cannot be cancelled.", code="closed")
    if session.starts_at <= now:
        raise DropinError("This session has already started.", code="closed")
    cutoff = session.starts_at - timedelta(hours=session.schedule.cancellation_cutoff_hours)
    if booking.status == BookingStatus.CONFIRMED and now > cutoff:
        raise DropinError(
            f"Bookings can only be cancelled up to {session.schedule.cancellation_cutoff_hours} hours "
            "before the session. Contact the host instead.",
            code="closed",
        )
    _release(booking, session, now=now)
    _publish_seats(session)
    email_on_commit(booking.pk, EmailKind.CANCELLED)
    booking.refresh_from_db()
    return booking


@transaction.atomic
def booking_rebook(*, actor: User, booking_id: int, session_id: int, now: datetime | None = None) -> Booking:
    """Move a booking to another session in one step. The new seat is taken first; if there is
    none, nothing changes and the original booking (and its seat) stays."""
    now = now or timezone.now()
    owned = _own_booking(actor, booking_id)
    if owned.session_id == session_id:
        raise DropinError("Choose a different session.", field="session")
    # Lock both sessions in id order, so two crossing rebooks cannot deadlock.
    locked = {}
    for pk in sorted({owned.session_id, session_id}):
        locked[pk] = _lock_session(pk)
    old_session, new_session = locked[owned.session_id], locked[session_id]
    if new_session is None or not permissions.can_book_schedule(actor, new_session.schedule):
        raise NotFound("Session not found.")
    booking = Booking.objects.get(pk=owned.pk)
    if booking.status not in ACTIVE_STATUSES:
        raise DropinError("This booking is not active, so it cannot be moved.", code="closed")
    cutoff = old_session.starts_at - timedelta(hours=old_session.schedule.cancellation_cutoff_hours)
    if booking.status == BookingStatus.CONFIRMED and now > cutoff:
        raise DropinError("It is too late to move this booking. Contact the host instead.", code="closed")
    _check_bookable(new_session, now=now)
    if Booking.objects.filter(session=new_session, isva=actor, status__in=ACTIVE_STATUSES).exists():
        raise DropinError("You already have a booking for that session.", code="duplicate")
    if not _take_seat(new_session.pk, respect_queue=True):
        raise DropinError("That session is full. Your original booking is unchanged.", code="full")
    moved = Booking.objects.create(
        session=new_session,
        isva=actor,
        status=BookingStatus.CONFIRMED,
        topic=booking.topic,
        question=booking.question,
        accessibility_needs=booking.accessibility_needs,
        created_at=now,
        updated_at=now,
    )
    _release(booking, old_session, now=now)
    _publish_seats(old_session)
    _publish_seats(new_session)
    email_on_commit(booking.pk, EmailKind.CANCELLED)
    email_on_commit(moved.pk, EmailKind.CONFIRMED)
    schedule_reminder_on_commit(moved.pk, new_session.starts_at)
    return moved


@transaction.atomic
def attendance_record(
    *, actor: User, booking_id: int, attended: bool, outcome: str = "", now: datetime | None = None
) -> Booking:
    """The host records attended / no-show and an outcome category. No narrative is stored."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("session__schedule__host_agency")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not permissions.can_record_attendance(actor, booking):
        raise NotFound("Booking not found.")
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        raise DropinError("Attendance can only be recorded for confirmed bookings.", code="closed")
    if booking.session.starts_at > now:
        raise DropinError("Attendance can be recorded once the session has started.", code="closed")
    if outcome and outcome not in Outcome.values:
        raise DropinError("Choose an outcome from the list.", field="outcome")
    if outcome and not attended:
        raise DropinError("An outcome can only be recorded for someone who attended.", field="outcome")
    booking.status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
    booking.outcome = outcome if attended else ""
    booking.updated_at = now
    booking.save(update_fields=["status", "outcome", "updated_at"])
    area_id = booking.session.schedule.host_agency.area_id
    _publish_figures(area_id, DropinStatsChanged(area_id=area_id, session_id=booking.session_id))
    return booking


# Calendar feed ------------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_ensure(*, actor: User) -> CalendarFeed:
    if not permissions.can_book_any(actor):
        raise PermissionDenied
    feed, _ = CalendarFeed.objects.get_or_create(user=actor, defaults={"secret": secrets.token_urlsafe(32)})
    return feed


@transaction.atomic
def calendar_feed_reset(*, actor: User) -> CalendarFeed:
    """Replace the secret: the old feed URL stops working at once."""
    if not permissions.can_book_any(actor):
        raise PermissionDenied
    feed, created = CalendarFeed.objects.get_or_create(
        user=actor, defaults={"secret": secrets.token_urlsafe(32)}
    )
    if not created:
        feed.secret = secrets.token_urlsafe(32)
        feed.created_at = timezone.now()
        feed.save(update_fields=["secret", "created_at"])
    return feed

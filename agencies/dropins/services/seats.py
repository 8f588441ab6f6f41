"""Seats, waitlists and the events they announce, shared by schedules and bookings.

Capacity is enforced by the database, not by Python arithmetic: a seat is taken only by the
conditional UPDATE in `take_seat` (`confirmed_count < capacity`), the session row is locked first
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), and the
CHECK constraint `dropin_session_never_overbooked` refuses anything that slips past both.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from agencies.dropins.events import DropinScheduleChanged, DropinStatsChanged, SeatsChanged, schedule_group
from agencies.dropins.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    DropInSchedule,
    DropInSession,
    SessionStatus,
)
from agencies.dropins.tasks import EmailKind, email_on_commit, schedule_reminder_on_commit
from agencies.models import NotificationKind
from agencies.realtime import events as core_events
from agencies.services import notification_send


def publish_schedule_figures(schedule: DropInSchedule) -> None:
    """Sessions offered and seats changed: tell the host area's and the national dashboards, on
    commit, numbered (which also moves their figures cache on)."""
    area_id = schedule.host_agency.area_id
    publish_figures(area_id, DropinScheduleChanged(area_id=area_id, schedule_id=schedule.pk))


def publish_figures(area_id: int | None, event: core_events.Event) -> None:
    """A governance figure changed in the area: publish to its dashboard group and the national one
    (dashboards re-read their figures on any event there; the sequence numbers key their cache)."""
    if area_id is not None:
        core_events.publish(core_events.governance_area_group(area_id), event)
    core_events.publish(core_events.governance_national_group(), event)


def tell_bookers_of_change(session: DropInSession) -> int:
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


def cancel_session(session: DropInSession, *, now: datetime, figures: bool = True) -> int:
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
    publish_seats(session, figures=figures)
    return len(bookings)


def lock_session(session_id: int) -> DropInSession | None:
    """Lock the session row for the rest of the transaction (PostgreSQL; on SQLite the IMMEDIATE
    transaction already holds the write lock)."""
    return (
        DropInSession.objects.select_for_update(of=("self",))
        .select_related("schedule__host_agency")
        .filter(pk=session_id)
        .first()
    )


def take_seat(session_id: int, *, respect_queue: bool) -> bool:
    """The only way a seat is taken: a conditional UPDATE the database evaluates atomically."""
    seats = DropInSession.objects.filter(
        pk=session_id, status=SessionStatus.SCHEDULED, confirmed_count__lt=F("capacity")
    )
    if respect_queue:
        seats = seats.filter(waitlist_count=0)
    return seats.update(confirmed_count=F("confirmed_count") + 1) == 1


def publish_seats(session: DropInSession, *, figures: bool = True) -> None:
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
        publish_figures(area_id, DropinStatsChanged(area_id=area_id, session_id=session.pk))


def release(booking: Booking, session: DropInSession, *, now: datetime) -> list[Booking]:
    """Cancel a locked booking and hand its seat to the waitlist. Returns those promoted."""
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=now
    )
    if was_confirmed:
        DropInSession.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") - 1)
        return promote_waitlisted(session)
    DropInSession.objects.filter(pk=session.pk).update(waitlist_count=F("waitlist_count") - 1)
    return []


def promote_waitlisted(session: DropInSession) -> list[Booking]:
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
        if head is None or not take_seat(session.pk, respect_queue=False):
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

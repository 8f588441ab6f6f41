"""Drop-in emails, sent through django-tasks (the immediate backend in dev and test; a database
worker in production). Each email for a seat carries the booking's .ics invitation or cancellation."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task, task_backends

from agencies.dropins import ics
from agencies.dropins.models import Booking, BookingStatus, SessionStatus

REMINDER_LEAD = timedelta(hours=24)


class EmailKind:
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    CHANGED = "changed"
    CANCELLED = "cancelled"
    SESSION_CANCELLED = "session_cancelled"
    REMINDER = "reminder"


SUBJECTS = {
    EmailKind.CONFIRMED: "Your drop-in booking is confirmed",
    EmailKind.WAITLISTED: "You are on the waitlist for a drop-in session",
    EmailKind.PROMOTED: "You now have a place at a drop-in session",
    EmailKind.CHANGED: "A drop-in session you booked has changed",
    EmailKind.CANCELLED: "Your drop-in booking is cancelled",
    EmailKind.SESSION_CANCELLED: "A drop-in session you booked has been cancelled",
    EmailKind.REMINDER: "Reminder: your drop-in session is tomorrow",
}
# Kinds that carry a calendar attachment (a REQUEST for a held seat, a CANCEL otherwise).
WITH_CALENDAR = {
    EmailKind.CONFIRMED,
    EmailKind.PROMOTED,
    EmailKind.CHANGED,
    EmailKind.CANCELLED,
    EmailKind.SESSION_CANCELLED,
    EmailKind.REMINDER,
}


def _booking(booking_id: int) -> Booking | None:
    return (
        Booking.objects.select_related("isva", "session__schedule__host_agency").filter(pk=booking_id).first()
    )


def render_booking_email(booking: Booking, kind: str) -> EmailMessage:
    session = booking.session
    holds_seat = booking.status == BookingStatus.CONFIRMED and session.status == SessionStatus.SCHEDULED
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    body = render_to_string(
        "dropins/email/booking.txt",
        {
            "kind": kind,
            "booking": booking,
            "session": session,
            "schedule": session.schedule,
            "starts": timezone.localtime(session.starts_at),
            "ends": timezone.localtime(session.ends_at),
            "holds_seat": holds_seat,
            "my_bookings_url": f"{base}{reverse('dropins:my-bookings')}",
        },
    )
    message = EmailMessage(subject=SUBJECTS[kind], body=body, to=[booking.isva.email])
    if kind in WITH_CALENDAR:
        # The type alone: Django adds the charset of a text part itself (given here, it came twice).
        message.attach("invite.ics", ics.booking_invitation(booking), "text/calendar")
    return message


@task()
def send_booking_email(booking_id: int, kind: str) -> bool:
    booking = _booking(booking_id)
    if booking is None or kind not in SUBJECTS:
        return False
    render_booking_email(booking, kind).send()
    return True


@task()
def send_reminder(booking_id: int) -> bool:
    """Send one booking's reminder at most once: the conditional UPDATE claims it, so a retried
    task, a second worker or the management command cannot send it twice."""
    now = timezone.now()
    claimed = Booking.objects.filter(
        pk=booking_id,
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__status=SessionStatus.SCHEDULED,
        session__starts_at__gt=now,
        session__starts_at__lte=now + REMINDER_LEAD,
    ).update(reminder_sent_at=now)
    if not claimed:
        return False
    booking = _booking(booking_id)
    assert booking is not None  # noqa: S101 - just claimed under the same id
    render_booking_email(booking, EmailKind.REMINDER).send()
    return True


def due_reminder_ids(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + REMINDER_LEAD,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def email_on_commit(booking_id: int, kind: str) -> None:
    transaction.on_commit(lambda: send_booking_email.enqueue(booking_id, kind))


def schedule_reminder_on_commit(booking_id: int, starts_at: datetime) -> None:
    """Schedule the 24-hour reminder where the task backend can defer work (a database worker).
    The immediate backend cannot, so there `send_dropin_reminders` (cron) sends it; both paths
    claim the booking first, so whichever runs first sends exactly one reminder."""
    backend = task_backends[send_reminder.backend]
    if not backend.supports_defer:
        return
    run_after = max(starts_at - REMINDER_LEAD, timezone.now())
    transaction.on_commit(lambda: send_reminder.using(run_after=run_after).enqueue(booking_id))

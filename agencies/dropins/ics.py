"""iCalendar documents for bookings: invitations (METHOD:REQUEST), cancellations (METHOD:CANCEL)
and the personal feed (METHOD:PUBLISH). Times are written as UTC instants; each booking has a
stable UID and a SEQUENCE that rises with every change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from agencies.dropins.models import Booking, BookingStatus, SessionStatus

PRODID = "-//Scrutiny Hub//ISVA drop-ins//EN"


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add("calscale", "GREGORIAN")
    return cal


def _event(booking: Booking, *, cancelled: bool) -> Event:
    session = booking.session
    schedule = session.schedule
    event = Event()
    event.add("uid", booking.ical_uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", booking.updated_at.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", f"ISVA drop-in: {schedule.title}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    event.add("url", f"{base}{reverse('dropins:session-detail', args=[session.pk])}")
    if not cancelled:
        # Location and link go only to people holding a seat (the caller checks).
        if schedule.address:
            event.add("location", schedule.address)
        lines = [f"Hosted by {schedule.host_agency.name}.", f"Mode: {schedule.get_mode_display()}."]
        if schedule.meeting_link:
            lines.append(f"Join online: {schedule.meeting_link}")
        event.add("description", "\n".join(lines))
    return event


def booking_invitation(booking: Booking) -> bytes:
    cancelled = booking.status == BookingStatus.CANCELLED or booking.session.status == SessionStatus.CANCELLED
    cal = _calendar("CANCEL" if cancelled else "REQUEST")
    cal.add_component(_event(booking, cancelled=cancelled))
    return cal.to_ical()


def feed(bookings: Iterable[Booking]) -> bytes:
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", "My ISVA drop-ins")
    for booking in bookings:
        cancelled = (
            booking.status == BookingStatus.CANCELLED or booking.session.status == SessionStatus.CANCELLED
        )
        cal.add_component(_event(booking, cancelled=cancelled))
    return cal.to_ical()

"""A clean first run (issue 19): the calendar part of a booking email names its charset once and
links to the served port."""

from __future__ import annotations

import email
from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.dropins.tasks import EmailKind, render_booking_email
from tests.factories.dropins import BookingFactory, DropInScheduleFactory, DropInSessionFactory


@pytest.mark.django_db
def test_the_calendar_part_names_its_charset_once_and_links_to_the_served_port(
    settings, host, isva, area
) -> None:  # type: ignore[no-untyped-def]
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    schedule = DropInScheduleFactory(host_agency=host.agency, allowed_areas=[area])
    session = DropInSessionFactory(schedule=schedule, starts_at=timezone.now() + timedelta(days=3))
    booking = BookingFactory(session=session, isva=isva)
    raw = render_booking_email(booking, EmailKind.CONFIRMED).message().as_bytes()
    parsed = email.message_from_bytes(raw)
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    header = part["Content-Type"]
    assert header.lower().count("charset") == 1, header
    assert part.get_content_charset() == "utf-8"
    assert part.get_filename() == "invite.ics"
    calendar = part.get_payload(decode=True).decode()
    assert "URL:http://127.0.0.1:8123/dropins/sessions/" in calendar
    body = next(p for p in parsed.walk() if p.get_content_type() == "text/plain")
    assert "http://127.0.0.1:8123/dropins/my-bookings/" in body.get_payload(decode=True).decode()

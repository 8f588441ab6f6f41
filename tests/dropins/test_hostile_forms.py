"""Hostile input on every drop-in form: booking, cancel, rebook, schedule create/edit, host
attendance, session cancel and the calendar feed reset. See tests/hostile.py for the checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from agencies.dropins import services
from agencies.dropins.models import Booking, Frequency, Mode, Outcome, Topic
from tests.conftest import signed_in_client
from tests.factories.dropins import DropInSessionFactory
from tests.hostile import HOSTILE_SETTINGS, check_post, form_body, models_of

pytestmark = pytest.mark.django_db

TABLES = models_of("dropins")


def _values(choices) -> list[str]:
    return [str(value) for value, _label in choices]


@pytest.fixture
def booking(isva, session) -> Booking:
    return services.booking_create(actor=isva, session_id=session.pk, topic=Topic.PROCESS)


@pytest.fixture
def foreign_ids(other_session, other_agency_isva, other_schedule) -> list[str]:
    """Ids of another agency's objects, tried in every field and as every id."""
    other_booking = Booking.objects.create(session=other_session, isva=other_agency_isva, topic=Topic.PROCESS)
    return [str(other_session.pk), str(other_booking.pk), str(other_schedule.pk)]


@HOSTILE_SETTINGS
@given(
    data=form_body(
        {
            "topic": _values(Topic.choices),
            "question": ["Can I ask about charging?", ""],
            "accessibility_needs": ["", "Step-free access"],
        }
    )
)
def test_booking_form(isva, session, data) -> None:
    client = signed_in_client(isva)
    check_post(client, reverse("dropins:session-detail", args=[session.pk]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"confirm": ["yes"]}))
def test_booking_cancel_form(isva, booking, foreign_ids, data) -> None:
    client = signed_in_client(isva)
    check_post(client, reverse("dropins:booking-cancel", args=[booking.pk]), data, TABLES)
    # Another agency's booking, whatever the body: refused and nothing written.
    check_post(client, reverse("dropins:booking-cancel", args=[foreign_ids[1]]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"session": []}, hostile=["1", "2", "3", "4", "5", "6"]))
def test_booking_rebook_form(isva, booking, schedule, foreign_ids, data) -> None:
    DropInSessionFactory(schedule=schedule, starts_at=timezone.now() + timedelta(days=5))
    client = signed_in_client(isva)
    body = [*data, ("session", foreign_ids[0])] if len(data) % 2 else data
    response = check_post(client, reverse("dropins:booking-rebook", args=[booking.pk]), body, TABLES)
    if ("session", foreign_ids[0]) in body and len([k for k, _ in body if k == "session"]) == 1:
        assert response.status_code == 400  # another agency's session is never offered


SCHEDULE_FIELDS = {
    "title": ["Tuesday drop-in", "مرحبا \u202e drop-in"],
    "mode": _values(Mode.choices),
    "address": ["CPS office, room 2", ""],
    "meeting_link": ["https://meet.example.org/x", "", "javascript:alert(1)"],
    "frequency": _values(Frequency.choices),
    "weekdays": ["0", "1", "6"],
    "start_time": ["10:00", "23:59"],
    "end_time": ["11:00", "00:00"],
    "starts_on": [timezone.localdate().isoformat()],
    "until": ["", (timezone.localdate() + timedelta(days=30)).isoformat()],
    "occurrences": ["", "4", "104"],
    "seats": ["", "5"],
    "slot_minutes": ["", "30"],
    "booking_window_days": ["28"],
    "min_notice_hours": ["2"],
    "cancellation_cutoff_hours": ["2"],
    "allowed_areas": [],
    "blackout_dates": ["", "2030-01-01 2030-01-02"],
}


@pytest.fixture
def schedule_fields(area) -> dict[str, list[str]]:
    return {**SCHEDULE_FIELDS, "allowed_areas": [str(area.pk)]}


@HOSTILE_SETTINGS
@given(data=form_body(SCHEDULE_FIELDS))
def test_schedule_create_form(host, area, data) -> None:
    data = [(k, str(area.pk) if k == "allowed_areas" and v == "" else v) for k, v in data]
    check_post(signed_in_client(host), reverse("dropins:schedule-create"), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body(SCHEDULE_FIELDS))
def test_schedule_edit_form(host, area, schedule, foreign_ids, data) -> None:
    client = signed_in_client(host)
    check_post(client, reverse("dropins:schedule-edit", args=[schedule.pk]), data, TABLES)
    check_post(client, reverse("dropins:schedule-edit", args=[foreign_ids[2]]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"booking": [], "attended": ["yes", "no"], "outcome": ["", *_values(Outcome.choices)]}))
def test_attendance_form(host, session, booking, foreign_ids, data) -> None:
    prefix = f"b{booking.pk}-"
    body = [(k if k == "booking" else prefix + k, v) for k, v in data]
    body = [*body, ("booking", str(booking.pk))] if len(body) % 2 else [*body, ("booking", foreign_ids[1])]
    check_post(signed_in_client(host), reverse("dropins:attendance", args=[session.pk]), body, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"confirm": ["yes"]}))
def test_session_cancel_form(host, session, booking, foreign_ids, data) -> None:
    client = signed_in_client(host)
    check_post(client, reverse("dropins:session-cancel", args=[session.pk]), data, TABLES)
    check_post(client, reverse("dropins:session-cancel", args=[foreign_ids[0]]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"confirm": ["yes"]}))
def test_calendar_feed_reset(isva, data) -> None:
    check_post(signed_in_client(isva), reverse("dropins:calendar-feed-reset"), data, TABLES)


def test_schedule_area_id_out_of_range_is_a_validation_error(host, area) -> None:
    """Regression: a 10^30 area id crashed the schedule form (OverflowError on SQLite)."""
    body = {**{k: v[0] for k, v in SCHEDULE_FIELDS.items() if v}, "allowed_areas": [str(10**30)]}
    response = signed_in_client(host).post(reverse("dropins:schedule-create"), body)
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content

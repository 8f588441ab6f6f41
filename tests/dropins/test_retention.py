"""Drop-in bookings in the retention schedule: deleted a year after their session ended (with the
ISVA's question and accessibility needs), never before; sessions and schedules stay."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies.dropins.models import Booking, DropInSession
from scrutiny.models import AccessEvent, RetentionBatch
from scrutiny.retention import apply_retention
from tests.factories.dropins import BookingFactory, DropInSessionFactory

pytestmark = pytest.mark.django_db


def test_a_booking_goes_a_year_after_its_session_ended() -> None:
    ended = dt.datetime(2026, 2, 3, 11, 0, tzinfo=dt.UTC)
    past = DropInSessionFactory(starts_at=ended - dt.timedelta(hours=1), ends_at=ended)
    old = BookingFactory(session=past, question="zqx question", accessibility_needs="zqx needs")
    upcoming = BookingFactory()
    limit = dt.date(2026, 2, 3) + dt.timedelta(days=365)
    results = {r.record_type: r for r in apply_retention(today=limit)}
    assert results["booking"].deleted == 0 and Booking.objects.count() == 2
    dry = {r.record_type: r for r in apply_retention(today=limit + dt.timedelta(days=1), dry_run=True)}
    assert dry["booking"].due_ids == (old.pk,) and Booking.objects.count() == 2
    apply_retention(today=limit + dt.timedelta(days=1))
    assert list(Booking.objects.values_list("pk", flat=True)) == [upcoming.pk]
    assert DropInSession.objects.filter(pk=past.pk).exists()
    batch = RetentionBatch.objects.get(record_type="booking")
    assert batch.object_ids == [old.pk]
    assert AccessEvent.objects.filter(object_type="retention_batch", object_id=batch.pk).exists()

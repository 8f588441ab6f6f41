"""Query counts for the listing, session and my-bookings pages are the same with 10 and with
1,000 sessions (and bookings): nothing is fetched per row. The listing and my bookings take at
most 12 (issue 8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.dropins.models import Booking, BookingStatus, DropInSession, Topic
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def _grow(schedule, isva, total: int) -> None:
    """Bring the schedule to `total` upcoming sessions, each booked by `isva` (bulk_create)."""
    have = DropInSession.objects.filter(schedule=schedule).count()
    start = timezone.now() + timedelta(days=1)
    sessions = DropInSession.objects.bulk_create(
        DropInSession(
            schedule=schedule,
            occurrence_key=f"bulk-{i}",
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i, minutes=45),
            capacity=5,
            confirmed_count=1,
        )
        for i in range(have, total)
    )
    Booking.objects.bulk_create(
        Booking(session=s, isva=isva, status=BookingStatus.CONFIRMED, topic=Topic.PROCESS) for s in sessions
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["dropins:session-list", "dropins:my-bookings", "session", "host-session"])
def test_query_count_does_not_grow_with_sessions(isva, host, schedule, page) -> None:
    _grow(schedule, isva, 10)
    client = signed_in_client(host if page == "host-session" else isva)
    first = DropInSession.objects.filter(schedule=schedule).order_by("starts_at").first()
    if page == "session":
        url = reverse("dropins:session-detail", args=[first.pk])
    elif page == "host-session":
        url = reverse("dropins:host-session", args=[first.pk])
    else:
        url = reverse(page)
    client.get(url)  # warm per-process caches (content types, permissions)
    small = _count(client, url)
    _grow(schedule, isva, 1000)
    assert DropInSession.objects.filter(schedule=schedule).count() == 1000
    large = _count(client, url)
    assert small == large, (small, large)
    # Issue 8: at most 12 queries per page. Exact, warm: the chrome is the user row only (session,
    # permission sets and unread badge from the cache, ADR 0008); the rest is the page's own. My
    # bookings: the count and the page of upcoming bookings, the count of recent ones (their page
    # is a query only when there are some: one more, whatever their number), the calendar feed.
    expected = {"dropins:session-list": 5, "dropins:my-bookings": 6, "session": 4, "host-session": 3}
    assert large == expected[page], large

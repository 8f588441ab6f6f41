"""My bookings pages: upcoming (?page=) and recent (?recent=) bookings each a page at a time, only
the viewer's own, and any page value answers a page. The query count is the same at 10 and 1,000
bookings (test_query_counts)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.dropins.models import Booking, BookingStatus, DropInSession, Topic
from agencies.dropins.views.common import PAGE_SIZE
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

CANCEL = re.compile(r'href="/dropins/bookings/(\d+)/cancel/"')


def _book(schedule, isva, n: int, *, days: int, key: str) -> list[Booking]:
    """`n` sessions `days` from now (negative: past), an hour apart, each booked by `isva`."""
    start = timezone.now() + timedelta(days=days)
    sessions = DropInSession.objects.bulk_create(
        DropInSession(
            schedule=schedule,
            occurrence_key=f"{key}-{i}",
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i, minutes=45),
            capacity=5,
            confirmed_count=1,
        )
        for i in range(n)
    )
    return Booking.objects.bulk_create(
        Booking(session=s, isva=isva, status=BookingStatus.CONFIRMED, topic=Topic.PROCESS) for s in sessions
    )


def _get(client, **params) -> tuple[int, str]:
    response = client.get(reverse("dropins:my-bookings"), params)
    return response.status_code, response.content.decode()


def _upcoming(body: str) -> list[int]:
    return [int(pk) for pk in CANCEL.findall(body)]


def test_page_two_shows_the_next_upcoming_bookings(schedule, isva) -> None:
    mine = [b.pk for b in _book(schedule, isva, PAGE_SIZE + 5, days=1, key="up")]
    assert CANCEL.pattern  # the cancel link is the row's mark
    client = signed_in_client(isva)
    status1, first = _get(client)
    status2, second = _get(client, page=2)
    assert (status1, status2) == (200, 200)
    assert _upcoming(first) == mine[:PAGE_SIZE]
    assert _upcoming(second) == mine[PAGE_SIZE:]
    assert "Page 1 of 2" in first and "?page=2" in first
    assert "Page 2 of 2" in second


def test_recent_bookings_page_on_their_own_and_keep_the_other_list_page(schedule, isva) -> None:
    _book(schedule, isva, PAGE_SIZE + 1, days=1, key="up")
    _book(schedule, isva, PAGE_SIZE + 2, days=-30, key="past")
    client = signed_in_client(isva)
    status, body = _get(client, page=2)
    assert status == 200
    assert "?page=2&amp;recent=2" in body  # the recent list's next link keeps the upcoming page
    status, body = _get(client, page=2, recent=2)
    assert status == 200 and "recent=1" in body and body.count("Page 2 of 2") == 2


@pytest.mark.parametrize("value", ["0", "-1", "abc", "", "2.5", str(10**30), "999"])
def test_hostile_page_values_answer_a_page(schedule, isva, value) -> None:
    _book(schedule, isva, PAGE_SIZE + 1, days=1, key="up")
    client = signed_in_client(isva)
    first, last = _upcoming(_get(client)[1]), _upcoming(_get(client, page=2)[1])
    status, body = _get(client, page=value, recent=value)
    assert status == 200
    assert _upcoming(body) in (first, last)


def test_another_isvas_bookings_are_neither_shown_nor_counted(schedule, isva, make_isva) -> None:
    (other,) = make_isva(1)
    mine = [b.pk for b in _book(schedule, isva, 3, days=1, key="mine")]
    _book(schedule, other, PAGE_SIZE * 3, days=2, key="theirs")
    _book(schedule, other, PAGE_SIZE * 2, days=-10, key="theirs-past")
    client = signed_in_client(isva)
    status, body = _get(client)
    assert status == 200 and _upcoming(body) == mine
    assert "govuk-pagination" not in body
    assert _upcoming(_get(client, page=3)[1]) == mine

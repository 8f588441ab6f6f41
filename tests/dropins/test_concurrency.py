"""The capacity invariant under real concurrency: threads, each with its own database connection,
racing through the booking service. No mocks: the database decides."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from agencies.dropins import services
from agencies.dropins.models import Booking, BookingStatus, DropInSession, Topic
from agencies.errors import ServiceError
from agencies.models import User
from agencies.roles import Role
from tests.factories import UserFactory
from tests.factories.dropins import DropInSessionFactory

ATTEMPTS = 200
SEATS = 10
PG_THREADS = 40


def _race(calls: list[Callable[[], object]], *, threads: int | None = None) -> list[object]:
    """Run the calls from `threads` threads at once (a barrier releases them together; by default
    one thread per call), each working through its share and closing its own connection at the
    end. Returns each call's result or the exception it raised, in call order."""
    threads = min(threads or len(calls), len(calls))
    barrier = threading.Barrier(threads)
    results: list[object] = [None] * len(calls)

    def worker(offset: int) -> None:
        try:
            barrier.wait(timeout=120)
            for index in range(offset, len(calls), threads):
                try:
                    results[index] = calls[index]()
                except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
                    results[index] = exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(worker, range(threads)))
    return results


def _isvas(agency, n: int) -> list[User]:
    return [UserFactory(agency=agency, roles=[Role.ISVA]) for _ in range(n)]


def _book_as(user_id: int, session_id: int) -> Callable[[], object]:
    def call() -> object:
        user = User.objects.get(pk=user_id)
        return services.booking_create(actor=user, session_id=session_id, topic=Topic.PROCESS).status

    return call


def _assert_exactly_full(session: DropInSession, results: list[object]) -> None:
    outcomes = Counter(r if isinstance(r, str) else type(r).__name__ for r in results)
    assert outcomes == {BookingStatus.CONFIRMED: SEATS, BookingStatus.WAITLISTED: ATTEMPTS - SEATS}, outcomes
    session.refresh_from_db()
    assert session.confirmed_count == SEATS
    assert session.waitlist_count == ATTEMPTS - SEATS
    assert Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).count() == SEATS
    assert (
        Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED).count() == ATTEMPTS - SEATS
    )


def _two_hundred_attempts(schedule, isva_agency, *, threads: int | None = None) -> None:
    session = DropInSessionFactory(
        schedule=schedule, capacity=SEATS, starts_at=timezone.now() + timedelta(days=2)
    )
    people = _isvas(isva_agency, ATTEMPTS)
    results = _race([_book_as(p.pk, session.pk) for p in people], threads=threads)
    _assert_exactly_full(session, results)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_attempts_fill_10_seats_exactly_sqlite(schedule, isva_agency, roles) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant; the PostgreSQL one is marked postgres")
    _two_hundred_attempts(schedule, isva_agency)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_attempts_fill_10_seats_exactly_postgres(schedule, isva_agency, roles) -> None:
    # PostgreSQL's default max_connections (100) is shared with the rest of the run, so 200
    # attempts go through 40 threads (40 connections) released together by the barrier.
    _two_hundred_attempts(schedule, isva_agency, threads=PG_THREADS)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancel_and_book_keeps_waitlist_order(schedule, isva_agency, roles) -> None:
    session = DropInSessionFactory(
        schedule=schedule, capacity=SEATS, starts_at=timezone.now() + timedelta(days=2)
    )
    holders = _isvas(isva_agency, SEATS)
    queued = _isvas(isva_agency, 5)
    newcomers = _isvas(isva_agency, 30)
    held = [services.booking_create(actor=p, session_id=session.pk, topic=Topic.PROCESS) for p in holders]
    waiting = [services.booking_create(actor=p, session_id=session.pk, topic=Topic.PROCESS) for p in queued]
    assert {b.status for b in waiting} == {BookingStatus.WAITLISTED}

    def cancel_as(booking: Booking) -> Callable[[], object]:
        def call() -> object:
            return services.booking_cancel(
                actor=User.objects.get(pk=booking.isva_id), booking_id=booking.pk
            ).status

        return call

    calls = [cancel_as(b) for b in held[:8]] + [_book_as(p.pk, session.pk) for p in newcomers]
    results = _race(calls, threads=min(len(calls), PG_THREADS))
    assert not [r for r in results if isinstance(r, Exception)]

    # Everyone who queued before the race got a seat, and nobody jumped the queue: every booking
    # still waiting is newer than every booking holding a seat.
    for booking in waiting:
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
    active = list(
        Booking.objects.filter(session=session, status__in=["confirmed", "waitlisted"]).order_by("pk")
    )
    confirmed = [b.pk for b in active if b.status == BookingStatus.CONFIRMED]
    waitlisted = [b.pk for b in active if b.status == BookingStatus.WAITLISTED]
    assert len(confirmed) == SEATS
    assert max(confirmed) < min(waitlisted)
    session.refresh_from_db()
    assert (session.confirmed_count, session.waitlist_count) == (SEATS, len(waitlisted))
    assert len(confirmed) + len(waitlisted) == SEATS + 5 + 30 - 8


@pytest.mark.django_db(transaction=True)
def test_one_person_racing_themselves_gets_one_active_booking(isva, session) -> None:
    results = _race([_book_as(isva.pk, session.pk) for _ in range(20)])
    assert sum(1 for r in results if r == BookingStatus.CONFIRMED) == 1
    assert all(isinstance(r, ServiceError) for r in results if r != BookingStatus.CONFIRMED)
    assert Booking.objects.filter(session=session, isva=isva).count() == 1
    session.refresh_from_db()
    assert (session.confirmed_count, session.waitlist_count) == (1, 0)

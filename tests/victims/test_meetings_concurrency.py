"""Two (or twenty) people of a VLO team confirming the same request at the same moment: exactly
one confirmation wins, the others are told it is already confirmed, and the request has one
confirmed slot, one audit row and one email for it. Threads with their own database connections,
no mocks: the database's row lock decides."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection

from agencies.errors import Conflict
from agencies.models import User
from agencies.roles import Role
from agencies.victims.meetings import services
from agencies.victims.meetings.models import MeetingRequest, MeetingStatus
from scrutiny.models import AccessEvent
from tests.factories import UserFactory
from tests.victims.meetings_helpers import make_request

RACERS = 20


def _race(calls: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=120)
            try:
                results[index] = calls[index]()
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
                results[index] = exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        list(pool.map(worker, range(len(calls))))
    return results


def _confirm_as(user_id: int, request_id: int, slot_id: int) -> Callable[[], object]:
    def call() -> object:
        actor = User.objects.get(pk=user_id)
        return services.meeting_slot_confirm(actor=actor, request_id=request_id, slot_id=slot_id).status

    return call


def _exactly_one_wins(isva, area, cps_agency, *, same_slot: bool) -> None:
    request = make_request(isva, area)
    slots = list(request.slots.order_by("starts_at").values_list("pk", flat=True))
    team = [UserFactory(agency=cps_agency, roles=[Role.VLO]) for _ in range(RACERS)]
    before = AccessEvent.objects.filter(object_id=request.pk, verb="edit").count()
    mail.outbox.clear()
    calls = [
        _confirm_as(person.pk, request.pk, slots[0] if same_slot else slots[index % len(slots)])
        for index, person in enumerate(team)
    ]
    results = _race(calls)
    outcomes = Counter(r if isinstance(r, str) else type(r).__name__ for r in results)
    assert outcomes == {MeetingStatus.CONFIRMED: 1, Conflict.__name__: RACERS - 1}, outcomes
    assert all("already confirmed" in r.message_text for r in results if isinstance(r, Conflict))
    request.refresh_from_db()
    assert request.status == MeetingStatus.CONFIRMED and request.confirmed_slot_id in slots
    assert AccessEvent.objects.filter(object_id=request.pk, verb="edit").count() == before + 1
    assert MeetingRequest.objects.filter(status=MeetingStatus.CONFIRMED).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_vlos_confirming_the_same_slot_at_once_one_wins_postgres(
    isva, area, cps_agency, roles
) -> None:
    _exactly_one_wins(isva, area, cps_agency, same_slot=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_vlos_confirming_different_slots_at_once_one_wins_postgres(
    isva, area, cps_agency, roles
) -> None:
    _exactly_one_wins(isva, area, cps_agency, same_slot=False)


@pytest.mark.django_db(transaction=True)
def test_two_vlos_confirming_at_once_one_wins(isva, area, cps_agency, roles) -> None:
    # SQLite serialises writers; the same invariant, on the default database.
    request = make_request(isva, area)
    slot = request.slots.order_by("starts_at")[0]
    first, second = (UserFactory(agency=cps_agency, roles=[Role.VLO]) for _ in range(2))
    results = _race([_confirm_as(first.pk, request.pk, slot.pk), _confirm_as(second.pk, request.pk, slot.pk)])
    assert sorted(type(r).__name__ if not isinstance(r, str) else r for r in results) == [
        "Conflict",
        "confirmed",
    ]

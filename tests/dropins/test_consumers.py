import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from agencies.dropins import services
from agencies.dropins.consumers import SeatCountConsumer
from agencies.dropins.models import Topic

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _connect(user, query: str):
    communicator = WebsocketCommunicator(SeatCountConsumer.as_asgi(), f"/ws/dropins/?{query}")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_anonymous_refused(session) -> None:
    _, connected, code = await _connect(AnonymousUser(), f"schedules={session.schedule_id}")
    assert (connected, code) == (False, 4401)


async def test_other_area_and_non_dropin_roles_refused(other_agency_isva, coordinator, session) -> None:
    for user in (other_agency_isva, coordinator):
        _, connected, code = await _connect(user, f"schedules={session.schedule_id}")
        assert (connected, code) == (False, 4403)
    _, connected, code = await _connect(other_agency_isva, "schedules=abc,,;DROP")
    assert (connected, code) == (False, 4403)


async def test_live_counts_only_no_names(isva, host, make_isva, session) -> None:
    watcher, connected, _ = await _connect(host, f"schedules={session.schedule_id}")
    assert connected
    hello = await watcher.receive_json_from()
    assert hello["kind"] == "hello"
    group = f"dropins.schedule.{session.schedule_id}"
    assert group in hello["seq"]
    await database_sync_to_async(services.booking_create)(
        actor=isva, session_id=session.pk, topic=Topic.PROCESS
    )
    event = await watcher.receive_json_from(timeout=5)
    assert event == {
        "kind": "dropins.seats",
        "group": group,
        "seq": hello["seq"][group] + 1,
        "session_id": session.pk,
        "capacity": 2,
        "confirmed": 1,
        "remaining": 1,
        "waitlisted": 0,
    }
    (second, third) = await database_sync_to_async(make_isva)(2)
    await database_sync_to_async(services.booking_create)(
        actor=second, session_id=session.pk, topic=Topic.PROCESS
    )
    await database_sync_to_async(services.booking_create)(
        actor=third, session_id=session.pk, topic=Topic.PROCESS
    )
    await watcher.receive_json_from(timeout=5)
    last = await watcher.receive_json_from(timeout=5)
    assert (last["remaining"], last["waitlisted"]) == (0, 1)
    await watcher.disconnect()

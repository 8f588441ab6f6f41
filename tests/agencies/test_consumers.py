import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from agencies.realtime.consumers import NotificationConsumer
from agencies.services import notification_send

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _connect(user):
    communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_anonymous_users_are_refused() -> None:
    communicator, connected, code = await _connect(AnonymousUser())
    assert not connected
    assert code == 4401


async def test_inactive_users_are_refused(isva) -> None:
    isva.is_active = False
    communicator, connected, code = await _connect(isva)
    assert not connected
    assert code == 4403


async def test_hello_then_live_notification_for_its_own_user_only(isva, other_agency_isva) -> None:
    mine, connected, _ = await _connect(isva)
    assert connected
    hello = await mine.receive_json_from()
    assert hello == {"kind": "hello", "seq": {f"user.{isva.pk}": 0}, "unread": 0}
    theirs, _, _ = await _connect(other_agency_isva)
    await theirs.receive_json_from()

    notification = await database_sync_to_async(notification_send)(recipient=isva, title="Seat confirmed")
    event = await mine.receive_json_from(timeout=5)
    assert event == {
        "kind": "notification.created",
        "group": f"user.{isva.pk}",
        "seq": 1,
        "unread": 1,
        "notification": {"id": notification.pk, "title": "Seat confirmed", "url": ""},
    }
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


@pytest.mark.parametrize(
    "frame", ["not json", '["a list"]', '{"kind": "subscribe", "group": "user.1"}', "x" * 5000]
)
async def test_hostile_client_messages_get_an_error_and_keep_the_socket(isva, frame: str) -> None:
    communicator, connected, _ = await _connect(isva)
    assert connected
    await communicator.receive_json_from()
    await communicator.send_to(text_data=frame)
    reply = await communicator.receive_json_from()
    assert reply["kind"] == "error"
    await communicator.send_json_to({"kind": "ping"})
    assert await communicator.receive_json_from() == {"kind": "pong"}
    await communicator.disconnect()


async def test_binary_frames_are_refused_politely(isva) -> None:
    communicator, _, _ = await _connect(isva)
    await communicator.receive_json_from()
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await communicator.receive_json_from())["kind"] == "error"
    await communicator.disconnect()

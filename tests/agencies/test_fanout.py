"""agencies.realtime.fanout: one layer subscription per group per process, one batch per event, events in
order, events that arrive while a socket opens held until its hello, and a failed layer closing
the process's sockets (4012) so clients reconnect, after which a new socket works again."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator

from agencies.realtime import events, fanout
from agencies.realtime.consumers import CLOSE_RECONNECT, NotificationConsumer
from agencies.services import notification_send

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _open(user: Any) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    assert connected, code
    hello = await communicator.receive_json_from()
    assert hello["kind"] == "hello"
    return communicator


async def test_one_subscription_per_group_and_one_render_batch_for_every_socket(isva, monkeypatch) -> None:
    sockets = [await _open(isva) for _ in range(5)]
    group = events.user_group(isva.pk)
    layer = get_channel_layer()
    assert len(layer.groups[group]) == 1  # the process's hub, not one channel per socket
    assert len(fanout.hub().subscribers(group)) == 5

    batches: list[int] = []
    render = NotificationConsumer._render_batch

    def counting(consumers: list[Any], message: dict[str, Any]) -> Any:
        batches.append(len(consumers))
        return render(consumers, message)

    monkeypatch.setattr(NotificationConsumer, "_render_batch", staticmethod(counting))
    first = await database_sync_to_async(notification_send)(recipient=isva, title="Seat confirmed")
    second = await database_sync_to_async(notification_send)(recipient=isva, title="Seat moved")
    for socket in sockets:
        one = await socket.receive_json_from(timeout=5)
        two = await socket.receive_json_from(timeout=5)
        # Every socket gets both, in order, rendered for its user.
        assert (one["seq"], one["notification"]["id"], one["unread"]) == (1, first.pk, 1)
        assert (two["seq"], two["notification"]["id"], two["unread"]) == (2, second.pk, 2)
    assert batches == [5, 5]  # one thread hop per event, not one per socket

    for socket in sockets:
        await socket.disconnect()
    assert group not in layer.groups  # the last socket out leaves the layer group
    assert fanout.hub().members == {}


async def test_an_event_published_while_a_socket_opens_follows_its_hello(isva, monkeypatch) -> None:
    hello = NotificationConsumer.hello

    def hello_then_a_notification(self: NotificationConsumer) -> dict[str, Any]:
        payload = hello(self)
        # Published (on commit: autocommit here) after the hello was read but before it was sent.
        notification_send(recipient=self.user, title="Meanwhile")
        return payload

    monkeypatch.setattr(NotificationConsumer, "hello", hello_then_a_notification)
    communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/")
    communicator.scope["user"] = isva
    connected, _ = await communicator.connect()
    assert connected
    first = await communicator.receive_json_from(timeout=5)
    second = await communicator.receive_json_from(timeout=5)
    assert first["kind"] == "hello" and first["seq"] == {f"user.{isva.pk}": 0}
    assert second["kind"] == "notification.created" and second["seq"] == 1
    await communicator.disconnect()


class BreakableLayer(InMemoryChannelLayer):
    """The in-memory layer, whose pending and future receives fail once `break_()` is called
    (what channels-redis does when Redis goes away)."""

    broken = False
    waiting: set[asyncio.Future[None]] = set()

    async def receive(self, channel: str) -> dict[str, Any]:
        if BreakableLayer.broken:
            raise ConnectionError("layer gone")
        trip: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        BreakableLayer.waiting.add(trip)
        get = asyncio.ensure_future(super().receive(channel))
        try:
            done, _ = await asyncio.wait({get, trip}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            BreakableLayer.waiting.discard(trip)
        if trip in done:
            get.cancel()
            raise ConnectionError("layer gone")
        return get.result()

    @classmethod
    def break_(cls) -> None:
        cls.broken = True
        for trip in list(cls.waiting):
            trip.set_result(None)

    @classmethod
    def mend(cls) -> None:
        cls.broken = False


async def test_a_failed_layer_closes_the_sockets_and_new_sockets_work(isva, settings) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.BreakableLayer"}}
    channel_layers.backends.clear()
    BreakableLayer.mend()
    try:
        sockets = [await _open(isva) for _ in range(3)]
        BreakableLayer.break_()
        for socket in sockets:
            closed = await socket.receive_output(timeout=5)
            assert closed == {"type": "websocket.close", "code": CLOSE_RECONNECT}
        assert fanout.hub().members == {}

        BreakableLayer.mend()
        channel_layers.backends.clear()  # a new connection to the layer, as after a restart
        again = await _open(isva)
        notification = await database_sync_to_async(notification_send)(recipient=isva, title="Back")
        event = await again.receive_json_from(timeout=5)
        assert event["notification"]["id"] == notification.pk
        await again.disconnect()
    finally:
        BreakableLayer.mend()


async def test_sockets_of_a_replaced_layer_are_told_to_reconnect(isva) -> None:
    old = await _open(isva)
    channel_layers.backends.clear()  # settings reloaded: a new layer object
    new = await _open(isva)
    assert await old.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_RECONNECT}
    notification = await database_sync_to_async(notification_send)(recipient=isva, title="On the new layer")
    event = await new.receive_json_from(timeout=5)
    assert event["notification"]["id"] == notification.pk
    await new.disconnect()

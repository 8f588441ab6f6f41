"""WebSocket consumers. Each refuses anonymous users, checks its subscription through
permissions.py, joins only groups built by events.py, and re-reads through a selector as its own
user when an event arrives: the channel layer never carries what the user will see."""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from agencies import events, permissions, selectors

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
MAX_CLIENT_MESSAGE = 4096


class RealtimeConsumer(AsyncWebsocketConsumer):
    """Base: authentication, subscription, sequence numbers and hostile-input handling."""

    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        groups = await database_sync_to_async(self.authorised_groups)()
        if not groups:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()
        await self.send_json(await database_sync_to_async(self.hello)())

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None or len(text_data) > MAX_CLIENT_MESSAGE:
            await self.send_json({"kind": "error", "message": "Messages must be short JSON text."})
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self.send_json({"kind": "error", "message": "Messages must be JSON."})
            return
        if not isinstance(message, dict) or message.get("kind") != "ping":
            await self.send_json({"kind": "error", "message": "Unknown message."})
            return
        await self.send_json({"kind": "pong"})

    async def realtime_event(self, message: dict[str, Any]) -> None:
        payload = await database_sync_to_async(self.render_event)(message)
        if payload is not None:
            await self.send_json(payload)

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content))

    # Subclasses override these (they run in a worker thread with ORM access).
    def authorised_groups(self) -> list[str]:
        raise NotImplementedError

    def hello(self) -> dict[str, Any]:
        return {"kind": "hello", "seq": {g: events.current_sequence(g) for g in self.groups_joined}}

    def render_event(self, message: dict[str, Any]) -> dict[str, Any] | None:
        raise NotImplementedError


class NotificationConsumer(RealtimeConsumer):
    """A person's own notifications: live unread badge and the newest notification's title."""

    def authorised_groups(self) -> list[str]:
        if not permissions.can_subscribe_to_own_notifications(self.user):
            return []
        return [events.user_group(self.user.pk)]

    def hello(self) -> dict[str, Any]:
        payload = super().hello()
        payload["unread"] = selectors.notification_unread_count(viewer=self.user)
        return payload

    def render_event(self, message: dict[str, Any]) -> dict[str, Any] | None:
        if message.get("kind") == events.NotificationsRead.kind:
            return {
                "kind": message["kind"],
                "group": message["group"],
                "seq": message["seq"],
                "unread": selectors.notification_unread_count(viewer=self.user),
            }
        if message.get("kind") != events.NotificationCreated.kind:
            return None
        notification = selectors.notification_get(
            viewer=self.user, notification_id=int(message["data"]["notification_id"])
        )
        return {
            "kind": message["kind"],
            "group": message["group"],
            "seq": message["seq"],
            "unread": selectors.notification_unread_count(viewer=self.user),
            "notification": (
                {"id": notification.pk, "title": notification.title, "url": notification.url}
                if notification is not None
                else None
            ),
        }

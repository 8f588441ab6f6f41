"""WebSocket consumers. Each refuses anonymous users, checks its subscription through
permissions.py, joins only groups built by events.py, and re-reads through a selector as its own
user when an event arrives: the channel layer never carries what the user will see."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from importlib import import_module
from types import SimpleNamespace
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import PermissionDenied

from agencies import permissions, selectors
from agencies.realtime import events, fanout

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# A server may only send 1000 or an application code (3000-4999; autobahn under daphne refuses the
# others, leaving the socket open). Both make frontend/js/realtime.js reconnect with backoff.
CLOSE_RECONNECT = 4012  # the realtime layer failed under this worker: reconnect and resynchronise
CLOSE_INTERNAL_ERROR = 4500  # rendering an event for this socket failed
MAX_CLIENT_MESSAGE = 4096


# Re-check this long after the session's expiry moment, so the check sees it expired.
DEADLINE_GRACE_SECONDS = 0.05


def recheck_seconds() -> float:
    """How often an open socket re-checks its session and authorisation without being asked
    (sign-out and access changes are pushed at once; this bounds how long an expired session
    can keep a socket open)."""
    return float(getattr(settings, "REALTIME_RECHECK_SECONDS", 60))


class RealtimeConsumer(AsyncWebsocketConsumer):
    """Base: authentication, subscription, sequence numbers and hostile-input handling.

    Sockets have no channel-layer channel of their own: the process's hub (agencies.realtime.fanout)
    subscribes once per group and hands each event to `deliver_batch` for all local subscribers.

    Every socket also listens on its user's group for `access.changed` (sign-out, role removed,
    account deactivated, membership ended): it then re-reads the session and the user and re-runs
    `authorised_groups`, closing with 4401 (session gone) or 4403 (access gone). The same check
    runs periodically and lazily before an event is rendered once `recheck_seconds()` has passed,
    and at the moment the session expires (its expiry date, or for case roles the idle deadline
    the access middleware enforces), so an expired session's socket closes at once.
    """

    # No per-socket layer channel (channels then skips its per-socket receive loop and the
    # per-message thread hop of its dispatch): agencies.realtime.fanout delivers events.
    channel_layer_alias = None
    groups_joined: list[str]
    control_group: str | None = None

    async def connect(self) -> None:
        self.groups_joined = []
        self.control_group = None
        self._watchdog: asyncio.Task[None] | None = None
        self._closed = False
        self._deadline: float | None = None  # epoch seconds the session expires, if known
        self._checked_at = time.monotonic()
        # Events the hub hands over between joining and the hello are held, then delivered in order.
        self._held: list[dict[str, Any]] | None = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        if not await database_sync_to_async(self._second_factor_ok)():
            # MFA roles must have passed the second step in this session (agencies.mfa).
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if await database_sync_to_async(self._current_user)() is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)  # expired between the upgrade and now
            return
        groups = await database_sync_to_async(self.authorised_groups)()
        if not groups:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        hub = fanout.hub()
        for group in groups:
            await hub.join(group, self)
            self.groups_joined.append(group)
        control = events.user_group(user.pk)
        if control not in self.groups_joined:
            await hub.join(control, self)
            self.control_group = control
        self._checked_at = time.monotonic()
        await self.accept()
        await self.send_json(await database_sync_to_async(self.hello)())
        held, self._held = self._held or [], None
        for message in held:
            await type(self).deliver_batch([self], message)
        self._watchdog = asyncio.create_task(self._watch())

    async def disconnect(self, code: int) -> None:
        self._closed = True
        watchdog = getattr(self, "_watchdog", None)
        if watchdog is not None and watchdog is not asyncio.current_task():
            watchdog.cancel()
        hub = fanout.hub()
        for group in [*getattr(self, "groups_joined", []), *filter(None, [self.control_group])]:
            await hub.leave(group, self)

    async def _watch(self) -> None:
        interval = recheck_seconds()
        while not self._closed:
            # Jitter so thousands of sockets opened together do not re-check together.
            wait = interval * (0.75 + random.random() / 2)  # noqa: S311 - jitter, not a secret
            at_deadline = False
            if self._deadline is not None:
                # Wake when the session expires; the re-check then re-reads it (activity in
                # another tab moves an idle deadline on, and the loop waits for the new one).
                until = self._deadline - time.time() + DEADLINE_GRACE_SECONDS
                if until <= wait:
                    wait, at_deadline = max(0.0, until), True
            await asyncio.sleep(wait)
            if self._closed:
                return
            if at_deadline or time.monotonic() - self._checked_at >= interval * 0.75:
                await self.recheck()

    async def recheck(self) -> bool:
        """Re-validate session, user and subscription; close the socket if any is gone."""
        self._checked_at = time.monotonic()
        verdict = await database_sync_to_async(self._verdict)()
        if verdict is None:
            return True
        self._closed = True
        await self.close(code=verdict)
        return False

    def _verdict(self) -> int | None:
        user = self._current_user()
        if user is None:
            return CLOSE_UNAUTHENTICATED
        if not user.is_active:
            return CLOSE_FORBIDDEN
        self.user = user
        if not set(self.groups_joined) <= set(self.authorised_groups()):
            return CLOSE_FORBIDDEN
        return None

    def _current_user(self) -> Any:
        """The socket's user as the database and session store see them now, or None."""
        user_model = auth.get_user_model()
        session = self.scope.get("session")
        session_key = getattr(session, "session_key", None) if session is not None else None
        if session is None:
            # No session middleware (consumer tests build the scope by hand): the user must still
            # exist and be active.
            return user_model._default_manager.filter(pk=self.user.pk).first()
        if not session_key:
            return None
        # A fresh store: the scope's copy was loaded when the socket opened.
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        if str(store.get(auth.SESSION_KEY)) != str(self.user.pk):
            return None  # signed out, expired or replaced
        current = auth.get_user(SimpleNamespace(session=store))
        if not current.is_authenticated:
            # The session is valid but the user can no longer authenticate: deactivated (the
            # backend refuses inactive users) or their password changed.
            return user_model._default_manager.filter(pk=self.user.pk, is_active=False).first()
        self._deadline = self._session_deadline(store, session_key, current)
        if self._deadline is not None and self._deadline <= time.time():
            return None  # idle too long: the next request would sign them out
        return current

    @staticmethod
    def _session_deadline(store: Any, session_key: str, user: Any) -> float | None:
        """When this session stops being valid (epoch seconds): its stored expiry date, or for case
        roles the idle deadline agencies.middleware enforces, whichever comes first."""
        from agencies.middleware import idle_deadline

        moments: list[float] = []
        model = getattr(store, "model", None)  # database-backed stores keep the real expiry
        if model is not None:
            expires = (
                model.objects.filter(session_key=session_key).values_list("expire_date", flat=True).first()
            )
            if expires is not None:
                moments.append(expires.timestamp())
        else:
            moments.append(store.get_expiry_date().timestamp())
        idle = idle_deadline(SimpleNamespace(user=user, session=store))  # type: ignore[arg-type]
        if idle is not None:
            moments.append(idle)
        return min(moments) if moments else None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None or len(text_data) > MAX_CLIENT_MESSAGE:
            await self.send_json({"kind": "error", "message": "Messages must be short JSON text."})
            return
        try:
            message = json.loads(text_data)
        except (ValueError, RecursionError):  # nesting past the parser's limit fits in a short frame
            await self.send_json({"kind": "error", "message": "Messages must be JSON."})
            return
        if not isinstance(message, dict) or message.get("kind") != "ping":
            await self.send_json({"kind": "error", "message": "Unknown message."})
            return
        await self.send_json({"kind": "pong"})

    @classmethod
    async def deliver_batch(cls, consumers: list[RealtimeConsumer], message: dict[str, Any]) -> None:
        """One event for this process's sockets of this class on the event's group (called by
        agencies.realtime.fanout's hub). Access changes are per person and rare: each socket re-checks
        itself. Any other event is re-checked (where due) and rendered for every socket, each as
        its own user, in one thread hop, then each socket gets its own frame."""
        live = []
        for consumer in consumers:
            if consumer._held is not None:
                consumer._held.append(message)  # still opening: delivered after its hello
            elif not consumer._closed:
                live.append(consumer)
        if message.get("kind") == events.AccessChanged.kind:
            for consumer in live:
                await consumer._access_changed(message)
            return
        group = message.get("group")
        ready = [c for c in live if group in c.groups_joined]
        if not ready:
            return  # the control group carries events these sockets did not subscribe to
        outcomes = await database_sync_to_async(cls._render_batch)(ready, message)
        for consumer, (close_code, payload) in zip(ready, outcomes, strict=True):
            try:
                await consumer._send_outcome(close_code, payload)
            except Exception:
                logger.exception("Realtime send failed on one socket")

    @staticmethod
    def _render_batch(
        consumers: list[RealtimeConsumer], message: dict[str, Any]
    ) -> list[tuple[int | None, dict[str, Any] | str | None]]:
        interval = recheck_seconds()
        return [consumer._outcome(message, interval) for consumer in consumers]

    def _outcome(
        self, message: dict[str, Any], interval: float
    ) -> tuple[int | None, dict[str, Any] | str | None]:
        """(close code, None) to close this socket, or (None, payload) to send (None: nothing)."""
        now = time.monotonic()
        if now - self._checked_at >= interval:
            self._checked_at = now
            verdict = self._verdict()
            if verdict is not None:
                return verdict, None
        try:
            return None, self.render_event(message)
        except PermissionDenied:
            # Access went without an access.changed event (or before the next re-check).
            return CLOSE_FORBIDDEN, None
        except Exception:
            logger.exception("Rendering a realtime event failed; closing the socket")
            return CLOSE_INTERNAL_ERROR, None

    async def _send_outcome(self, close_code: int | None, payload: dict[str, Any] | str | None) -> None:
        if self._closed:
            return
        if close_code is not None:
            self._closed = True
            await self.close(code=close_code)
        elif isinstance(payload, str):
            await self.send(text_data=payload)  # already serialised (shared by many sockets)
        elif payload is not None:
            await self.send_json(payload)

    async def _access_changed(self, message: dict[str, Any]) -> None:
        if self._closed or not await self.recheck():
            return
        if message.get("group") in self.groups_joined:
            # Keep the client's sequence for this group continuous.
            await self.send_json({"kind": message["kind"], "group": message["group"], "seq": message["seq"]})

    async def connection_lost(self) -> None:
        """The channel layer failed under this process's hub: close, so the client reconnects
        (with backoff) and resynchronises from the sequence numbers in its next hello."""
        if not self._closed:
            self._closed = True
            await self.close(code=CLOSE_RECONNECT)

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content))

    def _second_factor_ok(self) -> bool:
        from agencies import mfa

        session = self.scope.get("session")
        if session is None:
            # Only hand-built scopes (communicator tests) lack a session: config.asgi always
            # wraps sockets in the session and auth middleware (as _current_user assumes too).
            return True
        return not mfa.needs_mfa(self.user) or mfa.session_is_verified(self.user, session)

    # Subclasses override these (they run in a worker thread with ORM access).
    def authorised_groups(self) -> list[str]:
        raise NotImplementedError

    def hello(self) -> dict[str, Any]:
        return {"kind": "hello", "seq": {g: events.current_sequence(g) for g in self.groups_joined}}

    def render_event(self, message: dict[str, Any]) -> dict[str, Any] | str | None:
        """The payload for this socket's user (a dict), or a frame already serialised as JSON text
        (a str, for payloads identical for every allowed recipient), or None to send nothing."""
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

"""Per-process fan-out: one channel-layer subscription per group per worker process, delivery to
that process's sockets in process.

Channels' own pattern gives every socket its own layer channel: a group send to N sockets puts N
messages through the layer (N pushes in Redis with channels-redis' core layer), and each socket's
consumer then receives its copy, dispatches it (channels 4.2+ hops to a worker thread to close old
database connections before every handler) and handles it, with its own thread hop for the ORM.
Measured with 2,000 sockets on two daphne workers that per-socket machinery, not Redis, was the
cost (docs/PERFORMANCE.md, "Broadcast fan-out").

Here each event loop (one per daphne worker) has one `Hub`: it owns one layer channel, joins each
group once while any local socket subscribes to it, reads its channel in one task and hands each
event to the subscribers' class in one batch (`deliver_batch`), which re-checks and renders for all
of them in one thread hop and writes each socket's frame. Per-user rendering and permission checks
are unchanged: the batch still renders per socket, as that socket's user.

Faults: if the layer fails while reading (Redis gone), every local subscriber is told
(`connection_lost`) and closes its socket; clients reconnect with backoff and resynchronise from
the sequence numbers, exactly as when a worker restarts. Events are handed over in order; a backlog
beyond `MAX_BACKLOG` drops the oldest (sequence numbers make the gap visible to clients, which then
re-fetch). This module imports no models: bench/fanout.py runs it with a bare channels setup.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import weakref
from typing import Any, Protocol

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

MAX_BACKLOG = 10_000
# Re-join every group this often: layers forget a membership after `group_expiry` (a day by default).
REFRESH_SECONDS = 3600.0


class Subscriber(Protocol):
    """What the hub needs of a subscriber (agencies.realtime.consumers.RealtimeConsumer implements it)."""

    @classmethod
    async def deliver_batch(cls, subscribers: list[Any], message: dict[str, Any]) -> None: ...

    async def connection_lost(self) -> None: ...


class Hub:
    """The fan-out of one event loop. Use `hub()` to get the current loop's."""

    def __init__(self) -> None:
        self.layer: Any = None
        self.channel: str | None = None
        self.members: dict[str, set[Any]] = {}
        self._lock = asyncio.Lock()
        self._backlog: collections.deque[dict[str, Any]] = collections.deque()
        self._ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    # --- membership -------------------------------------------------------------------------------
    async def join(self, group: str, subscriber: Any) -> None:
        """Subscribe `subscriber` to `group`; joins the layer group on the first local subscriber.
        Raises what the layer raises (the caller's socket then fails to open)."""
        async with self._lock:
            await self._start()
            members = self.members.get(group)
            if members is None:
                await self.layer.group_add(group, self.channel)
                members = self.members[group] = set()
            members.add(subscriber)

    async def leave(self, group: str, subscriber: Any) -> None:
        async with self._lock:
            members = self.members.get(group)
            if members is None:
                return
            members.discard(subscriber)
            if members:
                return
            del self.members[group]
            if self.layer is not None and self.channel is not None:
                with contextlib.suppress(Exception):  # a dead layer forgets it anyway
                    await self.layer.group_discard(group, self.channel)
            if not self.members:
                self._stop()

    def subscribers(self, group: str) -> list[Any]:
        return list(self.members.get(group, ()))

    # --- lifecycle ---------------------------------------------------------------------------------
    async def _start(self) -> None:
        layer = get_channel_layer()
        if layer is None:
            raise RuntimeError("No channel layer is configured.")
        if self._tasks and layer is self.layer and all(not t.done() for t in self._tasks):
            return
        # A new layer (settings reloaded) or a task that ended: subscribers of the old
        # subscription would hear nothing more, so they are told to reconnect, not dropped silently.
        orphans = {s for members in self.members.values() for s in members}
        self._stop()
        self.members.clear()
        for subscriber in orphans:
            try:
                await subscriber.connection_lost()
            except Exception:
                logger.exception("Closing a socket of a replaced subscription did not work")
        self.layer = layer
        self.channel = await layer.new_channel()
        self._tasks = [
            asyncio.create_task(self._read(), name="fanout-read"),
            asyncio.create_task(self._deliver(), name="fanout-deliver"),
            asyncio.create_task(self._refresh(), name="fanout-refresh"),
        ]

    def _stop(self) -> None:
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()
        self._tasks = []
        self._backlog.clear()
        self.channel = None

    async def _lost(self, error: BaseException) -> None:
        """The layer failed: forget every subscription and tell every subscriber."""
        logger.warning(
            "Realtime fan-out lost the channel layer (%s); closing this process's sockets so they"
            " reconnect and resynchronise",
            error.__class__.__name__,
        )
        async with self._lock:
            subscribers = {s for members in self.members.values() for s in members}
            self.members.clear()
            self._stop()
        for subscriber in subscribers:
            try:
                await subscriber.connection_lost()
            except Exception:
                logger.exception("Closing a socket after the channel layer failed did not work")

    # --- the three tasks ---------------------------------------------------------------------------
    async def _read(self) -> None:
        """Move events from the layer into the local backlog as fast as they come, so the layer's
        per-channel capacity is never the limit while a batch is being rendered."""
        try:
            while True:
                message = await self.layer.receive(self.channel)
                if len(self._backlog) >= MAX_BACKLOG:
                    dropped = self._backlog.popleft()
                    logger.warning(
                        "Realtime fan-out backlog full; dropped an event of %s", dropped.get("group")
                    )
                self._backlog.append(message)
                self._ready.set()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - any layer failure ends this hub's subscriptions
            await self._lost(error)

    async def _deliver(self) -> None:
        while True:
            await self._ready.wait()
            self._ready.clear()  # before draining: an event read meanwhile sets it again
            while self._backlog:
                await self.dispatch(self._backlog.popleft())

    async def _refresh(self) -> None:
        try:
            while True:
                await asyncio.sleep(REFRESH_SECONDS)
                for group in list(self.members):
                    await self.layer.group_add(group, self.channel)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001
            await self._lost(error)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Hand one event to every local subscriber of its group, one batch per subscriber class.
        The layer does not say which group a message came through, so events carry it
        (agencies.realtime.events.publish puts it in every message)."""
        group = message.get("group")
        if not isinstance(group, str):
            logger.warning(
                "Realtime event without its group ignored (agencies.realtime.events.publish adds it)"
            )
            return
        subscribers = self.subscribers(group)
        by_class: dict[type, list[Any]] = {}
        for subscriber in subscribers:
            by_class.setdefault(type(subscriber), []).append(subscriber)
        for cls, batch in by_class.items():
            try:
                await cls.deliver_batch(batch, message)
            except Exception:
                logger.exception("Realtime delivery to %d %s sockets failed", len(batch), cls.__name__)


_HUBS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The running event loop's hub (daphne has one loop per process; tests have one per test)."""
    loop = asyncio.get_running_loop()
    found = _HUBS.get(loop)
    if found is None:
        found = _HUBS[loop] = Hub()
    return found

"""Realtime events: group names, typed payloads and the one `publish` every service calls.

Events carry ids, kinds and sequence numbers, never content: the channel layer (Redis) is shared
infrastructure, and each consumer re-reads what its own user may see when an event arrives.
Group names are built only by the functions in the apps' events modules.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import F

from agencies.models import EventSequence

logger = logging.getLogger(__name__)

# channels accepts ASCII letters, digits, hyphens, underscores and periods, under 100 characters.
_GROUP_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,99}$")
MESSAGE_TYPE = "realtime.event"


def user_group(user_id: int) -> str:
    """Everything addressed to one person (notifications, their bookings)."""
    return checked(f"user.{int(user_id)}")


def governance_area_group(area_id: int) -> str:
    """Governance figures for one CPS area changed (bookings, attendance, findings, actions)."""
    return checked(f"governance.area.{int(area_id)}")


def governance_national_group() -> str:
    """Governance figures changed somewhere (the national dashboard)."""
    return checked("governance.national")


def checked(name: str) -> str:
    if not _GROUP_NAME.match(name):
        raise ValueError(f"Invalid realtime group name: {name!r}")
    return name


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base class for typed events. Subclasses are frozen dataclasses of ids and counts only, so an
    unknown key fails at construction and no text can ride along by accident."""

    kind: ClassVar[str]

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int | None):
                raise TypeError(f"{type(self).__name__}.{field.name} must be an id or a count, not {value!r}")

    def data(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, kw_only=True)
class NotificationCreated(Event):
    kind: ClassVar[str] = "notification.created"
    notification_id: int


@dataclass(frozen=True, kw_only=True)
class NotificationsRead(Event):
    kind: ClassVar[str] = "notifications.read"
    count: int


@dataclass(frozen=True, kw_only=True)
class GovernanceFiguresChanged(Event):
    """Some governance figure changed in an area (None: not tied to one area). Dashboards react to
    any event on their governance group; services may publish their own typed events there too."""

    kind: ClassVar[str] = "governance.figures_changed"
    area_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class AccessChanged(Event):
    """A person's access changed (role removed, account deactivated, membership ended, signed
    out): each of their open sockets re-checks its authorisation and closes if it is gone."""

    kind: ClassVar[str] = "access.changed"
    user_id: int


def access_changed(user_id: int) -> None:
    """Tell every open socket of this person to re-check its authorisation (on commit)."""
    publish(user_group(user_id), AccessChanged(user_id=int(user_id)))


def on_user_logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """user_logged_out receiver (connected in AgenciesConfig.ready): end the session in the store
    first (logout() flushes it right after this signal; doing it here means no socket can re-check
    in between and find it still valid), then tell that person's sockets to re-check."""
    if user is None or user.pk is None:
        return
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        session.delete()
    access_changed(user.pk)


def next_sequence(group: str) -> int:
    """Issue the next sequence number for a group inside the current transaction."""
    checked(group)
    sequence, _ = EventSequence.objects.get_or_create(group=group)
    EventSequence.objects.filter(pk=sequence.pk).update(value=F("value") + 1)
    return EventSequence.objects.values_list("value", flat=True).get(pk=sequence.pk)


def current_sequence(group: str) -> int:
    return EventSequence.objects.filter(group=group).values_list("value", flat=True).first() or 0


def current_sequences(groups: list[str]) -> dict[str, int]:
    """The current sequence number of each group, in one query (0 for a group never published to)."""
    found = dict(EventSequence.objects.filter(group__in=groups).values_list("group", "value"))
    return {group: found.get(group, 0) for group in groups}


def publish(group: str, event: Event) -> int:
    """Number the event now and send it once the surrounding transaction commits.

    Never raises because the channel layer is down: the write has happened, the page that made
    it must still answer, and clients resynchronise from their sequence numbers when they return.
    """
    checked(group)
    with transaction.atomic():
        seq = next_sequence(group)
    message = {"type": MESSAGE_TYPE, "group": group, "kind": event.kind, "seq": seq, "data": event.data()}
    transaction.on_commit(partial(_send, group, message))
    return seq


def publish_timeout() -> float:
    """The longest a request waits for the channel layer to accept an event (seconds)."""
    return float(getattr(settings, "REALTIME_PUBLISH_TIMEOUT", 1.0))


async def _bounded_group_send(layer: Any, group: str, message: dict[str, Any]) -> None:
    await asyncio.wait_for(layer.group_send(group, message), timeout=publish_timeout())


def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(_bounded_group_send)(layer, group, message)
    except Exception as exc:  # noqa: BLE001 - a realtime outage must not break the request
        logger.warning("Realtime publish to %s failed: %s", group, exc.__class__.__name__)

"""Realtime group names and typed events for pre-trial meeting requests. Ids only: the consumer
re-reads the request as each socket's user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from agencies.realtime.events import Event, checked


def request_group(request_id: int) -> str:
    """Changes to one request (its state, its confirmed time, its outcome)."""
    return checked(f"pretrial.request.{int(request_id)}")


@dataclass(frozen=True, kw_only=True)
class MeetingRequestChanged(Event):
    kind: ClassVar[str] = "pretrial.changed"
    request_id: int

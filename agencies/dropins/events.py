"""Realtime group names and typed events for drop-ins. Ids and counts only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from agencies.realtime.events import Event, checked


def schedule_group(schedule_id: int) -> str:
    """Seat counts and waitlist lengths of one schedule's sessions."""
    return checked(f"dropins.schedule.{int(schedule_id)}")


@dataclass(frozen=True, kw_only=True)
class SeatsChanged(Event):
    kind: ClassVar[str] = "dropins.seats"
    session_id: int
    confirmed: int
    capacity: int
    waitlisted: int


@dataclass(frozen=True, kw_only=True)
class DropinStatsChanged(Event):
    """Governance figures for an area changed (a booking, cancellation or attendance)."""

    kind: ClassVar[str] = "dropins.stats"
    area_id: int | None
    session_id: int


@dataclass(frozen=True, kw_only=True)
class DropinScheduleChanged(Event):
    """Governance figures for an area changed because a host created or edited a schedule
    (sessions offered, seats): one event per schedule change, however many sessions it touched."""

    kind: ClassVar[str] = "dropins.schedule"
    area_id: int | None
    schedule_id: int

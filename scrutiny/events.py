"""Realtime groups and typed events of the scrutiny app. Ids and counts only: every subscriber
re-reads through the redaction path as its own user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from agencies.realtime.events import Event, checked


def meeting_group(meeting_id: int) -> str:
    """Everything happening in one meeting: agenda progress, attendance, findings, actions."""
    return checked(f"scrutiny.meeting.{int(meeting_id)}")


@dataclass(frozen=True, kw_only=True)
class MeetingChanged(Event):
    """Something in the meeting changed (status, attendance, agreed score, finding, action):
    subscribers re-fetch their own redacted view of the meeting. `case_id`: the case the change is
    about (None for the meeting as a whole); nobody walled off that case gets a frame for it."""

    kind: ClassVar[str] = "scrutiny.meeting_changed"
    meeting_id: int
    findings: int
    actions: int
    present: int
    case_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class GovernanceFiguresChanged(Event):
    """Scrutiny figures (scores, findings, actions) changed in an area."""

    kind: ClassVar[str] = "scrutiny.figures_changed"
    area_id: int

"""Helpers for the pre-trial meeting tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from agencies.models import Area, User
from agencies.victims.meetings import services
from agencies.victims.meetings.models import MeetingRequest

URN = "47 KD 00312 24"


def future(days: int, hour: int = 10) -> datetime:
    day = timezone.localtime() + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def spec(area: Area, **overrides: object) -> services.RequestSpec:
    values: dict[str, object] = {
        "area_id": area.pk,
        "urn": URN,
        "slots": (future(7), future(8, 14)),
        "isva_attends": True,
        "needs": frozenset({"need_interpreter", "need_screens"}),
        "notes": "",
    }
    values.update(overrides)
    return services.RequestSpec(**values)  # type: ignore[arg-type]


def make_request(actor: User, area: Area, **overrides: object) -> MeetingRequest:
    return services.meeting_request_create(actor=actor, spec=spec(area, **overrides))

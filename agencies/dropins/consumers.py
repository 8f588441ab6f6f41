"""Live seat counts: a socket subscribes to the schedules shown on its page
(`/ws/dropins/?schedules=1,2`), each checked through permissions.py; every event is re-read as the
socket's own user, so only counts for sessions that user may see ever leave the server."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from agencies.dropins import events, permissions, selectors
from agencies.dropins.models import DropInSchedule
from agencies.realtime.consumers import RealtimeConsumer

MAX_SCHEDULES = 50


class SeatCountConsumer(RealtimeConsumer):
    def requested_schedule_ids(self) -> list[int]:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        raw = ",".join(query.get("schedules", []))
        ids = []
        for part in raw.split(","):
            part = part.strip()
            if part.isdigit() and len(part) < 12:
                ids.append(int(part))
        return sorted(set(ids))[:MAX_SCHEDULES]

    def authorised_groups(self) -> list[str]:
        if not permissions.can_view_dropins(self.user):
            return []
        schedules = DropInSchedule.objects.filter(pk__in=self.requested_schedule_ids()).prefetch_related(
            "allowed_areas"
        )
        return [
            events.schedule_group(s.pk)
            for s in schedules
            if permissions.can_host_schedule(self.user, s)
            or permissions.can_book_schedule(self.user, s, area_ids={a.pk for a in s.allowed_areas.all()})
        ]

    def render_event(self, message: dict[str, Any]) -> dict[str, Any] | None:
        if message.get("kind") != events.SeatsChanged.kind:
            return None
        counts = selectors.session_counts(viewer=self.user, session_id=int(message["data"]["session_id"]))
        if counts is None:
            return None
        return {"kind": message["kind"], "group": message["group"], "seq": message["seq"], **counts}

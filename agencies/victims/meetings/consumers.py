"""Live state on a pre-trial meeting request's page (`/ws/pre-trial-meetings/?request=ID`): the
socket joins the request's group only if its user may see the request (permissions.py, through
the selector), and every event is re-read as that user. Frames carry the state and its label:
never the URN, the needs or any free text."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from agencies.realtime.consumers import RealtimeConsumer
from agencies.victims.forms import MAX_ID
from agencies.victims.meetings import events, selectors


class MeetingRequestConsumer(RealtimeConsumer):
    def requested_id(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        values = query.get("request", [])
        if len(values) != 1 or not values[0].isascii() or not values[0].isdigit() or len(values[0]) > 19:
            return None
        value = int(values[0])
        return value if 0 < value <= MAX_ID else None

    def authorised_groups(self) -> list[str]:
        request_id = self.requested_id()
        if request_id is None or selectors.request_get(viewer=self.user, request_id=request_id) is None:
            return []
        return [events.request_group(request_id)]

    def render_event(self, message: dict[str, Any]) -> dict[str, Any] | None:
        if message.get("kind") != events.MeetingRequestChanged.kind:
            return None
        found = selectors.request_get(viewer=self.user, request_id=int(message["data"]["request_id"]))
        if found is None:
            return None
        request, _ = found
        return {
            "kind": message["kind"],
            "group": message["group"],
            "seq": message["seq"],
            "request_id": request.pk,
            "status": request.status,
            "status_label": request.get_status_display(),
        }

"""Live governance dashboards: on any event in the dashboard's group the consumer checks its own
user may still see the dashboard and sends the re-rendered figures fragment.

Dashboard figures are aggregate and the same for everyone allowed to see a scope (the governance
audience; suppression does not depend on the viewer), so each worker process renders the fragment
once per event (group and sequence number) and sends the same, already-serialised frame to each of
its sockets on that dashboard: a broadcast to N open dashboards is one figures read and one render
per process, not N. The permission check stays per socket."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string

from agencies.models import Area
from agencies.realtime import events
from agencies.realtime.consumers import RealtimeConsumer
from scrutiny.governance import figures, permissions

# One event (group, sequence number and data) -> its serialised frame, for a few seconds: every
# socket of this process gets the event within them. Sequence numbers only go up, but a database
# reset (tests flush it) starts them again, hence the short life and the data in the key.
_FRAMES: OrderedDict[tuple[str, int, str], tuple[float, str]] = OrderedDict()
_FRAMES_MAX = 64
_FRAMES_SECONDS = 10.0
_FRAMES_LOCK = threading.Lock()


def clear_frames() -> None:
    with _FRAMES_LOCK:
        _FRAMES.clear()


def _frame(message: dict[str, Any], area_id: int | None, viewer: Any) -> str:
    group, seq = str(message["group"]), int(message["seq"])
    key = (group, seq, json.dumps(message.get("data"), sort_keys=True))
    now = time.monotonic()
    with _FRAMES_LOCK:
        cached = _FRAMES.get(key)
        if cached is not None and now - cached[0] < _FRAMES_SECONDS:
            return cached[1]
    areas = figures.all_areas()
    area = next((a for a in areas if a.pk == area_id), None) if area_id is not None else None
    if area_id is not None and area is None:
        raise PermissionDenied  # the area has gone: nothing to show
    dashboard = figures.dashboard_for(viewer=viewer, area=area, areas=areas)
    frame = json.dumps(
        {
            "kind": "governance.figures",
            "group": group,
            "seq": seq,
            "html": render_to_string("scrutiny/governance/_figures.html", {"dashboard": dashboard}),
        }
    )
    with _FRAMES_LOCK:
        _FRAMES[key] = (now, frame)
        _FRAMES.move_to_end(key)
        while len(_FRAMES) > _FRAMES_MAX:
            _FRAMES.popitem(last=False)
    return frame


class GovernanceDashboardConsumer(RealtimeConsumer):
    def _area_id(self) -> int | None:
        area_id = self.scope["url_route"]["kwargs"].get("area_id")
        return int(area_id) if area_id is not None else None

    def authorised_groups(self) -> list[str]:
        area_id = self._area_id()
        if area_id is None:
            return [events.governance_national_group()] if permissions.can_view_national(self.user) else []
        if not Area.objects.filter(pk=area_id).exists() or not permissions.can_view_area(self.user, area_id):
            return []
        return [events.governance_area_group(area_id)]

    def render_event(self, message: dict[str, Any]) -> str:
        area_id = self._area_id()
        allowed = (
            permissions.can_view_national(self.user)
            if area_id is None
            else permissions.can_view_area(self.user, area_id)
        )
        if not allowed:
            raise PermissionDenied
        return _frame(message, area_id, self.user)

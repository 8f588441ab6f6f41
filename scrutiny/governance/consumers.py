"""Live governance dashboards: on any event in the dashboard's group the consumer re-reads the
figures as its own user and sends the re-rendered figures fragment."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from agencies import events
from agencies.consumers import RealtimeConsumer
from agencies.models import Area
from scrutiny.governance import figures, permissions


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

    def render_event(self, message: dict[str, Any]) -> dict[str, Any] | None:
        area_id = self._area_id()
        area = Area.objects.filter(pk=area_id).first() if area_id is not None else None
        dashboard = figures.dashboard_for(viewer=self.user, area=area)
        return {
            "kind": "governance.figures",
            "group": message["group"],
            "seq": message["seq"],
            "html": render_to_string("scrutiny/governance/_figures.html", {"dashboard": dashboard}),
        }

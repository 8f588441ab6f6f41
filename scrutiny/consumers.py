"""The live meeting view. Events carry ids and counts only; on each one the consumer re-reads the
meeting as its own user, redacts for that user's audience and sends what they may see (plus a
signal to re-fetch their own server-rendered fragment)."""

from __future__ import annotations

from typing import Any

from agencies.realtime.consumers import RealtimeConsumer
from scrutiny import events, permissions, selectors, services
from scrutiny.models import AccessChannel, AccessVerb
from scrutiny.redaction import redact


class MeetingConsumer(RealtimeConsumer):
    def _meeting(self) -> Any:
        permissions.forget(self.user)
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        return selectors.meeting_get(viewer=self.user, meeting_id=meeting_id)

    def authorised_groups(self) -> list[str]:
        meeting = self._meeting()
        if meeting is None:
            return []
        return [events.meeting_group(meeting.pk)]

    def hello(self) -> dict[str, Any]:
        payload = super().hello()
        meeting = self._meeting()
        payload["meeting"] = self._snapshot(meeting) if meeting is not None else None
        return payload

    def _snapshot(self, meeting: Any) -> dict[str, Any]:
        audience = permissions.audience_for(self.user, meeting)
        findings = selectors.meeting_findings(meeting=meeting, viewer=self.user)
        services.access_record(
            actor=self.user,
            verb=AccessVerb.VIEW,
            obj=meeting,
            audience=audience,
            channel=AccessChannel.WEBSOCKET,
            panel_id=meeting.panel_id,
            meeting_id=meeting.pk,
        )
        return {
            "meeting": redact(meeting, audience),
            "present": len(selectors.meeting_attendance(meeting=meeting)),
            "findings": [redact(finding, audience) for finding in findings],
        }

    def render_event(self, message: dict[str, Any]) -> dict[str, Any] | None:
        if message.get("kind") != events.MeetingChanged.kind:
            return None
        meeting = self._meeting()
        if meeting is None:
            return None
        return {
            "kind": message["kind"],
            "group": message["group"],
            "seq": message["seq"],
            "refetch": True,
            **self._snapshot(meeting),
        }

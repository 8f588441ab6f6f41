"""The live meeting view. Events carry ids and counts only; on each one the consumer re-reads the
meeting as its own user, redacts for that user's audience and sends what they may see (plus a
signal to re-fetch their own server-rendered fragment).

An event about one case (its agenda line, score, reviews, findings or actions: `case_id` in the
event) sends nothing at all to someone walled off that case, so not even the timing of a frame
tells them something happened to it; the sequence numbers their socket sees skip no number for
it either (a gap would say the same thing one frame later)."""

from __future__ import annotations

from typing import Any

from agencies.realtime.consumers import RealtimeConsumer
from scrutiny import events, permissions, selectors, services
from scrutiny.models import AccessChannel, AccessVerb
from scrutiny.redaction import redact


class MeetingConsumer(RealtimeConsumer):
    # Events of the meeting's group this socket's user was not sent (walled off their case): the
    # sequence numbers of later frames are shifted down by as many, so the client sees no gap.
    withheld = 0

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
        meeting = self._meeting()  # forgets the cached facts first: a declaration just made counts
        if meeting is None:
            return None
        data = message.get("data")
        case_id = data.get("case_id") if isinstance(data, dict) else None
        if permissions.is_walled(self.user, case_id if isinstance(case_id, int) else None):
            self.withheld += 1
            return None
        return {
            "kind": message["kind"],
            "group": message["group"],
            "seq": message["seq"] - self.withheld,
            "refetch": True,
            **self._snapshot(meeting),
        }

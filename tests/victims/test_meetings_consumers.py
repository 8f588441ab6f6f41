"""Live state on a pre-trial meeting request's page: only the request's audience may subscribe,
a change reaches the page as its state (never the URN or free text), re-read as the socket's user."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from agencies.victims.meetings import services
from agencies.victims.meetings.consumers import MeetingRequestConsumer

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _connect(user, query: str):
    communicator = WebsocketCommunicator(MeetingRequestConsumer.as_asgi(), f"/ws/pre-trial-meetings/?{query}")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_anonymous_refused(meeting_request) -> None:
    _, connected, code = await _connect(AnonymousUser(), f"request={meeting_request.pk}")
    assert (connected, code) == (False, 4401)


async def test_only_the_requests_audience_may_subscribe(
    meeting_request, other_area_vlo, isva_colleague, other_agency_isva, host
) -> None:
    for user in (other_area_vlo, isva_colleague, other_agency_isva, host):
        _, connected, code = await _connect(user, f"request={meeting_request.pk}")
        assert (connected, code) == (False, 4403), user.email
    for query in (
        "request=abc",
        "request=",
        "",
        f"request={meeting_request.pk}&request=1",
        "request=" + "9" * 30,
    ):
        _, connected, code = await _connect(other_area_vlo, query)
        assert (connected, code) == (False, 4403), query


async def test_the_requester_sees_the_confirmation_live(isva, vlo, meeting_request) -> None:
    watcher, connected, _ = await _connect(isva, f"request={meeting_request.pk}")
    assert connected
    hello = await watcher.receive_json_from()
    group = f"pretrial.request.{meeting_request.pk}"
    assert hello["kind"] == "hello" and group in hello["seq"]
    slot = await database_sync_to_async(lambda: meeting_request.slots.order_by("starts_at")[0])()
    await database_sync_to_async(services.meeting_slot_confirm)(
        actor=vlo, request_id=meeting_request.pk, slot_id=slot.pk
    )
    event = await watcher.receive_json_from(timeout=5)
    assert event == {
        "kind": "pretrial.changed",
        "group": group,
        "seq": hello["seq"][group] + 1,
        "request_id": meeting_request.pk,
        "status": "confirmed",
        "status_label": "Confirmed",
    }
    await watcher.disconnect()

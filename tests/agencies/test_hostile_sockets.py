"""Hostile frames on every WebSocket consumer (notifications, drop-in seat counts, the live
meeting, the governance dashboards), through the project's own URL router: invalid JSON, binary
frames, huge frames, wrong types, unknown kinds, and subscriptions to objects the user may not
see. The consumer never raises, answers each frame with an error (or a pong), sends nothing but
that, refuses forbidden subscriptions with a 44xx close before sending anything, and writes
nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from agencies.realtime.consumers import MAX_CLIENT_MESSAGE
from config.routing import websocket_urlpatterns
from tests.hostile import HOSTILE_SETTINGS, hostile_text, models_of, snapshot

pytestmark = pytest.mark.django_db(transaction=True)

# Opening the live meeting is audited (an access event) by design; nothing else may change.
TABLES = models_of("agencies", "dropins", "scrutiny", "governance", exclude=["scrutiny.accessevent"])
WS_SETTINGS = hypothesis_settings(HOSTILE_SETTINGS, max_examples=10)


@pytest.fixture(autouse=True)
def _in_memory_layer():
    with override_settings(CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}):
        channel_layers.backends.clear()
        yield
        channel_layers.backends.clear()


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)


@pytest.fixture
def schedule(cps_agency, area):
    from tests.factories.dropins import DropInScheduleFactory

    return DropInScheduleFactory(host_agency=cps_agency, allowed_areas=[area])


def frames() -> st.SearchStrategy[dict[str, Any]]:
    text = st.one_of(
        hostile_text(),
        JSON_VALUES.map(json.dumps),
        st.builds(
            lambda kind, extra: json.dumps({"kind": kind, **extra}),
            st.sampled_from(
                ["ping", "subscribe", "unsubscribe", "hello", "realtime.event", "access.changed", ""]
            ),
            st.dictionaries(
                st.sampled_from(["id", "group", "meeting_id", "schedules", "data"]), JSON_VALUES, max_size=3
            ),
        ),
        st.just("x" * (MAX_CLIENT_MESSAGE + 1)),
        st.just(json.dumps({"kind": "ping", "pad": "y" * 1_000_000})),
    )
    return st.one_of(
        text.filter(bool).map(lambda t: {"text_data": t}),
        st.binary(min_size=1, max_size=64).map(lambda b: {"bytes_data": b}),
        st.just({"bytes_data": b"\x00" * 100_000}),
    )


async def _exchange(user: Any, path: str, sent: list[dict[str, Any]]) -> tuple[bool, int | None, list[Any]]:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=10)
    replies: list[Any] = []
    if not connected:
        assert await communicator.receive_nothing(timeout=0.05)
        return connected, code, replies
    hello = await communicator.receive_json_from(timeout=10)
    assert hello["kind"] == "hello"
    for frame in sent:
        await communicator.send_to(**frame)
        output = await communicator.receive_output(timeout=10)  # re-raises if the consumer crashed
        if output["type"] == "websocket.close":
            assert 4000 <= output.get("code", 1000) < 5000 or output.get("code") == 1000, output
            return connected, output.get("code"), replies
        replies.append(json.loads(output["text"]))
    assert await communicator.receive_nothing(timeout=0.05)
    await communicator.disconnect()
    return connected, code, replies


def _check(user: Any, path: str, sent: list[dict[str, Any]], *, allowed: bool) -> None:
    before = snapshot(TABLES)
    connected, code, replies = async_to_sync(_exchange)(user, path, sent)
    assert snapshot(TABLES) == before, "a socket frame wrote to the database"
    if not allowed:
        assert not connected and code in (4401, 4403), (connected, code)
        return
    assert connected
    for reply in replies:
        assert set(reply) <= {"kind", "message"} and reply["kind"] in {"error", "pong"}, reply
    for frame, reply in zip(sent, replies, strict=False):
        is_ping = "text_data" in frame and _is_ping(frame["text_data"])
        assert reply["kind"] == ("pong" if is_ping else "error"), (frame, reply)


def _is_ping(text: str) -> bool:
    if len(text) > MAX_CLIENT_MESSAGE:
        return False
    try:
        message = json.loads(text)
    except ValueError:
        return False
    return isinstance(message, dict) and message.get("kind") == "ping"


@WS_SETTINGS
@given(sent=st.lists(frames(), min_size=1, max_size=6))
def test_notification_socket(isva, sent) -> None:
    _check(isva, "/ws/notifications/", sent, allowed=True)


@WS_SETTINGS
@given(sent=st.lists(frames(), min_size=1, max_size=6))
def test_seat_count_socket(isva, schedule, sent) -> None:
    _check(isva, f"/ws/dropins/?schedules={schedule.pk}", sent, allowed=True)


@WS_SETTINGS
@given(query=hostile_text(), sent=st.lists(frames(), max_size=2))
def test_seat_count_subscription_to_what_the_user_may_not_see(
    other_agency_isva, schedule, query, sent
) -> None:
    from urllib.parse import quote

    # The schedule is open to another area only; whatever else the query says, nothing is joined.
    path = f"/ws/dropins/?schedules={schedule.pk},{quote(query.encode('utf-8', 'surrogatepass'))}"
    _check(other_agency_isva, path, sent, allowed=False)


@pytest.fixture
def meeting_world(roles, area, other_area, cps_agency, coordinator):
    from tests.scrutiny.conftest import build_world

    return build_world(area=area, other_area=other_area, cps_agency=cps_agency, coordinator=coordinator)


@WS_SETTINGS
@given(sent=st.lists(frames(), min_size=1, max_size=6))
def test_meeting_socket(meeting_world, sent) -> None:
    world = meeting_world
    _check(world.users["isva_member"], f"/ws/scrutiny/meetings/{world.meeting.pk}/", sent, allowed=True)
    for outsider in ("other_panel_member", "evaluator"):
        _check(world.users[outsider], f"/ws/scrutiny/meetings/{world.meeting.pk}/", sent, allowed=False)


@WS_SETTINGS
@given(sent=st.lists(frames(), min_size=1, max_size=6))
def test_governance_sockets(governance_member, isva, area, other_area, sent) -> None:
    from agencies.models import AgencyKind
    from agencies.roles import Role
    from tests.factories import AgencyFactory, UserFactory

    _check(governance_member, "/ws/governance/national/", sent, allowed=True)
    area_member = UserFactory(
        agency=AgencyFactory(kind=AgencyKind.POLICE_FORCE, area=area), roles=[Role.GOVERNANCE_MEMBER]
    )
    _check(area_member, f"/ws/governance/area/{other_area.pk}/", sent, allowed=False)
    _check(area_member, "/ws/governance/area/99999999999/", sent, allowed=False)
    _check(isva, "/ws/governance/national/", sent, allowed=False)

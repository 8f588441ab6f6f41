"""Creating, editing and cancelling drop-in sessions changes governance figures (sessions offered,
seats): the services announce it to the host area's and the national dashboards, on commit and
numbered, once per change however many sessions it touched."""

from __future__ import annotations

import re
from datetime import time

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.urls import reverse

from agencies.dropins import services
from agencies.dropins.models import DropInSession, SessionStatus, Topic
from agencies.errors import ServiceError
from agencies.realtime import events
from scrutiny.governance.routing import websocket_urlpatterns
from tests.conftest import layer_receive, signed_in_client
from tests.factories.dropins import schedule_spec


def _spec(area, **overrides):
    """Ten sessions, so updates that add and remove some have room."""
    return schedule_spec(area, **{"occurrences": 10, **overrides})


def _groups(area) -> list[str]:
    return [events.governance_area_group(area.pk), events.governance_national_group()]


def _listen(groups: list[str]) -> dict[str, str]:
    """A channel on this process's layer for each group (as a dashboard consumer would join)."""
    layer = get_channel_layer()
    channels = {}
    for group in groups:
        channels[group] = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, channels[group])
    return channels


@pytest.fixture
def sent(monkeypatch):
    """Every (group, kind) handed to the channel layer, in order (the real send still happens).
    Counting here, not by waiting for silence on a channel: a receive that times out is not
    reliably cancellable on the Redis layer."""
    real = events._send
    calls: list[tuple[str, str]] = []

    def recording(group: str, message: dict) -> None:
        calls.append((group, message["kind"]))
        real(group, message)

    monkeypatch.setattr(events, "_send", recording)
    return calls


def _governance(calls: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [call for call in calls if call[0].startswith("governance.")]


@pytest.mark.django_db
def test_schedule_create_announces_the_figures_on_commit(
    host, area, sent, django_capture_on_commit_callbacks
) -> None:
    channels = _listen(_groups(area))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        schedule = services.schedule_create(actor=host, spec=_spec(area))
    assert sent == []  # not before the commit
    for callback in callbacks:
        callback()
    # One event per group, not one per session.
    assert _governance(sent) == [(group, "dropins.schedule") for group in _groups(area)]
    for group, channel in channels.items():
        message = layer_receive(channel)
        assert message["group"] == group
        assert message["kind"] == "dropins.schedule"
        assert message["data"] == {"area_id": area.pk, "schedule_id": schedule.pk}
        assert message["seq"] == events.current_sequence(group) == 1


@pytest.mark.django_db
def test_a_rolled_back_schedule_change_announces_nothing(
    host, area, django_capture_on_commit_callbacks
) -> None:
    schedule = services.schedule_create(actor=host, spec=_spec(area))
    before = events.current_sequences(_groups(area))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.schedule_create(actor=host, spec=_spec(area, title="Rolled back"))
            services.schedule_update(actor=host, schedule_id=schedule.pk, spec=_spec(area, occurrences=12))
            raise RuntimeError("the surrounding request failed")
        # A refused edit changes nothing and announces nothing either.
        with pytest.raises(ServiceError):
            services.schedule_update(actor=host, schedule_id=schedule.pk, spec=_spec(area, seats=0))
    assert callbacks == []
    assert events.current_sequences(_groups(area)) == before
    assert DropInSession.objects.filter(schedule=schedule).count() == 10


@pytest.mark.django_db
def test_a_schedule_edit_announces_the_figures_once_however_many_sessions_changed(
    host, isva, area, sent, django_capture_on_commit_callbacks
) -> None:
    schedule = services.schedule_create(actor=host, spec=_spec(area))
    first = schedule.sessions.order_by("starts_at").first()
    services.booking_create(actor=isva, session_id=first.pk, topic=Topic.PROCESS)
    before = events.current_sequences(_groups(area))
    channels = _listen(_groups(area))
    sent.clear()
    # New times for every session, fewer seats, and two dates dropped: 8 updated, 2 cancelled.
    with django_capture_on_commit_callbacks(execute=True):
        change = services.schedule_update(
            actor=host,
            schedule_id=schedule.pk,
            spec=_spec(area, start_time=time(14, 0), end_time=time(15, 0), seats=3, occurrences=8),
        )
    assert (change.updated, change.cancelled) == (8, 2)
    after = events.current_sequences(_groups(area))
    assert all(after[group] == before[group] + 1 for group in after)
    assert _governance(sent) == [(group, "dropins.schedule") for group in _groups(area)]
    for channel in channels.values():
        message = layer_receive(channel)
        assert message["kind"] == "dropins.schedule" and message["data"]["schedule_id"] == schedule.pk
    # An edit that changes no session announces nothing.
    with django_capture_on_commit_callbacks(execute=True):
        change = services.schedule_update(
            actor=host,
            schedule_id=schedule.pk,
            spec=_spec(area, start_time=time(14, 0), end_time=time(15, 0), seats=3, occurrences=8),
        )
    assert (change.created, change.updated, change.cancelled) == (0, 0, 0)
    assert events.current_sequences(_groups(area)) == after


@pytest.mark.django_db
def test_cancelling_one_session_announces_the_figures(host, area, django_capture_on_commit_callbacks) -> None:
    schedule = services.schedule_create(actor=host, spec=_spec(area))
    session = schedule.sessions.order_by("starts_at").first()
    channels = _listen(_groups(area))
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(actor=host, session_id=session.pk)
    for channel in channels.values():
        message = layer_receive(channel)
        assert message["kind"] == "dropins.stats" and message["data"]["session_id"] == session.pk


def _offered(client, url: str) -> str:
    match = re.search(r'data-figure="sessions_offered">([^<]*)<', client.get(url).content.decode())
    assert match
    return match.group(1)


@pytest.mark.django_db
def test_dashboard_figures_follow_schedule_changes_on_the_next_read(host, area, governance_member) -> None:
    """The figures cache is keyed by the dashboards' sequence numbers: each change moves it on."""
    client = signed_in_client(governance_member)
    urls = [reverse("governance:national"), reverse("governance:area", args=[area.pk])]
    assert [_offered(client, url) for url in urls] == ["0", "0"]  # cached now
    schedule = services.schedule_create(actor=host, spec=_spec(area))
    assert [_offered(client, url) for url in urls] == ["10", "10"]
    services.schedule_update(actor=host, schedule_id=schedule.pk, spec=_spec(area, occurrences=12))
    assert [_offered(client, url) for url in urls] == ["12", "12"]
    services.schedule_update(actor=host, schedule_id=schedule.pk, spec=_spec(area, occurrences=9))
    assert [_offered(client, url) for url in urls] == ["9", "9"]
    session = DropInSession.objects.filter(schedule=schedule, status=SessionStatus.SCHEDULED).first()
    services.session_cancel(actor=host, session_id=session.pk)
    assert [_offered(client, url) for url in urls] == ["8", "8"]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_dashboard_socket_receives_a_new_schedules_figures(host, area, governance_member) -> None:
    sockets = []
    for path in ("/ws/governance/national/", f"/ws/governance/area/{area.pk}/"):
        communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
        communicator.scope["user"] = governance_member
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["kind"] == "hello"
        sockets.append(communicator)
    await database_sync_to_async(lambda: services.schedule_create(actor=host, spec=_spec(area)))()
    for communicator, group in zip(
        sockets, ["governance.national", f"governance.area.{area.pk}"], strict=True
    ):
        message = await communicator.receive_json_from(timeout=5)
        assert message["kind"] == "governance.figures" and message["group"] == group
        assert 'data-figure="sessions_offered">10<' in message["html"]
        assert await communicator.receive_nothing(timeout=0.3)  # one frame for the whole schedule
        await communicator.disconnect()

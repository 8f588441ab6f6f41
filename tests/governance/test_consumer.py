"""The live dashboard consumer: subscription checked per dashboard, figures re-read as the viewer."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from agencies.dropins.models import BookingStatus
from agencies.realtime import events
from scrutiny.governance.routing import websocket_urlpatterns
from tests.factories.dropins import BookingFactory, DropInScheduleFactory, DropInSessionFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _connect(user, path: str):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_dashboard_updates_live_when_a_figure_is_recorded(governance_member, cps_agency) -> None:
    communicator, connected, _ = await _connect(governance_member, "/ws/governance/national/")
    assert connected
    hello = await communicator.receive_json_from()
    assert hello["kind"] == "hello" and "governance.national" in hello["seq"]

    def record() -> None:
        schedule = DropInScheduleFactory(host_agency=cps_agency)
        for _ in range(7):
            DropInSessionFactory(schedule=schedule)
        events.publish(
            events.governance_national_group(), events.GovernanceFiguresChanged(area_id=cps_agency.area_id)
        )

    await database_sync_to_async(record)()
    message = await communicator.receive_json_from(timeout=5)
    assert message["kind"] == "governance.figures"
    assert message["group"] == "governance.national" and message["seq"] == 1
    assert 'data-figure="sessions_offered">7<' in message["html"]
    await communicator.disconnect()


async def test_a_booking_through_the_service_reaches_the_area_dashboard(
    governance_member, cps_agency, isva
) -> None:
    from agencies.dropins import services

    session = await database_sync_to_async(
        lambda: DropInSessionFactory(
            schedule=DropInScheduleFactory(host_agency=cps_agency, allowed_areas=[cps_agency.area])
        )
    )()
    communicator, connected, _ = await _connect(
        governance_member, f"/ws/governance/area/{cps_agency.area_id}/"
    )
    assert connected
    await communicator.receive_json_from()
    await database_sync_to_async(
        lambda: services.booking_create(
            actor=isva, session_id=session.pk, topic="process", question="", accessibility_needs=""
        )
    )()
    message = await communicator.receive_json_from(timeout=5)
    assert message["kind"] == "governance.figures"
    assert message["group"] == f"governance.area.{cps_agency.area_id}"
    await communicator.disconnect()


async def test_subscriptions_are_checked_per_dashboard(
    area_governance_member, isva, area, other_area
) -> None:
    for user, path, expected in (
        (isva, "/ws/governance/national/", 4403),
        (isva, f"/ws/governance/area/{area.pk}/", 4403),
        (area_governance_member, "/ws/governance/national/", 4403),
        (area_governance_member, f"/ws/governance/area/{other_area.pk}/", 4403),
        (area_governance_member, "/ws/governance/area/999999/", 4403),
    ):
        communicator, connected, code = await _connect(user, path)
        assert not connected and code == expected, (user, path)
    communicator, connected, _ = await _connect(area_governance_member, f"/ws/governance/area/{area.pk}/")
    assert connected
    await communicator.disconnect()


async def test_losing_governance_access_closes_the_dashboard_socket(governance_member) -> None:
    communicator, connected, _ = await _connect(governance_member, "/ws/governance/national/")
    assert connected
    await communicator.receive_json_from()

    def revoke() -> None:
        governance_member.groups.clear()
        events.access_changed(governance_member.pk)

    await database_sync_to_async(revoke)()
    output = await communicator.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 4403}
    await communicator.disconnect()


async def test_suppression_applies_to_live_updates(governance_member, cps_agency) -> None:
    communicator, _, _ = await _connect(governance_member, "/ws/governance/national/")
    await communicator.receive_json_from()

    def record() -> None:
        session = DropInSessionFactory(schedule=DropInScheduleFactory(host_agency=cps_agency))
        BookingFactory(session=session, status=BookingStatus.CONFIRMED)
        events.publish(events.governance_national_group(), events.GovernanceFiguresChanged(area_id=None))

    await database_sync_to_async(record)()
    message = await communicator.receive_json_from(timeout=5)
    assert 'data-figure="confirmed">suppressed<' in message["html"]
    await communicator.disconnect()


async def test_a_selector_refusal_closes_the_socket_even_without_an_access_event(governance_member) -> None:
    communicator, _, _ = await _connect(governance_member, "/ws/governance/national/")
    await communicator.receive_json_from()

    def revoke_quietly_then_publish() -> None:
        governance_member.groups.clear()
        # The consumer's user object caches permissions: make the selector see the change.
        for cache_name in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            governance_member.__dict__.pop(cache_name, None)
        events.publish(events.governance_national_group(), events.GovernanceFiguresChanged(area_id=None))

    await database_sync_to_async(revoke_quietly_then_publish)()
    output = await communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 4403}
    await communicator.disconnect()


async def test_one_event_is_rendered_once_for_every_open_dashboard_of_the_process(
    governance_member, national_agency, cps_agency, monkeypatch
) -> None:
    """Aggregate figures: one read and one render per event per process, the same frame to each
    socket; the permission check still runs per socket (a member who lost access is closed)."""
    from agencies.roles import Role
    from scrutiny.governance import figures
    from tests.factories import UserFactory

    colleague, leaver = await database_sync_to_async(
        lambda: [
            UserFactory(
                email=f"{name}@national.example.org", agency=national_agency, roles=[Role.GOVERNANCE_MEMBER]
            )
            for name in ("colleague", "leaver")
        ]
    )()
    reads = []
    real = figures.dashboard_for

    def counting(**kwargs):
        reads.append(kwargs["viewer"])
        return real(**kwargs)

    monkeypatch.setattr(figures, "dashboard_for", counting)
    sockets = []
    for user in (governance_member, colleague, leaver):
        communicator, connected, _ = await _connect(user, "/ws/governance/national/")
        assert connected
        await communicator.receive_json_from()
        sockets.append(communicator)

    def record() -> None:
        DropInSessionFactory(schedule=DropInScheduleFactory(host_agency=cps_agency))
        leaver.groups.clear()
        for cache_name in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            leaver.__dict__.pop(cache_name, None)
        events.publish(events.governance_national_group(), events.GovernanceFiguresChanged(area_id=None))

    await database_sync_to_async(record)()
    first = await sockets[0].receive_json_from(timeout=5)
    second = await sockets[1].receive_json_from(timeout=5)
    assert first == second and first["kind"] == "governance.figures" and first["seq"] == 1
    assert await sockets[2].receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    assert len(reads) == 1
    for communicator in sockets:
        await communicator.disconnect()


async def test_an_area_dashboard_whose_area_has_gone_closes_instead_of_showing_other_figures(
    governance_member, cps_agency
) -> None:
    """Not the national figures in its place (the area lookup gives nothing: the socket closes)."""
    from tests.factories import AreaFactory

    gone = await database_sync_to_async(AreaFactory)()
    communicator, connected, _ = await _connect(governance_member, f"/ws/governance/area/{gone.pk}/")
    assert connected
    await communicator.receive_json_from()

    def remove_then_publish() -> None:
        area_id = gone.pk
        DropInSessionFactory(schedule=DropInScheduleFactory(host_agency=cps_agency))
        gone.delete()
        events.publish(
            events.governance_area_group(area_id), events.GovernanceFiguresChanged(area_id=area_id)
        )

    await database_sync_to_async(remove_then_publish)()
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    await communicator.disconnect()

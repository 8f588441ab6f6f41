"""Open sockets re-check their authorisation: on access_changed, on sign-out (only the socket of
the session that signed out), when the session expires, and when the account is deactivated."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from agencies import permissions
from agencies.realtime import events
from agencies.realtime.consumers import NotificationConsumer, RealtimeConsumer
from agencies.roles import Role
from tests.conftest import signed_in_client

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


class GovernanceOnly(RealtimeConsumer):
    """A consumer whose subscription depends on a capability, like the governance dashboard."""

    def authorised_groups(self) -> list[str]:
        if not permissions.has(self.user, permissions.Perm.VIEW_GOVERNANCE):
            return []
        return [events.governance_national_group()]

    def render_event(self, message: dict[str, Any]) -> dict[str, Any] | None:
        return {"kind": message["kind"], "group": message["group"], "seq": message["seq"]}


def _session_key_for(user) -> str:
    client = signed_in_client(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _open(consumer: type[RealtimeConsumer], user, session_key: str | None = None):
    communicator = WebsocketCommunicator(consumer.as_asgi(), "/ws/test/")
    communicator.scope["user"] = user
    if session_key is not None:
        communicator.scope["session"] = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["kind"] == "hello"
    return communicator


async def _closed_with(communicator: WebsocketCommunicator, timeout: float = 3) -> int:
    output = await communicator.receive_output(timeout=timeout)
    assert output["type"] == "websocket.close", output
    return output["code"]


async def test_socket_closes_4403_when_the_capability_is_removed(governance_member) -> None:
    communicator = await _open(GovernanceOnly, governance_member)

    def revoke() -> None:
        governance_member.groups.remove(Group.objects.get(name=Role.GOVERNANCE_MEMBER.value))
        events.access_changed(governance_member.pk)

    await database_sync_to_async(revoke)()
    assert await _closed_with(communicator) == 4403
    await communicator.disconnect()


async def test_socket_stays_open_when_access_is_unchanged(governance_member) -> None:
    communicator = await _open(GovernanceOnly, governance_member)
    await database_sync_to_async(events.access_changed)(governance_member.pk)
    # The control group is not one the client tracks, so nothing is sent and the socket stays.
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.send_json_to({"kind": "ping"})
    assert await communicator.receive_json_from() == {"kind": "pong"}
    await communicator.disconnect()


async def test_notification_socket_keeps_its_sequence_continuous_on_access_changed(isva) -> None:
    communicator = await _open(NotificationConsumer, isva)
    await database_sync_to_async(events.access_changed)(isva.pk)
    frame = await communicator.receive_json_from()
    assert frame == {"kind": "access.changed", "group": f"user.{isva.pk}", "seq": 1}
    await communicator.disconnect()


async def test_other_consumers_ignore_notifications_on_the_control_group(governance_member) -> None:
    from agencies.services import notification_send

    communicator = await _open(GovernanceOnly, governance_member)
    await database_sync_to_async(notification_send)(recipient=governance_member, title="Hello")
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_deactivation_closes_the_socket(isva) -> None:
    key = await database_sync_to_async(_session_key_for)(isva)
    communicator = await _open(NotificationConsumer, isva, key)

    def deactivate() -> None:
        isva.is_active = False
        isva.save(update_fields=["is_active"])
        events.access_changed(isva.pk)

    await database_sync_to_async(deactivate)()
    assert await _closed_with(communicator) == 4403
    await communicator.disconnect()


async def test_sign_out_closes_that_sessions_socket_and_not_another_browsers(isva) -> None:
    client = await database_sync_to_async(signed_in_client)(isva)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    other_key = await database_sync_to_async(_session_key_for)(isva)
    signing_out = await _open(NotificationConsumer, isva, key)
    staying = await _open(NotificationConsumer, isva, other_key)

    response = await database_sync_to_async(client.post)(reverse("agencies:sign-out"))
    assert response.status_code == 302
    assert await _closed_with(signing_out) == 4401
    # The other browser's socket re-checked too, is still valid, and stays open.
    assert (await staying.receive_json_from())["kind"] == "access.changed"
    await staying.send_json_to({"kind": "ping"})
    assert await staying.receive_json_from() == {"kind": "pong"}
    await signing_out.disconnect()
    await staying.disconnect()


async def test_an_expired_session_closes_the_socket_by_itself(isva, settings) -> None:
    settings.REALTIME_RECHECK_SECONDS = 0.2
    key = await database_sync_to_async(_session_key_for)(isva)
    communicator = await _open(NotificationConsumer, isva, key)
    await communicator.send_json_to({"kind": "ping"})
    assert await communicator.receive_json_from() == {"kind": "pong"}
    await database_sync_to_async(
        lambda: Session.objects.filter(session_key=key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
    )()
    assert await _closed_with(communicator, timeout=3) == 4401
    await communicator.disconnect()


async def test_a_changed_password_closes_the_socket(isva) -> None:
    key = await database_sync_to_async(_session_key_for)(isva)
    communicator = await _open(NotificationConsumer, isva, key)

    def change_password() -> None:
        isva.set_password("another-long-password-2026")
        isva.save()
        events.access_changed(isva.pk)

    await database_sync_to_async(change_password)()
    assert await _closed_with(communicator) == 4401
    await communicator.disconnect()


async def test_events_are_not_rendered_after_the_socket_closed(governance_member) -> None:
    communicator = await _open(GovernanceOnly, governance_member)

    def revoke_then_publish() -> None:
        governance_member.groups.clear()
        events.access_changed(governance_member.pk)

    await database_sync_to_async(revoke_then_publish)()
    assert await _closed_with(communicator) == 4403
    await asyncio.sleep(0)
    await communicator.disconnect()


def _set_session(key: str, **values: Any) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    for name, value in values.items():
        store[name] = value
    store.save()


async def _close_time(communicator: WebsocketCommunicator, timeout: float) -> tuple[int, float]:
    output = await communicator.receive_output(timeout=timeout)
    assert output["type"] == "websocket.close", output
    return output["code"], time.time()


async def test_the_socket_closes_at_the_moment_the_session_expires(isva, settings) -> None:
    """Not up to REALTIME_RECHECK_SECONDS later: the consumer wakes at the expiry date."""
    settings.REALTIME_RECHECK_SECONDS = 600
    key = await database_sync_to_async(_session_key_for)(isva)
    expires = timezone.now() + timedelta(seconds=1.5)
    await database_sync_to_async(
        lambda: Session.objects.filter(session_key=key).update(expire_date=expires)
    )()
    communicator = await _open(NotificationConsumer, isva, key)
    code, closed_at = await _close_time(communicator, timeout=5)
    assert code == 4401
    assert expires.timestamp() <= closed_at <= expires.timestamp() + 1.0
    await communicator.disconnect()


async def test_the_socket_closes_at_the_idle_deadline_and_activity_moves_it(panel_member, settings) -> None:
    """Case roles are signed out after SESSION_IDLE_TIMEOUT_SECONDS without a request (the access
    middleware); their socket closes at that moment, unless a request elsewhere moved it on."""
    from agencies import mfa
    from agencies.middleware import LAST_ACTIVITY_SESSION_KEY

    assert await database_sync_to_async(mfa.needs_mfa)(panel_member)
    settings.REALTIME_RECHECK_SECONDS = 600
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 2
    key = await database_sync_to_async(_session_key_for)(panel_member)
    started = int(time.time())
    await database_sync_to_async(_set_session)(key, **{LAST_ACTIVITY_SESSION_KEY: started})
    communicator = await _open(NotificationConsumer, panel_member, key)
    # A request in another tab one second later: the deadline moves from started+2 to started+3.
    await asyncio.sleep(max(0.0, started + 1 - time.time()))
    await database_sync_to_async(_set_session)(key, **{LAST_ACTIVITY_SESSION_KEY: started + 1})
    assert await communicator.receive_nothing(timeout=max(0.1, started + 2.5 - time.time()))
    code, closed_at = await _close_time(communicator, timeout=5)
    assert code == 4401
    assert started + 3 <= closed_at <= started + 4.0
    await communicator.disconnect()


async def test_a_session_already_idle_too_long_cannot_open_a_socket(panel_member, settings) -> None:
    from agencies.middleware import LAST_ACTIVITY_SESSION_KEY

    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    key = await database_sync_to_async(_session_key_for)(panel_member)
    await database_sync_to_async(_set_session)(key, **{LAST_ACTIVITY_SESSION_KEY: int(time.time()) - 61})
    communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/test/")
    communicator.scope["user"] = panel_member
    communicator.scope["session"] = import_module(settings.SESSION_ENGINE).SessionStore(key)
    connected, code = await communicator.connect()
    assert not connected and code == 4401

"""Redis outage on a private redis-server (never the shared one): HTTP keeps serving, publishing
neither blocks nor raises, and live updates resume by themselves within 10 s of Redis returning."""

from __future__ import annotations

import http.cookies
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from channels.layers import channel_layers
from django.conf import settings
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from agencies.services import notification_send
from tests.conftest import database_url_for_subprocess
from tests.live import LiveServer, session_cookie_for, start_daphne, ws_connect
from tests.platform.redis_server import PrivateRedis

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

RESUME_WITHIN = 10.0


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def layer_on(private_redis: PrivateRedis, settings) -> Iterator[None]:
    """Point this test process's channel layer (what services publish through) at the private Redis."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": private_redis.url, "socket_connect_timeout": 1, "socket_timeout": 15}],
                "prefix": settings.TEST_CHANNEL_PREFIX,  # what the live daphne uses
            },
        }
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def daphne_on_private_redis(private_redis: PrivateRedis, layer_on: None) -> Iterator[LiveServer]:
    server = start_daphne(database_url_for_subprocess(), extra_env={"REDIS_URL": private_redis.url})
    yield server
    server.stop()


def _get(server: LiveServer, path: str, cookie: str) -> tuple[int, float]:
    jar = http.cookies.SimpleCookie()
    jar[settings.SESSION_COOKIE_NAME] = cookie
    request = urllib.request.Request(  # noqa: S310 - loopback test server
        f"{server.url}{path}", headers={"Cookie": jar.output(header="", attrs=[]).strip()}
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, time.monotonic() - started


def _next_event(ws: Any, kind: str, timeout: float) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic())))
        except TimeoutError:
            return None
        if message.get("kind") == kind:
            return message
    return None


def test_redis_outage_http_serves_publish_is_bounded_and_live_updates_resume(
    isva, private_redis: PrivateRedis, daphne_on_private_redis: LiveServer
) -> None:
    server = daphne_on_private_redis
    cookie = session_cookie_for(isva)
    ws = ws_connect(server, "/ws/notifications/", user=isva)
    hello = json.loads(ws.recv(timeout=5))
    assert hello["kind"] == "hello"
    # An idle socket outlives channels-redis' 5 s blocking read (regression: redis-py's default
    # 5 s socket timeout used to kill every idle consumer with close code 1011).
    time.sleep(6.5)
    notification_send(recipient=isva, title="Before the outage")
    assert _next_event(ws, "notification.created", 5) is not None

    private_redis.stop()

    # Publishing during the outage neither raises nor blocks the request for long.
    started = time.monotonic()
    notification_send(recipient=isva, title="During the outage")
    assert time.monotonic() - started < 2.5
    # HTTP keeps serving (the cache degrades to misses), quickly.
    for path in ("/", "/account/notifications/"):
        status, elapsed = _get(server, path, cookie)
        assert status == 200, path
        assert elapsed < 3, (path, elapsed)

    # The health check says so (503), quickly, for the load balancer.
    with pytest.raises(urllib.error.HTTPError) as unhealthy:
        _get(server, "/healthz", cookie)
    assert unhealthy.value.code == 503

    private_redis.start()
    back = time.monotonic()
    # The client does what frontend/js/realtime.js does: if its socket was dropped, reconnect with
    # (capped) backoff; the hello's sequence numbers then show the gap, so it re-fetches.
    resumed_after = None
    delay = 0.25
    while time.monotonic() - back < RESUME_WITHIN + 5:
        try:
            ws.send(json.dumps({"kind": "ping"}))
            probe = notification_send(recipient=isva, title="Probe")
            event = _next_event(ws, "notification.created", 1.0)
            if event is not None and event["notification"]["id"] == probe.pk:
                resumed_after = time.monotonic() - back
                break
        except (ConnectionClosed, OSError):
            try:
                ws = ws_connect(server, "/ws/notifications/", user=isva)
                hello = json.loads(ws.recv(timeout=5))
                if hello.get("kind") != "hello":
                    raise ConnectionClosed(None, None)
            except (ConnectionClosed, InvalidHandshake, InvalidStatus, OSError, TimeoutError):
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
    ws.close()
    assert resumed_after is not None, f"live updates did not resume; daphne log:\n{server.log()[-3000:]}"
    assert resumed_after < RESUME_WITHIN

"""Prometheus metrics (config.metrics): what is counted, how it is labelled (route names, never
paths), and who may read /metrics (holders of METRICS_TOKEN only)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from prometheus_client import REGISTRY

import config.metrics
from agencies.dropins import services as dropin_services
from agencies.dropins.models import Topic
from agencies.errors import Conflict, NotFound
from agencies.realtime.consumers import NotificationConsumer
from agencies.services import notification_send
from config.metrics import WebSocketMetricsMiddleware
from tests.factories.dropins import DropInScheduleFactory, DropInSessionFactory

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-0123456789abcdef"


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(client, token: str = TOKEN) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


# --- access ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_metrics_are_off_while_no_token_is_set(client, settings) -> None:
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    [None, "", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer", f"Token {TOKEN}"],
)
def test_metrics_refuse_anything_but_the_bearer_token_with_a_404(client, settings, authorization) -> None:
    settings.METRICS_TOKEN = TOKEN
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = client.get("/metrics", **headers)
    assert response.status_code == 404
    assert b"scrutiny_" not in response.content


@pytest.mark.django_db
def test_the_token_is_compared_in_constant_time(client, settings, monkeypatch) -> None:
    settings.METRICS_TOKEN = TOKEN
    calls = []
    real = config.metrics.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(config.metrics.hmac, "compare_digest", spy)
    scrape(client)
    assert calls == [(TOKEN.encode(), TOKEN.encode())]


@pytest.mark.django_db
def test_a_post_to_metrics_is_refused_too(client, settings) -> None:
    settings.METRICS_TOKEN = TOKEN
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


# --- HTTP ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_requests_are_counted_and_timed_by_route_name_never_by_path(client, settings) -> None:
    settings.METRICS_TOKEN = TOKEN
    before = value("scrutiny_http_requests_total", route="healthz-live", method="GET", status="200")
    timed = value("scrutiny_http_request_duration_seconds_count", route="healthz-live", method="GET")
    client.get("/healthz/live")  # answered by middleware, before URL resolution
    client.get("/healthz/live")
    # A path holding a secret token: resolved to its route name.
    client.get("/account/invitation/SEKRIT-invitation-token-qzxwv/")
    client.get("/no.such/path.txt")
    body = scrape(client)
    after = value("scrutiny_http_requests_total", route="healthz-live", method="GET", status="200")
    assert after - before == 2
    assert (
        value("scrutiny_http_request_duration_seconds_count", route="healthz-live", method="GET") == timed + 2
    )
    assert 'route="agencies:invitation-accept"' in body
    # (letters only: digits of a token could turn up inside a timestamp of the exposition)
    assert "SEKRIT" not in body and "qzxwv" not in body and "no.such" not in body


class CountingResolver:
    """Stands in for a URL resolver: answers a route name for /known/, 404 otherwise, and counts."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def resolve(self, path: str):  # noqa: ANN201
        from django.urls import Resolver404

        self.calls.append(path)
        if path != "/known/":
            raise Resolver404({"path": path})
        return type("Match", (), {"view_name": "known-route"})()


def test_a_path_answered_before_url_resolution_is_resolved_once_per_resolver(monkeypatch, rf) -> None:
    resolver = CountingResolver()
    monkeypatch.setattr(config.metrics, "get_resolver", lambda urlconf=None: resolver)
    config.metrics._resolved_route.cache_clear()
    names = [config.metrics.route_name(rf.get(path)) for path in ("/known/", "/known/", "/gone/", "/gone/")]
    assert names == ["known-route", "known-route", config.metrics.UNMATCHED, config.metrics.UNMATCHED]
    assert resolver.calls == ["/known/", "/gone/"]
    other = CountingResolver()  # a new resolver (clear_url_caches): worked out afresh
    monkeypatch.setattr(config.metrics, "get_resolver", lambda urlconf=None: other)
    assert config.metrics.route_name(rf.get("/known/")) == "known-route"
    assert other.calls == ["/known/"]


def test_a_changed_urlconf_is_not_answered_from_the_remembered_routes(rf, settings) -> None:
    assert config.metrics.route_name(rf.get("/healthz/live")) == "healthz-live"
    settings.ROOT_URLCONF = "bench.minimal_project.urls"  # no health probes there
    assert config.metrics.route_name(rf.get("/healthz/live")) == config.metrics.UNMATCHED


@pytest.mark.django_db
def test_unknown_methods_share_one_label(client) -> None:
    before = value("scrutiny_http_requests_total", route="healthz-live", method="other", status="405")
    client.generic("BREW", "/healthz/live")
    assert (
        value("scrutiny_http_requests_total", route="healthz-live", method="other", status="405")
        == before + 1
    )


# --- cache -----------------------------------------------------------------------------------------
def test_cache_hits_and_misses_are_counted() -> None:
    hits, misses = (
        value("scrutiny_cache_requests_total", result="hit"),
        value("scrutiny_cache_requests_total", result="miss"),
    )
    assert cache.get("metrics-probe") is None
    cache.set("metrics-probe", 0)
    assert cache.get("metrics-probe") == 0  # a falsy value is still a hit
    assert cache.get("metrics-probe-absent", "fallback") == "fallback"
    assert cache.get_many(["metrics-probe", "metrics-probe-absent"]) == {"metrics-probe": 0}
    assert value("scrutiny_cache_requests_total", result="hit") == hits + 2
    assert value("scrutiny_cache_requests_total", result="miss") == misses + 3


# --- bookings --------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_booking_outcomes_are_counted_booked_waitlisted_and_refused(
    cps_agency, area, isva, other_agency_isva, roles
) -> None:
    from tests.factories import UserFactory

    schedule = DropInScheduleFactory(host_agency=cps_agency, allowed_areas=[area])
    session = DropInSessionFactory(
        schedule=schedule, starts_at=timezone.now() + timedelta(days=3), capacity=1
    )
    from agencies.roles import Role

    second = UserFactory(agency=isva.agency, roles=[Role.ISVA])
    start = {
        key: value("scrutiny_bookings_total", outcome=outcome, code=code)
        for key, (outcome, code) in {
            "booked": ("booked", ""),
            "waitlisted": ("waitlisted", ""),
            "duplicate": ("refused", "duplicate"),
            "not_found": ("refused", "not_found"),
        }.items()
    }
    dropin_services.booking_create(actor=isva, session_id=session.pk, topic=Topic.PROCESS)
    dropin_services.booking_create(actor=second, session_id=session.pk, topic=Topic.PROCESS)
    with pytest.raises(Conflict):
        dropin_services.booking_create(actor=isva, session_id=session.pk, topic=Topic.PROCESS)
    with pytest.raises(NotFound):  # another area's ISVA may not book this schedule
        dropin_services.booking_create(actor=other_agency_isva, session_id=session.pk, topic=Topic.PROCESS)
    assert value("scrutiny_bookings_total", outcome="booked", code="") == start["booked"] + 1
    assert value("scrutiny_bookings_total", outcome="waitlisted", code="") == start["waitlisted"] + 1
    assert value("scrutiny_bookings_total", outcome="refused", code="duplicate") == start["duplicate"] + 1
    assert value("scrutiny_bookings_total", outcome="refused", code="not_found") == start["not_found"] + 1


@pytest.mark.django_db
def test_a_booking_rolled_back_is_not_counted(cps_agency, area, isva) -> None:
    from django.db import transaction

    schedule = DropInScheduleFactory(host_agency=cps_agency, allowed_areas=[area])
    session = DropInSessionFactory(schedule=schedule, starts_at=timezone.now() + timedelta(days=3))
    before = value("scrutiny_bookings_total", outcome="booked", code="")
    with pytest.raises(RuntimeError), transaction.atomic():
        dropin_services.booking_create(actor=isva, session_id=session.pk, topic=Topic.PROCESS)
        raise RuntimeError("the surrounding work failed")
    assert value("scrutiny_bookings_total", outcome="booked", code="") == before


# --- WebSockets and realtime -----------------------------------------------------------------------
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_open_sockets_and_realtime_events_published_and_delivered(isva) -> None:
    kind = "notification.created"
    with override_settings(
        CHANNEL_LAYERS={"default": {"BACKEND": "config.metrics.MeteredInMemoryChannelLayer"}}
    ):
        channel_layers.backends.clear()
        try:
            open_before = value("scrutiny_websockets_open")
            published = value("scrutiny_realtime_events_published_total", kind=kind)
            delivered = value("scrutiny_realtime_events_delivered_total", kind=kind)
            app = WebSocketMetricsMiddleware(NotificationConsumer.as_asgi())
            communicator = WebsocketCommunicator(app, "/ws/notifications/")
            communicator.scope["user"] = isva
            connected, _ = await communicator.connect()
            assert connected
            assert value("scrutiny_websockets_open") == open_before + 1
            assert (await communicator.receive_json_from())["kind"] == "hello"  # not an event
            await database_sync_to_async(notification_send)(recipient=isva, title="Seat confirmed")
            assert (await communicator.receive_json_from(timeout=5))["kind"] == kind
            await communicator.send_json_to({"kind": "ping"})
            assert (await communicator.receive_json_from())["kind"] == "pong"  # not an event either
            assert value("scrutiny_realtime_events_published_total", kind=kind) == published + 1
            assert value("scrutiny_realtime_events_delivered_total", kind=kind) == delivered + 1
            assert value("scrutiny_realtime_events_delivered_total", kind="hello") == 0
            await communicator.disconnect()
            assert value("scrutiny_websockets_open") == open_before
        finally:
            channel_layers.backends.clear()


@pytest.mark.asyncio
async def test_a_refused_socket_is_never_counted_open() -> None:
    from django.contrib.auth.models import AnonymousUser

    before = value("scrutiny_websockets_open")
    communicator = WebsocketCommunicator(
        WebSocketMetricsMiddleware(NotificationConsumer.as_asgi()), "/ws/notifications/"
    )
    communicator.scope["user"] = AnonymousUser()
    connected, _ = await communicator.connect()
    assert not connected and value("scrutiny_websockets_open") == before


def test_the_websocket_stack_of_config_asgi_counts_sockets() -> None:
    from config.asgi import application

    assert isinstance(application.application_mapping["websocket"].app, WebSocketMetricsMiddleware)


# --- several processes -----------------------------------------------------------------------------
WORKER = """
import django, os
django.setup()
from config.metrics import HTTP_REQUESTS
HTTP_REQUESTS.labels("healthz-live", "GET", "200").inc(int(os.environ["N"]))
"""
SCRAPE = """
import django
django.setup()
from prometheus_client import generate_latest
from config.metrics import _registry
print(generate_latest(_registry()).decode())
"""


@pytest.mark.slow
def test_multiprocess_mode_adds_up_every_workers_samples(tmp_path) -> None:
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    for n in ("2", "3"):
        subprocess.run([sys.executable, "-c", WORKER], cwd=ROOT, env={**env, "N": n}, check=True, timeout=120)
    out = subprocess.run(
        [sys.executable, "-c", SCRAPE],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stdout
    assert 'scrutiny_http_requests_total{method="GET",route="healthz-live",status="200"} 5.0' in out


# --- end to end, in a real daphne process ------------------------------------------------------------
@pytest.fixture
def metrics_server(django_db_setup, django_db_blocker):
    from tests.conftest import database_url_for_subprocess
    from tests.live import start_daphne

    with django_db_blocker.unblock():
        database_url = database_url_for_subprocess()
    server = start_daphne(database_url, extra_env={"METRICS_TOKEN": TOKEN, "LOG_FORMAT": "json"})
    yield server
    server.stop()


def _scrape_live(server) -> dict[str, float]:
    import urllib.request

    request = urllib.request.Request(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, number = line.rpartition(" ")
            samples[name] = float(number)
    return samples


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_daphne_returns_request_ids_and_counts_sockets_and_events(metrics_server, isva) -> None:
    import json
    import urllib.request

    from websockets.sync.client import connect

    from tests.e2e.test_websockets import _post_as
    from tests.live import session_cookie_for

    with urllib.request.urlopen(  # noqa: S310
        urllib.request.Request(f"{metrics_server.url}/healthz/live", headers={"X-Request-ID": "e2e-http-1"}),
        timeout=10,
    ) as response:
        assert response.headers["X-Request-ID"] == "e2e-http-1"
    from django.conf import settings

    from tests.factories import NotificationFactory

    NotificationFactory.create_batch(2, recipient=isva)  # something to mark read: an event
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie_for(isva)}"
    with connect(
        f"{metrics_server.ws_url}/ws/notifications/",
        origin=metrics_server.url,
        additional_headers={"Cookie": cookie, "X-Request-ID": "e2e-socket-1"},
        open_timeout=10,
    ) as socket:
        # daphne 4 ignores the headers of an ASGI websocket.accept: the ID stays server-side here
        # (scope and log lines, tests/config/test_logging_json.py).
        assert "X-Request-ID" not in socket.response.headers
        assert json.loads(socket.recv(timeout=5))["kind"] == "hello"
        assert _scrape_live(metrics_server)["scrutiny_websockets_open"] == 1
        assert _post_as(metrics_server, isva, "/account/notifications/read/") == 200
        assert json.loads(socket.recv(timeout=5))["kind"] == "notifications.read"
    samples = _scrape_live(metrics_server)
    assert samples['scrutiny_realtime_events_published_total{kind="notifications.read"}'] == 1
    assert samples['scrutiny_realtime_events_delivered_total{kind="notifications.read"}'] == 1
    assert samples['scrutiny_http_requests_total{method="GET",route="healthz-live",status="200"}'] == 1

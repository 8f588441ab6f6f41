"""Prometheus metrics, served at /metrics to holders of settings.METRICS_TOKEN only.

Every label value comes from the code, never from the request: routes are resolved URL pattern
names (a raw path could carry ids), methods are the standard ones, event kinds and booking refusal
codes are names the code defines. With several worker processes (gunicorn's workers, the daphne
processes), set PROMETHEUS_MULTIPROC_DIR (docs/operations.md, "Metrics"): each process then writes
its samples there and /metrics answers for all of them.
"""

from __future__ import annotations

import functools
import hmac
import os
import re
import time
from collections.abc import Callable
from typing import Any

from channels.layers import InMemoryChannelLayer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache.backends.base import BaseCache
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, URLResolver, get_resolver, get_urlconf
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

HTTP_REQUESTS = Counter(
    "scrutiny_http_requests_total",
    "HTTP requests answered, by resolved route name, method and status code.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "scrutiny_http_request_duration_seconds",
    "Time from the request reaching Django's middleware to the response leaving it.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
WEBSOCKETS_OPEN = Gauge(
    "scrutiny_websockets_open",
    "WebSocket connections accepted and not yet closed.",
    multiprocess_mode="livesum",
)
REALTIME_PUBLISHED = Counter(
    "scrutiny_realtime_events_published_total",
    "Realtime events handed to the channel layer (agencies.realtime.events.publish), by kind.",
    ["kind"],
)
REALTIME_DELIVERED = Counter(
    "scrutiny_realtime_events_delivered_total",
    "Realtime event frames written to a WebSocket, one per socket, by frame kind.",
    ["kind"],
)
BOOKINGS = Counter(
    "scrutiny_bookings_total",
    "Drop-in booking attempts by outcome (booked, waitlisted, refused) and refusal code.",
    ["outcome", "code"],
)
CACHE_REQUESTS = Counter(
    "scrutiny_cache_requests_total",
    "Cache look-ups (get, get_many per key) by result (hit or miss).",
    ["result"],
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_LABEL = re.compile(r"[a-z][a-z0-9_.-]{0,63}")
UNMATCHED = "<unmatched>"
ROUTE_CACHE_SIZE = 1024


def _label(value: object) -> str:
    return value if isinstance(value, str) and _LABEL.fullmatch(value) else "other"


# --- HTTP ------------------------------------------------------------------------------------------
def route_name(request: HttpRequest) -> str:
    """The URL pattern's name (namespaced, `dropins:session-detail`), never the path. A response made
    before URL resolution (health probes, the signed-out page cache) is resolved here."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return _resolved_route(get_resolver(get_urlconf()), request.path_info)
    return match.view_name or UNMATCHED


@functools.lru_cache(maxsize=ROUTE_CACHE_SIZE)
def _resolved_route(resolver: URLResolver, path: str) -> str:
    """The route name of a path no view was resolved for. Remembered per resolver and path: walking
    the URL patterns to Wagtail's catch-all costs more than the rest of the metrics together, on the
    cheapest responses (the signed-out page cache's). Keyed by the resolver object, so
    clear_url_caches() (a changed ROOT_URLCONF) starts afresh; bounded, so distinct paths cost
    at most ROUTE_CACHE_SIZE entries. The project has no language-prefixed patterns, so a path
    resolves the same way for every request."""
    try:
        return resolver.resolve(path).view_name or UNMATCHED
    except (Resolver404, Http404):
        return UNMATCHED


class MetricsMiddleware:
    """Counts every response and times it, labelled by route, method and status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        method = request.method if request.method in _METHODS else "other"
        counter, timer = _http_children(route_name(request), method, response.status_code)
        counter.inc()
        timer.observe(elapsed)
        return response


# (route, method, status) -> the counter's and the histogram's children: looked up once each, not
# on every request (labels() takes a lock and checks its arguments). As many entries as the metrics
# have series; every part of the key is a label value already.
_HTTP_CHILDREN: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _http_children(route: str, method: str, status: int) -> tuple[Any, Any]:
    key = (route, method, status)
    children = _HTTP_CHILDREN.get(key)
    if children is None:
        children = (HTTP_REQUESTS.labels(route, method, str(status)), HTTP_LATENCY.labels(route, method))
        _HTTP_CHILDREN[key] = children
    return children


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _token_ok(request: HttpRequest) -> bool:
    expected = getattr(settings, "METRICS_TOKEN", "") or ""
    if not expected:
        return False
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


@login_not_required
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' text format, for `Authorization: Bearer <METRICS_TOKEN>`. Anyone
    else, and everyone while METRICS_TOKEN is unset, gets the site's 404: the endpoint's existence
    is not advertised."""
    if request.method not in ("GET", "HEAD") or not _token_ok(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


# --- WebSockets ------------------------------------------------------------------------------------
# Event frames all start like this (agencies.realtime consumers and their subclasses send json.dumps
# of a dict whose first keys are kind and group); hello, pong and error frames have no group.
_EVENT_FRAME = re.compile(r'\{"kind": "([^"]{1,64})", "group": ')


class WebSocketMetricsMiddleware:
    """ASGI middleware for the websocket protocol: the open-sockets gauge and delivered events."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") != "websocket":
            return await self.app(scope, receive, send)
        accepted = False

        async def observed_send(message: dict[str, Any]) -> None:
            nonlocal accepted
            kind = message.get("type")
            await send(message)
            if kind == "websocket.accept" and not accepted:
                accepted = True
                WEBSOCKETS_OPEN.inc()
            elif kind == "websocket.send":
                text = message.get("text")
                if text is not None:
                    frame = _EVENT_FRAME.match(text)
                    if frame is not None:
                        REALTIME_DELIVERED.labels(_label(frame.group(1))).inc()

        try:
            return await self.app(scope, receive, observed_send)
        finally:
            if accepted:
                WEBSOCKETS_OPEN.dec()


# --- Channel layers --------------------------------------------------------------------------------
class _PublishCounting:
    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await super().group_send(group, message)  # type: ignore[misc]
        if message.get("type") == "realtime.event":
            REALTIME_PUBLISHED.labels(_label(message.get("kind"))).inc()


class MeteredRedisChannelLayer(_PublishCounting, RedisChannelLayer):
    """channels-redis' layer, counting the realtime events it accepts."""


class MeteredInMemoryChannelLayer(_PublishCounting, InMemoryChannelLayer):
    """The in-memory layer (one process), counting the realtime events it accepts."""


# --- Cache -----------------------------------------------------------------------------------------
_MISSING = object()


class CacheMetricsMixin:
    """Counts hits and misses of get() and get_many() (get_or_set and the session store use get)."""

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        value = super().get(key, _MISSING, version=version)  # type: ignore[misc]
        if value is _MISSING:
            CACHE_REQUESTS.labels("miss").inc()
            return default
        CACHE_REQUESTS.labels("hit").inc()
        return value

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        parent = super().get_many  # type: ignore[misc]
        if getattr(parent, "__func__", None) is BaseCache.get_many:
            return parent(keys, version=version)  # one get() per key, each counted there
        keys = list(keys)
        found = parent(keys, version=version)
        if found:
            CACHE_REQUESTS.labels("hit").inc(len(found))
        if len(keys) > len(found):
            CACHE_REQUESTS.labels("miss").inc(len(keys) - len(found))
        return found


# --- Bookings --------------------------------------------------------------------------------------
def count_booking_attempt(sender: Any, *, outcome: str, code: str, **kwargs: Any) -> None:
    """Receiver of agencies.dropins.signals.booking_attempted (connected by config.observability)."""
    BOOKINGS.labels(_label(outcome), _label(code) if code else "").inc()

"""Health checks: liveness (the process answers) and readiness (its dependencies answer in time).

Both are answered by HealthCheckMiddleware, near the top of the stack, before anything that reads
the session or the cache (the signed-out page cache looks every GET up in Redis): a probe must
neither depend on nor wait for what it does not check. The URL patterns route to the same views
(the permission matrix and reverse() see them)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Each dependency gets this long (the checks run side by side, so /healthz/ready answers within
# about this too). A load balancer's probe timeout should be longer: 2 s or more.
HEALTH_CHECK_BUDGET_SECONDS = 1.0


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    finally:
        connection.close_if_unusable_or_obsolete()


def _cache_ok() -> bool:
    """A write and a read back. The cache degrades to misses when Redis is away (config/cache.py),
    so a failure shows as a value that does not come back, never as an exception."""
    key, value = "healthz:probe", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    return cache.get(key) == value


def _task_queue_ok() -> bool:
    """The queue the task worker reads answers. The immediate backend runs tasks in the request:
    nothing to reach."""
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return True
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.ready().exists()
        return True
    finally:
        connection.close_if_unusable_or_obsolete()


async def _channel_layer_ok() -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await layer.receive(channel)
    return message.get("type") == "healthz.ping"


def _in_thread(check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    # Not thread-sensitive: a check stuck on a frozen dependency must not hold the one shared
    # thread the others (and other requests' sync code) need; its answer is simply not awaited.
    return sync_to_async(check, thread_sensitive=False)


READINESS_CHECKS: dict[str, Callable[[], Awaitable[bool]]] = {
    "database": _in_thread(_database_ok),
    "cache": _in_thread(_cache_ok),
    "channel_layer": _channel_layer_ok,
    "task_queue": _in_thread(_task_queue_ok),
}


async def _run_check(name: str, check: Callable[[], Awaitable[bool]]) -> str:
    try:
        ok = await asyncio.wait_for(check(), HEALTH_CHECK_BUDGET_SECONDS)
    except TimeoutError:
        logger.warning("healthz: %s check exceeded its %.1f s budget", name, HEALTH_CHECK_BUDGET_SECONDS)
        return "timeout"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, none is raised
        # The class name only: an exception's text can carry a connection URL with its password.
        logger.warning("healthz: %s check failed: %s", name, exc.__class__.__name__)
        return "failed"
    return "ok" if ok else "failed"


@login_not_required
@never_cache
@require_safe
def healthz_live(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches no dependency, so a Redis or database outage never
    makes a supervisor restart healthy workers (that is what readiness is for)."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
async def healthz_ready(request: HttpRequest) -> JsonResponse:
    """Readiness: the database, cache, channel layer and task queue each answer within the budget,
    checked side by side. 200 when all do; 503 naming each check's outcome (ok, failed or timeout),
    never an address or an error message."""
    names = list(READINESS_CHECKS)
    outcomes = await asyncio.gather(*(_run_check(name, READINESS_CHECKS[name]) for name in names))
    checks = dict(zip(names, outcomes, strict=True))
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


# The address load balancers and scripts used before liveness and readiness were split: readiness.
healthz = healthz_ready


HEALTH_PATHS: dict[str, Callable[[HttpRequest], HttpResponse]] = {}


class HealthCheckMiddleware:
    """Answers /healthz, /healthz/live and /healthz/ready itself, right after the security
    middleware (so HTTPS redirect exemptions and HSTS apply as to any response)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = HEALTH_PATHS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        return view(request)


HEALTH_PATHS.update(
    {
        "/healthz": async_to_sync(healthz_ready),
        "/healthz/live": healthz_live,
        "/healthz/ready": async_to_sync(healthz_ready),
    }
)

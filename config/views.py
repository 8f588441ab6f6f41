"""Project-level views: health check, accessibility statement, CSRF failure page."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 2.0


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
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


@login_not_required
@never_cache
@require_safe
async def healthz(request: HttpRequest) -> JsonResponse:
    """Database and channel-layer round trips. 200 when both answer, 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        database = await asyncio.wait_for(sync_to_async(_database_ok)(), HEALTH_TIMEOUT_SECONDS)
        checks["database"] = "ok" if database else "failed"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, none is raised
        logger.warning("healthz: database check failed: %s", exc.__class__.__name__)
        checks["database"] = "failed"
    try:
        layer = await asyncio.wait_for(_channel_layer_ok(), HEALTH_TIMEOUT_SECONDS)
        checks["channel_layer"] = "ok" if layer else "failed"
    except Exception as exc:  # noqa: BLE001
        logger.warning("healthz: channel layer check failed: %s", exc.__class__.__name__)
        checks["channel_layer"] = "failed"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


@login_not_required
@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility_statement.html")


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)

"""Template context for the idle-timeout notice (case roles only)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest

from agencies.middleware import idle_deadline


def session_timeout(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    deadline = idle_deadline(request)
    if deadline is None:
        return {}
    return {
        "session_timeout": {
            "expires_in": max(0, int(deadline - time.time())),
            "warn_before": settings.SESSION_IDLE_WARNING_SECONDS,
            "minutes": max(1, settings.SESSION_IDLE_TIMEOUT_SECONDS // 60),
            "expires_at": datetime.fromtimestamp(deadline, tz=UTC),
        }
    }

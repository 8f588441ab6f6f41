"""Account security on every request: two-factor authentication for MFA roles and the idle
timeout for case roles. Runs after authentication and LoginRequiredMiddleware, so it only ever
sees signed-in people on pages that need them (and public pages, which it also guards: a
half-signed-in session must not see partner-only content either)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from agencies import access_state, mfa, services

LAST_ACTIVITY_SESSION_KEY = "agencies_last_activity"
# Write the activity time at most this often (seconds): a session save per request is wasteful.
ACTIVITY_WRITE_GRANULARITY = 15


def mfa_exempt(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view as reachable before the second factor (the MFA pages themselves, sign-out)."""
    view.mfa_exempt = True  # type: ignore[attr-defined]
    return view


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def idle_deadline(request: HttpRequest) -> float | None:
    """When this session will be signed out for inactivity (epoch seconds), or None if the
    idle timeout does not apply to this person."""
    if not request.user.is_authenticated or not mfa.needs_mfa(request.user):
        return None
    last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
    if last is None:
        return None
    return float(last) + settings.SESSION_IDLE_TIMEOUT_SECONDS


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        # Privileges changed since this session last looked: a new session key (agencies.access_state).
        access_state.rotate_if_changed(request)
        if not mfa.needs_mfa(user):
            return None
        timed_out = self._idle_check(request)
        if timed_out is not None:
            return timed_out
        if user.is_verified() or getattr(view_func, "mfa_exempt", False):
            return None
        if _is_api(request):
            return JsonResponse(
                {"detail": "Two-factor authentication is required: complete it in the browser first."},
                status=403,
            )
        target = "agencies:mfa-verify" if mfa.has_confirmed_device(user) else "agencies:mfa-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")

    def _idle_check(self, request: HttpRequest) -> HttpResponse | None:
        now = time.time()
        last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
        if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
            services.session_timed_out_record(user=request.user)
            logout(request)
            if _is_api(request):
                return JsonResponse(
                    {"detail": "Your session ended after a period of inactivity."}, status=401
                )
            messages.info(request, "You were signed out because you had not done anything for a while.")
            next_path = request.get_full_path() if request.method == "GET" else "/"
            return redirect(f"{reverse('agencies:sign-in')}?{urlencode({'next': next_path})}")
        granularity = min(ACTIVITY_WRITE_GRANULARITY, settings.SESSION_IDLE_TIMEOUT_SECONDS / 10)
        if last is None or now - float(last) >= granularity:
            request.session[LAST_ACTIVITY_SESSION_KEY] = int(now)
        return None

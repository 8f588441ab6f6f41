"""The shared copy of public pages for signed-out visitors.

Every signed-out visitor of a public page gets the same HTML, so it is rendered once per content
version and URL: `CachedRestrictionsMixin.serve` (content/models.py) stores it after Wagtail has
routed the request and its serve hook has checked the page's view restrictions; a later signed-out
GET for the same URL is answered by `AnonymousPageCacheMiddleware` before routing (no database
query at all). Only a plain 200 with no cookie, no CSRF token and no pending message is stored,
never a preview, and only for 60 s; the content version (content.restrictions) changes with any
page, restriction, theme or area change, which retires every copy at once. A restricted page never
reaches `serve` for a signed-out visitor (Wagtail's hook answers first with the sign-in redirect),
so it is never stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from wagtail import views as wagtail_views

from content.restrictions import content_version

TTL = 60


def _has_messages(request: HttpRequest) -> bool:
    return bool(len(get_messages(request)))


def eligible(request: HttpRequest) -> bool:
    """A signed-out GET that is not a preview and has no message waiting to be shown."""
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not getattr(request, "is_preview", False)
        and not _has_messages(request)
    )


def key_for(request: HttpRequest) -> str:
    raw = f"{content_version()}|{request.get_host()}|{request.get_full_path()}"
    return "content:anonymous-page:" + hashlib.sha256(raw.encode()).hexdigest()


def lookup(request: HttpRequest) -> HttpResponse | None:
    stored = cache.get(key_for(request))
    if isinstance(stored, tuple) and len(stored) == 2:
        content_type, body = stored
        return HttpResponse(body, content_type=content_type)
    return None


def store(request: HttpRequest, response: Any) -> None:
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_USED")
        and not getattr(response, "streaming", False)
        and not _has_messages(request)
    ):
        cache.set(key_for(request), (response["Content-Type"], response.content), TTL)


class AnonymousPageCacheMiddleware:
    """Answers a signed-out GET of a Wagtail page from its shared copy, before routing. Goes after
    the authentication and message middleware (it needs to know both)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if view_func is not wagtail_views.serve or not eligible(request):
            return None
        return lookup(request)

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
from wagtail.url_routing import RouteResult

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


def _version(request: HttpRequest) -> str:
    """The content version, read once per request."""
    version = getattr(request, "_content_version", None)
    if version is None:
        version = content_version()
        request._content_version = version  # type: ignore[attr-defined]
    return str(version)


def key_for(request: HttpRequest) -> str:
    raw = f"{_version(request)}|{request.get_host()}|{request.get_full_path()}"
    return "content:anonymous-page:" + hashlib.sha256(raw.encode()).hexdigest()


def route_key_for(request: HttpRequest) -> str:
    raw = f"{_version(request)}|{request.get_host()}|{request.path}"
    return "content:route:" + hashlib.sha256(raw.encode()).hexdigest()


def remember_route(request: HttpRequest) -> None:
    """Keep where Wagtail routed this path (the Site and the specific page), for everyone: routing
    does not depend on who asks (view restrictions are checked after it, per request, by
    Wagtail's hook). Retired with the content version like every other content copy."""
    route = getattr(request, "_wagtail_route_for_request", None)
    site = getattr(request, "_wagtail_site", None)
    if route is None or site is None or getattr(request, "_content_route_from_cache", False):
        return
    page, args, kwargs = route
    if args or kwargs:
        return
    cache.set(route_key_for(request), (site, page), TTL)


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
    """Answers a signed-out GET of a Wagtail page from its shared copy, before routing, and gives
    everyone else's GET the remembered route (no Site or page queries). Goes after the
    authentication and message middleware (it needs to know both)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if view_func is not wagtail_views.serve:
            return None
        if eligible(request):
            found = lookup(request)
            if found is not None:
                return found
        if request.method in {"GET", "HEAD"}:
            # Routing from the shared copy (remember_route): Wagtail's route_for_request and
            # Site.find_for_request use these request attributes when they are set.
            stored = cache.get(route_key_for(request))
            if isinstance(stored, tuple) and len(stored) == 2:
                site, page = stored
                request._wagtail_site = site  # type: ignore[attr-defined]
                request._wagtail_route_for_request = RouteResult(page)  # type: ignore[attr-defined]
                request._content_route_from_cache = True  # type: ignore[attr-defined]
        return None

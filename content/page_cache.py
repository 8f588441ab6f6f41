"""The shared copy of public pages for signed-out visitors.

Every signed-out visitor of a public page gets the same HTML, so it is rendered once per content
version and URL and then answered by `AnonymousPageCacheMiddleware` early in the middleware stack
(right after the session and common middleware): no URL resolution, no database query, one round
trip to Redis.

Who is answered from a copy: a GET whose session is empty (no session cookie, or one holding
nothing, so the visitor is signed out: a signed-in session holds the user's id) and who has no
message waiting, and that is not one of Wagtail's preview requests (`is_dummy`: they are made
up for the page's own URL, with the editor's cookies only if there was a browser request).
Everyone else goes through the whole stack as before.

What is stored, and when: the response as it leaves the middleware below this one (status,
headers and body), only when Wagtail's `serve` view answered it, after Wagtail's serve hook had
checked the page's view restrictions and `CachedRestrictionsMixin.serve` (content/models.py)
had found that no restriction applies to the page or an ancestor (a restricted page is never
stored, whoever asked), never a preview, and only a plain 200 that sets no cookie, used no CSRF
token, left the session empty, showed no message, is not marked private or no-store and varies on
nothing but the cookie. The middleware above this one (security headers, CSP, permissions
policy, session, common) runs on a hit exactly as on a miss, so the headers are the same
(tests/content/test_page_cache.py compares them).

Why the copy is safe to share and can never be stale: it is keyed by host and full path only and
holds the content version it was rendered under (read before rendering). The lookup reads the
current content version and the copy in one MGET (`content.restrictions.content_version_with`)
and serves the copy only if the versions are equal. The version changes with any page saved,
deleted, moved or unpublished and any restriction, group of a restriction, theme or area changed
(at once and again on commit), so a published change, or a restriction added to any page, takes
effect on the very next request; there is no time window. Copies also expire after `TTL` seconds,
which bounds anything shown that depends on the date alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib.messages import get_messages
from django.contrib.messages.storage import default_storage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re
from wagtail import views as wagtail_views
from wagtail.url_routing import RouteResult

from content.restrictions import content_version, content_version_with

TTL = 60
PAGE_KEY_PREFIX = "content:anonymous-page:v2:"


def _has_messages(request: HttpRequest) -> bool:
    return bool(len(get_messages(request)))


def _session_is_empty(request: HttpRequest) -> bool:
    """True for a signed-out visitor with nothing in their session. Reading the session marks it
    accessed, so SessionMiddleware adds `Vary: Cookie` on a hit exactly as on a miss (where the
    authentication check reads it)."""
    return not request.session.keys()


def eligible_early(request: HttpRequest) -> bool:
    """May this request be answered from (and its response become) the shared copy? A GET from a
    signed-out visitor with an empty session and no message waiting (the message storage is read
    directly: MessageMiddleware runs later in the stack)."""
    if (
        request.method != "GET"
        or getattr(request, "is_dummy", False)
        or getattr(request, "is_preview", False)
    ):
        # Wagtail's previews (edit preview, view draft, revisions, moderation) are made-up
        # requests for the page's own URL: never answered from, nor stored as, its copy.
        return False
    if not _session_is_empty(request):
        return False
    return not len(default_storage(request))


def _version(request: HttpRequest) -> str:
    """The content version, read once per request."""
    version = getattr(request, "_content_version", None)
    if version is None:
        version = content_version()
        request._content_version = version  # type: ignore[attr-defined]
    return str(version)


def page_key_for(request: HttpRequest) -> str:
    raw = f"{request.get_host()}|{request.get_full_path()}"
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


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


def offer(request: HttpRequest, page: Any) -> None:
    """Called by the page's `serve`, after Wagtail's serve hook has let this viewer through: the
    response may become the shared copy if the request is a candidate (a signed-out GET the
    middleware looked up and missed) and no view restriction applies to the page, its own or an
    ancestor's (a restricted page is never shared, whoever asked; for pages without any this is
    the cached restriction list, no query). The middleware checks the response itself."""
    if getattr(request, "_content_page_candidate", False) and not page.get_view_restrictions().exists():
        request._content_page_shareable = True  # type: ignore[attr-defined]


def _from_copy(stored: Any, version: str) -> HttpResponse | None:
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == version):
        return None
    _, status, headers, body = stored
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _shareable_response(request: HttpRequest, response: Any) -> bool:
    if not getattr(request, "_content_page_shareable", False) or getattr(request, "is_preview", False):
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or match.func is not wagtail_views.serve:
        return False
    if (
        response.status_code != 200
        or getattr(response, "streaming", False)
        or response.cookies
        or request.META.get("CSRF_COOKIE_USED")
        or request.session.modified
        or not _session_is_empty(request)
        or _has_messages(request)
    ):
        return False
    cache_control = {d.strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    # The copy is keyed by host and path alone: it may vary on the cookie (every visitor served
    # from it has an empty session) but on no other request header.
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    return vary <= {"cookie"}


class AnonymousPageCacheMiddleware:
    """Answers a signed-out GET of a public Wagtail page from its shared copy, early in the stack,
    and gives everyone else's Wagtail GET the remembered route (no Site or page queries). Goes
    after SessionMiddleware and CommonMiddleware (it needs the session; host checks and
    redirects happen first) and before everything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not eligible_early(request):
            return self.get_response(request)
        key = page_key_for(request)
        version, found = content_version_with(key)  # one round trip: the version and the copy
        request._content_version = version  # type: ignore[attr-defined]
        hit = _from_copy(found.get(key), version)
        if hit is not None:
            return hit
        request._content_page_candidate = True  # type: ignore[attr-defined]
        response = self.get_response(request)
        if _shareable_response(request, response):
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            copy = (version, response.status_code, list(response.items()), response.content)
            cache.set(key, copy, TTL)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if view_func is not wagtail_views.serve or request.method not in {"GET", "HEAD"}:
            return None
        # Routing from the shared copy (remember_route): Wagtail's route_for_request and
        # Site.find_for_request use these request attributes when they are set.
        stored = cache.get(route_key_for(request))
        if isinstance(stored, tuple) and len(stored) == 2:
            site, page = stored
            request._wagtail_site = site  # type: ignore[attr-defined]
            request._wagtail_route_for_request = RouteResult(page)  # type: ignore[attr-defined]
            request._content_route_from_cache = True  # type: ignore[attr-defined]
        return None

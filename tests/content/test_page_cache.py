"""The shared copy of public pages for signed-out visitors (content.page_cache): answered early in
the middleware stack with exactly the headers of a rendered page, in one cache round trip, never
to anyone with a session or a message, never for a restricted page, and never after a change."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail import hooks
from wagtail.models import PageViewRestriction

from agencies.roles import Role
from content import page_cache
from tests.conftest import signed_in_client
from tests.factories.content import guidance_index, guidance_page

pytestmark = pytest.mark.django_db

# What the production settings add (config/settings/production.py), so the comparison covers them.
PRODUCTION_HEADERS = {
    "SECURE_HSTS_SECONDS": 3600,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}


def _get(client: Client, url: str, **extra: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, len(captured.captured_queries)


def _rendered(client: Client, url: str, **extra: Any) -> bool:
    """Did this GET render the page (a template was rendered), or was it answered from a copy?"""
    return bool(client.get(url, **extra).templates)


def _key(url: str) -> str:
    request = HttpRequest()
    request.META = {"HTTP_HOST": "testserver"}
    request.path = request.path_info = url
    return page_cache.page_key_for(request)


@pytest.fixture
def public_page(home_page):
    return guidance_page(guidance_index(home_page), title="Public cached guidance")


@override_settings(**PRODUCTION_HEADERS)
@pytest.mark.parametrize("url", ["/", "/guidance/", "/guidance/public-cached-guidance/"])
def test_a_copy_has_exactly_the_headers_and_body_of_the_rendered_page(public_page, url: str) -> None:
    client = Client()
    miss, miss_queries = _get(client, url, HTTP_X_FORWARDED_PROTO="https")
    hit, hit_queries = _get(client, url, HTTP_X_FORWARDED_PROTO="https")
    assert miss.status_code == hit.status_code == 200
    assert miss.templates and not hit.templates  # the second was the copy
    assert miss_queries > 0 and hit_queries == 0
    # Every header but the request's own ID (set outside the cache, one per request).
    per_request = "X-Request-ID"
    assert hit.headers[per_request] != miss.headers[per_request]
    assert {k: v for k, v in hit.headers.items() if k != per_request} == {
        k: v for k, v in miss.headers.items() if k != per_request
    }
    assert hit.content == miss.content
    for name in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert name in hit.headers, name
    assert hit.headers["X-Frame-Options"] == "DENY"
    assert "Cookie" in hit.headers["Vary"]  # a browser or proxy must not reuse it for a session
    assert not hit.cookies


def test_a_hit_is_one_cache_round_trip_and_no_query(public_page, monkeypatch) -> None:
    client = Client()
    client.get(public_page.url)
    calls: list[str] = []
    depth = [0]  # the local-memory backend's get_many calls its own get: count the outermost only
    for name in ("get", "get_many", "set", "add"):
        original = getattr(cache, name)

        def counted(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            if not depth[0]:
                calls.append(_name)
            depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(cache, name, counted)
    response, queries = _get(client, public_page.url)
    assert response.status_code == 200 and "Public cached guidance" in response.content.decode()
    assert queries == 0 and not response.templates
    assert calls == ["get_many"]


def test_a_published_change_shows_on_the_next_request(public_page) -> None:
    client = Client()
    assert "Public cached guidance" in client.get(public_page.url).content.decode()
    assert not _rendered(client, public_page.url)
    public_page.title = "Renamed cached guidance"
    public_page.save_revision().publish()
    body = client.get(public_page.url).content.decode()
    assert "Renamed cached guidance" in body and "Public cached guidance" not in body


@pytest.mark.parametrize("on", ["page", "ancestor"])
def test_a_restriction_added_to_a_page_with_a_copy_applies_on_the_next_request(public_page, on) -> None:
    client = Client()
    assert client.get(public_page.url).status_code == 200
    assert not _rendered(client, public_page.url)  # the copy is warm
    target = public_page if on == "page" else public_page.get_parent()
    restriction = PageViewRestriction.objects.create(page=target, restriction_type=PageViewRestriction.LOGIN)
    refused = client.get(public_page.url)
    assert refused.status_code == 302 and "Public cached guidance" not in refused.content.decode()
    restriction.delete()
    assert client.get(public_page.url).status_code == 200


# Wagtail checks view restrictions in an on_serve_page hook (before_serve_page in older versions).
SERVE_HOOKS = {"on_serve_page", "before_serve_page"}


def test_a_restricted_page_is_never_stored_even_if_served_to_a_signed_out_visitor(
    home_page, roles, monkeypatch
) -> None:
    """Should Wagtail's serve hook ever let a signed-out visitor through (a bug, a new restriction
    type, a hook added later), the page still does not become the shared copy."""
    private = guidance_page(guidance_index(home_page), title="Members cached guidance")
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=Role.GOVERNANCE_MEMBER.value)])
    real_get_hooks = hooks.get_hooks
    monkeypatch.setattr(hooks, "get_hooks", lambda name: [] if name in SERVE_HOOKS else real_get_hooks(name))
    assert Client().get(private.url).status_code == 200  # let through by the removed check
    monkeypatch.setattr(hooks, "get_hooks", real_get_hooks)
    assert cache.get(_key(private.url)) is None
    assert Client().get(private.url).status_code == 302


def test_signed_in_people_never_get_the_signed_out_copy(public_page, isva) -> None:
    anonymous = Client()
    anonymous.get(public_page.url)
    assert not _rendered(anonymous, public_page.url)
    member = signed_in_client(isva)
    response = member.get(public_page.url)
    assert response.status_code == 200 and response.templates
    assert "Sign out" in response.content.decode()
    assert "Sign out" not in anonymous.get(public_page.url).content.decode()


def test_a_visitor_with_a_message_waiting_is_not_served_or_stored(public_page) -> None:
    client = Client()
    storage = CookieStorage(HttpRequest())
    encoded = storage._encode([storage_message("You have been signed out.")])
    client.cookies[CookieStorage.cookie_name] = encoded
    response = client.get(public_page.url)
    assert response.templates and "You have been signed out." in response.content.decode()
    assert cache.get(_key(public_page.url)) is None
    fresh, _ = _get(Client(), public_page.url)
    assert "You have been signed out." not in fresh.content.decode()


def storage_message(text: str) -> Any:
    from django.contrib.messages.storage.base import Message

    return Message(message_levels.INFO, text)


def test_a_signed_out_session_holding_data_is_not_served_from_the_copy(public_page) -> None:
    Client().get(public_page.url)  # the copy exists
    client = Client()
    session = client.session
    session["something"] = "kept"
    session.save()
    response = client.get(public_page.url)
    assert response.status_code == 200 and response.templates


def test_a_copy_is_served_only_for_its_own_host_and_query(public_page) -> None:
    client = Client()
    client.get(public_page.url)
    assert not _rendered(client, public_page.url)
    assert _rendered(client, public_page.url + "?x=1")
    with override_settings(ALLOWED_HOSTS=["testserver", "other.example.org"]):
        assert _rendered(client, public_page.url, HTTP_HOST="other.example.org")


def test_a_copy_stored_under_an_older_content_version_is_not_served(public_page) -> None:
    client = Client()
    client.get(public_page.url)
    key = _key(public_page.url)
    version, status, headers, _ = cache.get(key)
    cache.set(key, ("stale." + version, status, headers, b"stale copy"), 60)
    response = client.get(public_page.url)
    assert response.templates and b"stale copy" not in response.content

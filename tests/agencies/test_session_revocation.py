"""Sessions read through the cache (agencies.sessions) still end everywhere at once: an old
session cookie is refused after deactivation, sign-out, the idle timeout and a privilege change,
because every path deletes the cached copy with the row. Runs on the file cache (SQLite pass)
and on Redis (REDIS_URL pass): both are shared with the live daphne processes of a run."""

from __future__ import annotations

import time
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agencies import services, sessions
from agencies.middleware import LAST_ACTIVITY_SESSION_KEY
from agencies.models import User
from agencies.roles import Role
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

PAGE = "/account/notifications/"


def _key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _cached(key: str) -> bool:
    return cache.get(sessions.KEY_PREFIX + key) is not None


def _refused(key: str) -> bool:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    response = client.get(PAGE)
    return response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


def _warm(client: Client) -> str:
    assert client.get(PAGE).status_code == 200
    key = _key(client)
    assert _cached(key)  # the test exercises the cached path
    return key


def test_the_engine_is_the_capped_cached_store() -> None:
    assert settings.SESSION_ENGINE == "agencies.sessions"
    assert import_module(settings.SESSION_ENGINE).SessionStore is sessions.SessionStore


def test_a_warm_page_reads_the_session_from_the_cache(isva: User) -> None:
    client = signed_in_client(isva)
    _warm(client)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    assert not any("django_session" in q["sql"] for q in captured.captured_queries)


def test_a_deactivated_persons_old_cookie_is_refused(platform_admin: User, isva: User) -> None:
    client = signed_in_client(isva)
    key = _warm(client)
    other = signed_in_client(isva)  # a second browser
    other_key = _warm(other)
    services.account_deactivate(actor=platform_admin, user=isva)
    assert not _cached(key) and not _cached(other_key)
    assert not Session.objects.filter(session_key__in=[key, other_key]).exists()
    assert _refused(key) and _refused(other_key)
    # Reactivated, the old cookies stay dead: the sessions are gone, not merely refused.
    services.account_reactivate(actor=platform_admin, user=User.objects.get(pk=isva.pk))
    assert _refused(key) and _refused(other_key)


def test_a_signed_out_cookie_is_refused(isva: User) -> None:
    client = signed_in_client(isva)
    key = _warm(client)
    assert client.post("/account/sign-out/").status_code == 302
    assert not _cached(key)
    assert _refused(key)


def test_the_old_key_after_a_privilege_change_is_refused(platform_admin: User, isva: User) -> None:
    client = signed_in_client(isva)
    key = _warm(client)
    services.role_grant(actor=platform_admin, user=isva, role=Role.DROPIN_HOST.value)
    assert client.get(PAGE).status_code == 200  # rotated: still signed in, under a new key
    assert _key(client) != key
    assert not _cached(key)
    assert _refused(key)


def test_an_idle_timed_out_cookie_is_refused(panel_member: User, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    client = signed_in_client(panel_member)
    key = _warm(client)
    store = sessions.SessionStore(key)
    store[LAST_ACTIVITY_SESSION_KEY] = int(time.time()) - 61
    store.save()
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")
    assert not _cached(key)
    assert _refused(key)


def test_a_cached_copy_lives_at_most_the_cap(isva: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """A delete that could not reach the cache (outage, another process's memory) leaves a copy
    that dies within CACHE_TTL, not with the 8-hour session."""
    timeouts: list[int] = []
    backend = type(caches[settings.SESSION_CACHE_ALIAS])
    real_set = backend.set

    def recording_set(self, key, value, timeout=None, *args, **kwargs):
        if str(key).startswith(sessions.KEY_PREFIX):
            timeouts.append(timeout)
        return real_set(self, key, value, timeout, *args, **kwargs)

    monkeypatch.setattr(backend, "set", recording_set)
    client = signed_in_client(isva)
    cache.delete(sessions.KEY_PREFIX + _key(client))
    assert client.get(PAGE).status_code == 200  # loaded from the row, cached again
    assert timeouts and all(0 < t <= sessions.CACHE_TTL for t in timeouts)
    assert settings.SESSION_COOKIE_AGE > sessions.CACHE_TTL

"""Sessions in the database, read through the cache (SESSION_ENGINE = "agencies.sessions").

Django's cached_db store, with one change: a cached copy lives at most CACHE_TTL seconds (Django
keeps it for the session's whole remaining age, up to SESSION_COOKIE_AGE = 8 hours), after which
the next request reads the database row again.

Why revocation still holds (ADR 0008):
- Every path that ends a session goes through the store, which deletes the cached copy and the
  row together: sign-out (logout() flushes; agencies.realtime.events.on_user_logged_out deletes first),
  the idle timeout (logout()), key rotation on a privilege change or a passed second factor
  (cycle_key() deletes the old key), deactivation (services.sessions_delete_for deletes each of
  the person's sessions through the store, never with a queryset delete).
- Deactivation and password changes are also refused from the user row, read fresh on every
  request (the auth backend refuses inactive users; Django checks the session's password hash).
- The cache is shared by every process serving requests (Redis in the scale-out stack). If a
  delete cannot reach it (an outage that keeps the data, or another process's local memory), the
  stale copy dies with CACHE_TTL, not hours later.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

CACHE_TTL = 300
KEY_PREFIX = "agencies.sessions.v1:"


class _CappedCache:
    """The session cache, with every entry's lifetime capped at CACHE_TTL seconds."""

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    @staticmethod
    def _cap(timeout: Any) -> int:
        return CACHE_TTL if timeout is None else max(0, min(int(timeout), CACHE_TTL))

    def set(self, key: str, value: Any, timeout: Any = None, *args: Any, **kwargs: Any) -> Any:
        return self._cache.set(key, value, self._cap(timeout), *args, **kwargs)

    async def aset(self, key: str, value: Any, timeout: Any = None, *args: Any, **kwargs: Any) -> Any:
        return await self._cache.aset(key, value, self._cap(timeout), *args, **kwargs)

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)


class SessionStore(CachedDBStore):
    cache_key_prefix = KEY_PREFIX

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _CappedCache(self._cache)

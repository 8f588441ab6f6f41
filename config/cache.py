"""The cache backends: django-redis at scale-out, counted for /metrics, with a short circuit breaker.

The cache is an optimisation: when Redis is down (restart, failover) pages must keep serving from
the database, not answer 500. django-redis does that in its exception-ignoring mode
(DJANGO_REDIS_IGNORE_EXCEPTIONS, settings): reads return the default, writes are dropped, and each
failure is logged (DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS, logger "config.cache").

A frozen Redis (SIGSTOP, a stalled VM, a partition) does not refuse connections: each call waits
for its whole socket timeout (about 1 s, settings). A page makes several cache calls, so without
more it would wait that long several times (7-9 s were measured). After one failure the client
therefore fails at once, without trying Redis, for OUTAGE_BACKOFF_SECONDS in this process; then
one call tries again. A page costs at most one timeout per backoff period. The breaker sits in
django-redis' public extension point (OPTIONS["CLIENT_CLASS"]); django-redis' own ignoring mode
turns its refusals into misses like any other failure.

The cache has its own Redis database (config.env.cache_redis_url), so clearing it never touches the channel
layer's groups and queued events; and clear() deletes only this cache's own keys (its KEY_PREFIX).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError

from config.metrics import CacheMetricsMixin

logger = logging.getLogger(__name__)

OUTAGE_BACKOFF_SECONDS = 2.0


class RedisSkipped(RedisConnectionError):
    """Raised instead of calling Redis while the breaker is open."""


class _Breaker:
    """Process-wide: whether Redis failed recently. Shared by every thread (Django keeps one cache
    object per thread, but they all talk to the same Redis)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._retry_at = 0.0

    def open(self) -> bool:
        """True while calls should skip Redis. The first caller after the backoff gets False (it
        probes); the others keep skipping until that probe succeeds or fails."""
        with self._lock:
            if self._retry_at == 0.0:
                return False
            now = time.monotonic()
            if now < self._retry_at:
                return True
            self._retry_at = now + OUTAGE_BACKOFF_SECONDS  # this caller probes
            return False

    def failed(self) -> None:
        with self._lock:
            first = self._retry_at == 0.0
            self._retry_at = time.monotonic() + OUTAGE_BACKOFF_SECONDS
        if first:
            logger.warning("Redis unavailable: cache calls skipped for %.0f s", OUTAGE_BACKOFF_SECONDS)

    def succeeded(self) -> None:
        if self._retry_at:
            with self._lock:
                self._retry_at = 0.0
            logger.warning("Redis answers again: the cache is back")


breaker = _Breaker()


_nesting = threading.local()


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: DefaultClient, *args: Any, **kwargs: Any) -> Any:
        if getattr(_nesting, "inside", False):  # add() calls set(), set_many() calls set(): once
            return method(self, *args, **kwargs)
        if breaker.open():
            try:
                raise RedisSkipped(f"skipped: Redis failed within {OUTAGE_BACKOFF_SECONDS:.0f} s")
            except RedisSkipped as skipped:
                raise ConnectionInterrupted(connection=None) from skipped
        _nesting.inside = True
        try:
            result = method(self, *args, **kwargs)
        except ConnectionInterrupted:
            breaker.failed()
            raise
        finally:
            _nesting.inside = False
        breaker.succeeded()
        return result

    return wrapper


class BreakerClient(DefaultClient):
    """django-redis' client, refusing at once while the breaker is open (module docstring)."""

    get = _guarded(DefaultClient.get)
    set = _guarded(DefaultClient.set)
    add = _guarded(DefaultClient.add)
    touch = _guarded(DefaultClient.touch)
    delete = _guarded(DefaultClient.delete)
    delete_many = _guarded(DefaultClient.delete_many)
    delete_pattern = _guarded(DefaultClient.delete_pattern)
    get_many = _guarded(DefaultClient.get_many)
    set_many = _guarded(DefaultClient.set_many)
    has_key = _guarded(DefaultClient.has_key)
    incr = _guarded(DefaultClient.incr)
    decr = _guarded(DefaultClient.decr)

    @_guarded
    def clear(self, client: Any = None) -> None:
        """This cache's keys only (its KEY_PREFIX), not django-redis' FLUSHDB. The database is the
        cache's own, but more than one cache may share it: the test runs of one machine and the
        xdist workers of one run do (each with its own KEY_PREFIX), and so would a CACHE_REDIS_URL
        pointed at a shared database by mistake."""
        self.delete_pattern("*", client=client, itersize=500)


class SkippedCallsFilter(logging.Filter):
    """django-redis logs every ignored exception with its traceback; a call the breaker refused is
    not news (the breaker logged the outage once), so it is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, ConnectionInterrupted) and isinstance(exc.__cause__, RedisSkipped))


# Counting hits and misses for /metrics (config.metrics.CacheMetricsMixin); settings name these.
class MeteredRedisCache(CacheMetricsMixin, RedisCache):
    pass


class MeteredLocMemCache(CacheMetricsMixin, LocMemCache):
    pass


class MeteredFileBasedCache(CacheMetricsMixin, FileBasedCache):
    pass

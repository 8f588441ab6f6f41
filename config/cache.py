"""A Redis cache that degrades to a miss when Redis is unreachable.

The cache is an optimisation: when Redis is down (restart, failover) pages must keep serving from
the database, not answer 500. Reads return the default, writes are dropped, and each failure is
logged at warning level. Connect and socket timeouts are bounded in settings (about 1 s).

A frozen Redis (SIGSTOP, a stalled VM, a partition) does not refuse connections: each call waits
for its whole socket timeout. A page makes several cache calls, so without more it would wait that
long several times (7-9 s were measured). After one failure the cache is therefore treated as a
miss, without trying Redis, for OUTAGE_BACKOFF_SECONDS in this process; then one call tries again.
A page costs at most one timeout per backoff period.
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
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from config.metrics import CacheMetricsMixin

logger = logging.getLogger(__name__)

_OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)

OUTAGE_BACKOFF_SECONDS = 2.0


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
            now = time.monotonic()
            if self._retry_at == 0.0:
                return False
            if now < self._retry_at:
                return True
            self._retry_at = now + OUTAGE_BACKOFF_SECONDS  # this caller probes
            return False

    def failed(self) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + OUTAGE_BACKOFF_SECONDS

    def succeeded(self) -> None:
        if self._retry_at:
            with self._lock:
                self._retry_at = 0.0


breaker = _Breaker()


def _tolerant(
    name: str, fallback: Callable[..., Any], method: Callable[..., Any] | None = None
) -> Callable[..., Any]:
    method = method or getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        if breaker.open():
            return fallback(*args, **kwargs)
        try:
            result = method(self, *args, **kwargs)
        except _OUTAGE as exc:
            breaker.failed()
            logger.warning(
                "Cache %s skipped, Redis unavailable (%s); skipping Redis for %.0f s",
                name,
                exc.__class__.__name__,
                OUTAGE_BACKOFF_SECONDS,
            )
            return fallback(*args, **kwargs)
        breaker.succeeded()
        return result

    return wrapper


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _clear_own_keys(self: RedisCache) -> bool:
    """Delete this cache's keys only. Django's RedisCache.clear() is FLUSHDB, but the Redis database
    is shared with the channel layer (one REDIS_URL): flushing it would drop every group membership
    and queued realtime event. KEY_PREFIX must therefore be the cache's own namespace."""
    client = self._cache.get_client(None, write=True)
    pattern = f"{self.key_prefix}:*"
    batch: list[bytes] = []
    for key in client.scan_iter(match=pattern, count=500):
        batch.append(key)
        if len(batch) >= 500:
            client.delete(*batch)
            batch = []
    if batch:
        client.delete(*batch)
    return True


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new `redis.Redis` object for every cache call (`get_client`); with
    redis-py 8 building one copies its table of response callbacks, which cost as much CPU as the
    round trip itself (measured here: ~150 us each, beside ~165 us for a GET). One client per
    connection pool instead. Safe: a `redis.Redis` holds no per-command state (the pool lends each
    command its own connection), and Django keeps a cache object per thread anyway."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _tolerant("get", _default)
    set = _tolerant("set", lambda *a, **k: None)
    add = _tolerant("add", lambda *a, **k: False)
    touch = _tolerant("touch", lambda *a, **k: False)
    delete = _tolerant("delete", lambda *a, **k: False)
    get_many = _tolerant("get_many", lambda *a, **k: {})
    set_many = _tolerant("set_many", lambda *a, **k: [])
    delete_many = _tolerant("delete_many", lambda *a, **k: None)
    has_key = _tolerant("has_key", lambda *a, **k: False)
    clear = _tolerant("clear", lambda *a, **k: False, _clear_own_keys)


# Counting hits and misses for /metrics (config.metrics.CacheMetricsMixin); settings name these.
class MeteredRedisCache(CacheMetricsMixin, TolerantRedisCache):
    pass


class MeteredLocMemCache(CacheMetricsMixin, LocMemCache):
    pass


class MeteredFileBasedCache(CacheMetricsMixin, FileBasedCache):
    pass

"""The Redis cache (django-redis, config/cache.py): its own database, apart from the channel layer's;
a miss, never an exception, while Redis is unreachable; one timeout, not one per call, when frozen."""

import logging
import time
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.core.cache import cache

from config.env import ImproperlyConfiguredEnv, cache_redis_url, same_redis_database
from tests.conftest import layer_receive

redis_only = pytest.mark.redis


def _layer_url() -> str:
    config: Any = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    return config["hosts"][0]["address"]


@pytest.mark.parametrize(
    ("layer", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/1"),
        ("rediss://:secret@redis.internal:6380/13", "rediss://:secret@redis.internal:6380/14"),
        ("unix:///run/redis.sock?db=2", "unix:///run/redis.sock?db=3"),
    ],
)
def test_the_cache_defaults_to_the_next_database_of_the_layers_server(layer: str, expected: str) -> None:
    assert cache_redis_url(layer) == expected
    assert not same_redis_database(layer, cache_redis_url(layer))


def test_a_cache_url_on_the_layers_database_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import config.env
    import config.settings.base as base

    monkeypatch.setattr(
        config.env,
        "env",
        config.env.Env({"REDIS_URL": "redis://127.0.0.1:6379/4", "CACHE_REDIS_URL": "redis://127.0.0.1/4"}),
    )
    try:
        with pytest.raises(ImproperlyConfiguredEnv, match="CACHE_REDIS_URL"):
            importlib.reload(base)
    finally:
        monkeypatch.undo()
        importlib.reload(base)
    assert same_redis_database("redis://127.0.0.1:6379/4", "redis://127.0.0.1/4")
    with pytest.raises(ImproperlyConfiguredEnv):
        cache_redis_url("redis://127.0.0.1:6379/zero")


@redis_only
def test_the_cache_and_the_channel_layer_use_different_databases() -> None:
    assert not same_redis_database(settings.CACHES["default"]["LOCATION"], _layer_url())


@redis_only
def test_clearing_the_cache_keeps_channel_groups_and_queued_events() -> None:
    layer = get_channel_layer()
    assert isinstance(layer, RedisChannelLayer)
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("cache-probe", channel)
    async_to_sync(layer.group_send)("cache-probe", {"type": "probe.queued"})
    cache.set("probe", "cached")
    assert cache.get("probe") == "cached"

    cache.clear()  # django-redis' own clear() is FLUSHDB

    assert cache.get("probe") is None
    assert layer_receive(channel)["type"] == "probe.queued"  # the queued event survived
    async_to_sync(layer.group_send)("cache-probe", {"type": "probe.after"})
    assert layer_receive(channel)["type"] == "probe.after"  # and so did the group
    async_to_sync(layer.group_discard)("cache-probe", channel)


@redis_only
def test_clearing_the_cache_leaves_every_key_of_the_layers_database_and_other_caches() -> None:
    """Raw keys, seen from Redis itself: the layer's database is untouched by cache.clear(), and in
    the cache's database only this cache's KEY_PREFIX goes (other runs and xdist workers share it)."""
    layer_db = redis.Redis.from_url(_layer_url())
    cache_db = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    layer_key = f"{settings.TEST_CHANNEL_PREFIX}:probe-kept"
    other_cache_key = "another-run:1:probe-kept"
    layer_db.set(layer_key, "layer", ex=60)
    cache_db.set(other_cache_key, "other", ex=60)
    cache.set("mine", "cached")
    own_keys = list(cache_db.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    assert own_keys, "the cache wrote to its database (the check can fail)"
    try:
        cache.clear()
        assert layer_db.get(layer_key) == b"layer"
        assert cache_db.get(other_cache_key) == b"other"
        assert list(cache_db.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*")) == []
    finally:
        layer_db.delete(layer_key)
        cache_db.delete(other_cache_key)


@redis_only
def test_one_redis_client_serves_every_cache_call() -> None:
    """No new redis.Redis object per call (Django's own backend built one each: ~150 us of CPU)."""
    client = cache.client.get_client()  # type: ignore[attr-defined]
    cache.set("probe", "cached")
    assert cache.get_many(["probe", "absent"]) == {"probe": "cached"}
    assert cache.client.get_client() is client  # type: ignore[attr-defined]
    assert cache.client.get_client(write=True) is client  # type: ignore[attr-defined]


@pytest.fixture
def unreachable_cache(monkeypatch: pytest.MonkeyPatch):
    """The production cache configuration on a loopback port nothing listens on, counting the calls
    that reach redis-py; the process-wide breaker put back afterwards (the real cache shares it)."""
    from config import cache as backends
    from tests.live import free_port

    calls: list[str] = []
    original = redis.Redis.execute_command

    def counting(self, *args, **kwargs):
        calls.append(str(args[0]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    monkeypatch.setattr(backends, "OUTAGE_BACKOFF_SECONDS", 0.3)
    unreachable = backends.MeteredRedisCache(
        f"redis://127.0.0.1:{free_port()}/1",
        {
            "KEY_PREFIX": "unreachable",
            "OPTIONS": {
                "CLIENT_CLASS": "config.cache.BreakerClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 1,
            },
        },
    )
    yield unreachable, calls
    backends.breaker.succeeded()


def test_an_unreachable_redis_is_a_miss_and_dropped_writes_never_an_exception(
    unreachable_cache, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable, calls = unreachable_cache
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert unreachable.get("a", "default") == "default"
    assert calls == ["GET"]  # it did try Redis
    assert any(r.name == "config.cache" and r.levelno >= logging.WARNING for r in caplog.records)
    time.sleep(0.4)
    unreachable.set("b", 1)
    assert not unreachable.add("c", 1)
    time.sleep(0.4)
    assert unreachable.get_many(["d", "e"]) == {}
    time.sleep(0.4)
    unreachable.delete("f")
    time.sleep(0.4)
    assert unreachable.clear() is None


def test_after_one_failure_the_cache_skips_redis_until_the_backoff_ends(
    unreachable_cache, caplog: pytest.LogCaptureFixture
) -> None:
    """A frozen Redis costs each call its whole timeout: a page makes several calls, so after one
    failure the others must not even try (config.cache.breaker), nor log a traceback each."""
    unreachable, calls = unreachable_cache
    assert unreachable.get("a", "default") == "default"
    assert len(calls) == 1  # tried Redis, failed
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="config.cache"):
        assert unreachable.get("b", "default") == "default"
        unreachable.set("c", 1)
        assert unreachable.get_many(["d"]) == {}
        assert not unreachable.has_key("e")
    assert len(calls) == 1  # skipped: no further attempt during the backoff
    assert [r for r in caplog.records if r.name == "config.cache"] == []  # and no log line each
    time.sleep(0.4)
    assert unreachable.get("f") is None
    assert len(calls) == 2  # one probe after the backoff


@redis_only
def test_after_a_failure_a_working_redis_is_used_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from config import cache as backends

    monkeypatch.setattr(backends, "OUTAGE_BACKOFF_SECONDS", 0.3)
    backends.breaker.failed()
    try:
        cache.set("probe", "cached")  # skipped: the breaker is open
        assert cache.get("probe") is None
        time.sleep(0.4)
        cache.set("probe", "cached")  # the probe: Redis answers, the breaker closes
        assert cache.get("probe") == "cached"
        assert cache.add("added", 1) is True  # add() calls set() inside: not refused as a second call
        assert cache.get("added") == 1
    finally:
        backends.breaker.succeeded()

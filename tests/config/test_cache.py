"""The Redis cache shares its database with the channel layer (one REDIS_URL)."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.core.cache import cache

from tests.conftest import layer_receive

pytestmark = pytest.mark.redis


def test_clearing_the_cache_keeps_channel_groups_and_queued_events() -> None:
    layer = get_channel_layer()
    assert isinstance(layer, RedisChannelLayer)
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("cache-probe", channel)
    async_to_sync(layer.group_send)("cache-probe", {"type": "probe.queued"})
    cache.set("probe", "cached")
    assert cache.get("probe") == "cached"

    cache.clear()  # Django's RedisCache.clear() would FLUSHDB here

    assert cache.get("probe") is None
    assert layer_receive(channel)["type"] == "probe.queued"  # the queued event survived
    async_to_sync(layer.group_send)("cache-probe", {"type": "probe.after"})
    assert layer_receive(channel)["type"] == "probe.after"  # and so did the group
    async_to_sync(layer.group_discard)("cache-probe", channel)


def test_one_redis_client_serves_every_cache_call() -> None:
    """config.cache.ReusedClientRedisCacheClient: no new redis.Redis object per call."""
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    cache.set("probe", "cached")
    assert cache.get_many(["probe", "absent"]) == {"probe": "cached"}
    assert cache._cache.get_client() is client  # type: ignore[attr-defined]
    assert cache._cache.get_client(write=True) is client  # type: ignore[attr-defined]


@pytest.fixture
def unreachable_cache(monkeypatch: pytest.MonkeyPatch):
    """A TolerantRedisCache on a loopback port nothing listens on, and the process-wide breaker
    put back afterwards (the real cache shares it)."""
    from config import cache as tolerant
    from tests.live import free_port

    calls: list[bool] = []
    original = tolerant.ReusedClientRedisCacheClient.get_client

    def counting(self, key=None, *, write=False):
        calls.append(write)
        return original(self, key, write=write)

    monkeypatch.setattr(tolerant.ReusedClientRedisCacheClient, "get_client", counting)
    unreachable = tolerant.TolerantRedisCache(
        f"redis://127.0.0.1:{free_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}},
    )
    yield unreachable, calls
    tolerant.breaker.succeeded()


def test_after_one_failure_the_cache_skips_redis_until_the_backoff_ends(
    unreachable_cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frozen Redis costs each call its whole timeout: a page makes several calls, so after one
    failure the others must not even try (config.cache.breaker)."""
    import time

    from config import cache as tolerant

    unreachable, calls = unreachable_cache
    monkeypatch.setattr(tolerant, "OUTAGE_BACKOFF_SECONDS", 0.3)
    assert unreachable.get("a", "default") == "default"
    assert len(calls) == 1  # tried Redis, failed
    assert unreachable.get("b", "default") == "default"
    unreachable.set("c", 1)
    assert unreachable.get_many(["d"]) == {}
    assert len(calls) == 1  # skipped: no further attempt during the backoff
    time.sleep(0.4)
    assert unreachable.get("e") is None
    assert len(calls) == 2  # one probe after the backoff

"""The Redis cache shares its database with the channel layer (one REDIS_URL)."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache

from tests.conftest import layer_receive

pytestmark = pytest.mark.redis


def test_clearing_the_cache_keeps_channel_groups_and_queued_events() -> None:
    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisChannelLayer"
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

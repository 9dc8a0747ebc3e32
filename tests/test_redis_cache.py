"""The Redis cache backend keeps one client per server for the process (building one is as
slow as a call); building a client connects nowhere, so no Redis server is needed here."""

from config.redis_cache import RedisCache
from config.settings import cache_from_url


def test_redis_urls_use_the_backend_that_keeps_its_client():
    assert cache_from_url("redis://127.0.0.1:6379/0")["BACKEND"] == "config.redis_cache.RedisCache"


def test_every_call_gets_the_same_client_for_the_same_server():
    cache = RedisCache("redis://127.0.0.1:1/0", {})

    first = cache._cache.get_client()

    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first

"""With REDIS_URL set, every app server shares one cache in Redis."""

import os
import uuid

import pytest
from django.core.cache import caches

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_cache(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(
                f"REQUIRE_SERVICES=1 but Redis at {REDIS_URL} is unreachable: {exc}"
            )
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    prefix = f"tbc-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    cache = caches["shared"]
    yield cache
    # Remove only this test's keys: the server may be shared.
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_values_written_by_one_server_are_read_by_another(redis_cache):
    from django.core.cache.backends.redis import RedisCache

    assert redis_cache.set("greeting", {"text": "hello"}, 30) is None
    other_process = RedisCache(REDIS_URL, {"KEY_PREFIX": redis_cache.key_prefix})
    assert other_process.get("greeting") == {"text": "hello"}
    other_process.delete("greeting")
    assert redis_cache.get("greeting") is None


def test_counters_are_atomic_in_redis(redis_cache):
    redis_cache.set("signatures", 0)
    assert redis_cache.incr("signatures", 5) == 5
    assert redis_cache.incr("signatures") == 6

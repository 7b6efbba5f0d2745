"""A Redis cache that fails open: when Redis is unreachable the site serves uncached.

Django's Redis backend raises on a connection error, and Wagtail itself reads the cache on every
page (site root paths), so an outage of Redis would turn every page into an error page. This
backend answers like an empty cache instead (reads miss, writes are dropped) and, after a failure,
stops trying for ``RETRY_AFTER`` seconds so that a hanging Redis costs one timeout, not one per call.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", self.RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0

    def _call(self, method, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback()
        try:
            return getattr(super(), method)(*args, **kwargs)
        except (RedisError, OSError):
            self._down_until = time.monotonic() + self.retry_after
            logger.warning(
                "cache unreachable, serving uncached for %ss",
                self.retry_after,
                exc_info=True,
            )
            return fallback()

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        kwargs = {"timeout": timeout, "version": version}
        return self._call("add", lambda: False, key, value, **kwargs)

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        kwargs = {"timeout": timeout, "version": version}
        return self._call("set", lambda: None, key, value, **kwargs)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        kwargs = {"timeout": timeout, "version": version}
        return self._call("touch", lambda: False, key, **kwargs)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version=version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (cache unreachable).")

        return self._call("incr", missing, key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        kwargs = {"timeout": timeout, "version": version}
        return self._call("set_many", lambda: list(data), data, **kwargs)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version=version)

    def clear(self):
        return self._call("clear", lambda: False)

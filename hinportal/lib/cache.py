"""Django's Redis cache backend, keeping one Redis client per server instead of making one for
every operation.

Django's RedisCacheClient.get_client builds a new redis.Redis around the server's connection pool
for each get, set or delete, and redis-py 8 copies its table of about 170 response callbacks into
every new client: some 47 µs an operation on this project's machines, against a few µs for the
round trip to a local Redis. A signed-in page served whole from the shared cache makes two such
operations (its session, then the public version and the page together). A client holds nothing
but its pool and that table, so one is kept per pool. Django gives each thread a backend of its
own, so each gunicorn thread keeps its own client; a pool starts afresh in a forked process.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClients(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Both are Django's own (the stubs leave private members out); the pool lives as long as
        # the backend.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    """CACHE_URL's redis:// backend (settings swap it in for Django's own)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClients

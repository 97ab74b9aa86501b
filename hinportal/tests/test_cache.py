"""The shared cache's backend: Django's Redis cache, keeping one client per server rather than
making one for every operation (hinportal/lib/cache.py)."""

from django.core.cache import cache


def test_one_client_is_kept_and_serves_every_operation(redis_cache):
    backend = cache._cache
    assert type(backend).__name__ == "KeptClients"
    assert backend.get_client() is backend.get_client(write=True)
    cache.set("kept:page", {"html": b"<p>kept</p>"}, 30)
    assert cache.get("kept:page") == {"html": b"<p>kept</p>"}
    assert 0 < redis_cache.ttl(cache.make_and_validate_key("kept:page")) <= 30
    assert cache.add("kept:page", "other") is False
    cache.set_many({"kept:a": 1, "kept:b": 2})
    assert cache.incr("kept:a") == 2
    assert cache.get_many(["kept:a", "kept:b", "kept:none"]) == {"kept:a": 2, "kept:b": 2}
    cache.delete_many(["kept:a", "kept:b"])
    assert cache.get("kept:a") is None

"""Counting events per key in the shared cache, to slow down guessing and mail bombing.

A fixed window per key: the first event of a window creates its counter, and the counter expires
with the window. With a shared cache (CACHE_URL) every web host counts together.
"""

import time

from django.core.cache import cache


def _window_key(key: str, seconds: int) -> str:
    return f"throttle:{key}:{int(time.time() // seconds)}"


def count(key: str, *, seconds: int) -> int:
    """Count one event for this key in the current window and return how many there have been."""
    window = _window_key(key, seconds)
    cache.add(window, 0, seconds)
    try:
        return cache.incr(window)
    except ValueError:  # the counter expired between add and incr: this event starts a new one
        cache.add(window, 1, seconds)
        return 1


def exceeded(key: str, *, limit: int, seconds: int) -> bool:
    """Whether this key has already had `limit` events in the current window (counts nothing)."""
    return (cache.get(_window_key(key, seconds)) or 0) >= limit

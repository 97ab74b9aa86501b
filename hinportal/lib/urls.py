"""Addresses of records, reversed once per process.

A page can link the same kind of record dozens of times (an ICS page or an innovation's map links
all 42 systems); `reverse` walks the URL patterns each time. The address depends only on the view,
its arguments and the script prefix a deployment serves under, so it is kept for those.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse


def record_url(viewname: str, *args: str | int) -> str:
    return _reversed(viewname, args, get_script_prefix())


@lru_cache(maxsize=4096)
def _reversed(viewname: str, args: tuple[str | int, ...], prefix: str) -> str:
    # The prefix is part of the key: reverse() reads it (from this thread) and puts it first.
    return reverse(viewname, args=args)

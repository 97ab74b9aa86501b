"""A value a view offers its template without working it out until the template asks for it.

Django's templates call any callable they meet in a variable, so a view can pass `Deferred(...)` for
what only a part of the page needs. When that part comes from the shared cache
(templatetags/fragments.py: `public_fragment`) the template never asks and the work is never done;
when it does ask, the value is worked out once and kept for the rest of the render.
"""

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
_UNSET = object()


class Deferred(Generic[T]):
    __slots__ = ("_compute", "_value")

    def __init__(self, compute: Callable[[], T]) -> None:
        self._compute = compute
        self._value: object = _UNSET

    def __call__(self) -> T:
        if self._value is _UNSET:
            self._value = self._compute()
        return self._value  # type: ignore[return-value]

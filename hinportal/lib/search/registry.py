"""The models search knows: each registers, in its app's ready(), the text its embedding is made from.

Registering also queues a refresh of the embeddings after every save or delete of a row, once the
transaction commits (imports and seed_demo, which write in bulk, run the refresh themselves).
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save


@dataclass(frozen=True)
class Searchable:
    model: type[Model]
    text: Any  # an expression of the row's own columns: what its embedding says

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_registry: dict[str, Searchable] = {}


def register(model: type[Model], *, text: Any) -> None:
    searchable = Searchable(model, text)
    _registry[searchable.label] = searchable
    post_save.connect(_queue_refresh, sender=model, dispatch_uid=f"search-refresh-save-{searchable.label}")
    post_delete.connect(_queue_refresh, sender=model, dispatch_uid=f"search-refresh-delete-{searchable.label}")


def searchables() -> list[Searchable]:
    return list(_registry.values())


def searchable(model: type[Model]) -> Searchable:
    return _registry[model._meta.label_lower]


def _queue_refresh(sender: type[Model], **kwargs: Any) -> None:
    from ..tasks import queue_embeddings_refresh

    transaction.on_commit(queue_embeddings_refresh)

"""Optimistic locking: a record's version goes up on every save, and a form saves only over the
version it was opened on, so two people editing at once never silently lose the first one's work."""

from itertools import pairwise
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone


class Versioned(models.Model):
    # db_default too: the demonstration data arrives by COPY, which knows only database defaults.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


def stored_version(instance: Versioned, *, lock: bool = False) -> int | None:
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    if lock:
        rows = rows.select_for_update()
    return rows.values_list("version", flat=True).first()


def changes_since(instance: Versioned, version: int) -> str:
    """Who changed the record, when and which fields, since the given version (from its history)."""
    history = getattr(type(instance), "history", None)
    if history is None:
        return ""
    records = list(history.filter(id=instance.pk, version__gte=version).order_by("history_date"))
    if len(records) < 2:
        return ""
    fields = []
    for older, newer in pairwise(records):
        for change in newer.diff_against(older, excluded_fields=["version"]).changes:
            name = str(getattr(instance._meta.get_field(change.field), "verbose_name", change.field))
            if name not in fields:
                fields.append(name)
    latest = records[-1]
    who = latest.history_user or "someone"
    when = timezone.localtime(latest.history_date).strftime("%H:%M on %d %B")
    return f"{who} saved it at {when}" + (f", changing {', '.join(fields)}" if fields else "")


class VersionCheckedForm(forms.ModelForm):
    """A model form that refuses to save over a version of the record other than the one it showed.

    The refused form keeps what the person typed and now carries the current version: saving
    again replaces the other person's changes on purpose, not by accident."""

    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            # From the database: a revert page shows an old version but saves over the current one.
            self.fields["version_seen"].initial = stored_version(self.instance)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is None or self.instance._state.adding:
            return cleaned
        seen = cleaned.get("version_seen")
        with transaction.atomic():
            current = stored_version(self.instance, lock=True)  # held until the admin's transaction ends
        if current is not None and seen != current:
            what = changes_since(self.instance, seen) if seen else ""
            data: Any = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict, immutable until copied
            data[self.add_prefix("version_seen")] = current
            self.data = data
            raise ValidationError(
                f"Someone else saved this {self.instance._meta.verbose_name} after you opened it"
                + (f": {what}." if what else ".")
                + " Your changes are not saved yet; they are still in the form. Open the record in another tab "
                "to see what they changed, then save again here to replace it with yours.",
                code="conflict",
            )
        return cleaned

"""Draft, in review, published, archived: the publishing workflow shared by innovations,
programmes and publications. Transitions check the person's role and record who and when."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from . import fields
from .access import Person, can_change, can_publish
from .versioning import Versioned


class Status(models.TextChoices):
    """Where a record is in the publishing workflow."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in-review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


# Editors change records only while they are in these; publishers and national administrators always.
EDITABLE_BY_EDITORS = {Status.DRAFT, Status.IN_REVIEW}

# action: (statuses it may start from, the status it leads to, the right it needs, past tense)
TRANSITIONS = {
    "submit": ({Status.DRAFT}, Status.IN_REVIEW, "change", "submitted for review"),
    "return_to_draft": ({Status.IN_REVIEW}, Status.DRAFT, "change", "returned to draft"),
    "publish": ({Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED}, Status.PUBLISHED, "publish", "published"),
    "unpublish": ({Status.PUBLISHED}, Status.DRAFT, "publish", "unpublished"),
    "archive": ({Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED}, Status.ARCHIVED, "publish", "archived"),
}


class WorkflowQuerySet(models.QuerySet):
    def published(self) -> "WorkflowQuerySet":
        return self.filter(status=Status.PUBLISHED)


class Workflow(Versioned):
    status = fields.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def editable_by_editors(self) -> bool:
        return self.status in EDITABLE_BY_EDITORS

    def transition(self, action: str, *, by: Person) -> None:
        """Move to the status the action leads to, if the person may and the record is in a status it allows.

        The row is locked and its status read again first, so of two transitions at once (a publish
        and an archive) the second sees what the first did; only the workflow's own fields are
        written, so a content edit saved meanwhile is kept."""
        starts, target, right, done = TRANSITIONS[action]
        with transaction.atomic():
            stored = type(self)._default_manager.select_for_update().get(pk=self.pk)
            self.status, self.version = stored.status, stored.version
            if self.status not in starts:
                raise ValidationError(f"‘{self}’ is {self.get_status_display().lower()}, so it cannot be {done}.")
            allowed = can_publish(by, self) if right == "publish" else can_change(by, self)
            if not allowed:
                raise PermissionDenied(f"You may not have ‘{self}’ {done}.")
            self.status = target
            self.status_changed_at = timezone.now()
            self.status_changed_by = by  # type: ignore[assignment]  # a signed-in person
            changed = ["status", "status_changed_at", "status_changed_by", *self.on_status_change()]
            changed += [f.name for f in self._meta.concrete_fields if getattr(f, "auto_now", False)]
            self.save(update_fields=changed)

    def on_status_change(self) -> list[str]:
        """A hook for models that keep more state about publication: returns the fields it set."""
        return []

    def submit_for_review(self, *, by: Person) -> None:
        self.transition("submit", by=by)

    def return_to_draft(self, *, by: Person) -> None:
        self.transition("return_to_draft", by=by)

    def publish(self, *, by: Person) -> None:
        self.transition("publish", by=by)

    def unpublish(self, *, by: Person) -> None:
        self.transition("unpublish", by=by)

    def archive(self, *, by: Person) -> None:
        self.transition("archive", by=by)

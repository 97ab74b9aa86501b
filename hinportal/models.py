import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models, transaction
from django.db.models.functions import Lower, Now
from simple_history.models import HistoricalRecords

from .lib import fields
from .lib.access import SHARED
from .lib.versioning import Versioned


class ImportJob(models.Model):
    """One uploaded spreadsheet on its way in: checked, shown to its importer, then imported in one
    transaction, by the task worker for a large file. Kept in the database, so every web host and
    worker sees the same job."""

    class State(models.TextChoices):
        CHECKING = "checking", "Checking"
        READY = "ready", "Checked: ready to import"
        REFUSED = "refused", "Refused"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        STOPPED = "stopped", "Stopped before it finished"

    IN_PROGRESS = (State.CHECKING, State.IMPORTING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    importer = models.CharField(max_length=100, help_text="The dotted path of the importer class.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(help_text="The file as uploaded; emptied once it is imported or refused.")
    state = models.CharField(max_length=10, choices=State, default=State.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="Rows by what importing them does: new, changed, unchanged.")
    preview = models.JSONField(default=list, help_text="The first rows, as the person sees them before importing.")
    problems = models.JSONField(default=list, help_text="[line, column, message] for each problem found.")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="importjob_created")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display().lower()})"

    @property
    def lock_key(self) -> int:
        """The PostgreSQL advisory lock a worker holds while it works on this job."""
        return int.from_bytes(self.id.bytes[:8], "big", signed=True)

    @property
    def percent_checked(self) -> int:
        return round(100 * self.rows_checked / self.rows_total) if self.rows_total else 0


class ExportJob(models.Model):
    """A staff screen's export too large to write while the person waits: the rows chosen (their
    primary keys, as filtered and scoped when asked for), written by the task worker into a file
    kept here for the person who asked, and for no one else."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for the task worker"
        WRITING = "writing", "Writing"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    model = models.CharField(max_length=100, help_text="The exported model's label, e.g. innovations.Adoption.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10, help_text="The file's extension: csv or xlsx.")
    resource = models.PositiveSmallIntegerField(default=0, help_text="Which of the admin's export resources.")
    fields = models.JSONField(default=list, help_text="The columns chosen on the export form (empty: all).")
    pks = models.JSONField(default=list, help_text="The primary keys of the rows to export, in order.")
    state = models.CharField(max_length=10, choices=State, default=State.WAITING)
    rows_total = models.PositiveIntegerField(default=0)
    content = models.BinaryField(default=b"", help_text="The written file.")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="exportjob_created")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display().lower()})"


class Synonym(Versioned):
    """A search term and the other words people use for the same thing: an abbreviation, a lay
    term, another spelling. A search for any of them finds records that use any other, with no
    re-indexing: the search reads this table when it reads the query. Shared by every network."""

    class Kind(models.TextChoices):
        ABBREVIATION = "abbreviation", "Abbreviation"
        LAY_TERM = "lay-term", "Lay term"
        SPELLING = "spelling", "Other spelling"
        RELATED = "related", "Same meaning"

    term = fields.CharField(
        max_length=100, help_text="The term as the catalogue says it, e.g. benign prostatic hyperplasia."
    )
    equivalents = ArrayField(
        fields.CharField(max_length=100),
        help_text="Other words for it, e.g. BPH and enlarged prostate.",
    )
    kind = fields.CharField(max_length=20, choices=Kind, default=Kind.RELATED)
    note = fields.CharField(max_length=300, blank=True, help_text="Where it comes from, or why it is here.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    owner_path = SHARED

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="synonym_term_unique",
                violation_error_message=(
                    "There is already a synonym for this term (perhaps in other capitals): add to that one."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def members(self) -> list[str]:
        return [self.term, *self.equivalents]

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        from .lib.search.synonyms import changed

        transaction.on_commit(changed)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        result = super().delete(*args, **kwargs)
        from .lib.search.synonyms import changed

        transaction.on_commit(changed)
        return result


class SearchWord(models.Model):
    """The words of every searchable record, with their stems: for "Did you mean", for typing
    mistakes and for near forms of a word (colonoscopy, colonoscope). Filled by database triggers
    on every write path (hinportal/lib/search/sql.py)."""

    word = models.CharField(max_length=60, primary_key=True)
    stem = models.CharField(max_length=60)

    class Meta:
        indexes = [
            GinIndex(name="search_word_trgm", fields=["word"], opclasses=["gin_trgm_ops"]),
            models.Index(name="search_word_stem", fields=["stem"], opclasses=["text_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.word


class Embedding(models.Model):
    """A record's sentence embedding, and the hash of the text it was made from: when the record's
    text changes the hashes differ, and `manage.py embed` (or the task every save queues) makes a
    new one. 384 half-precision numbers; kept apart from the records so that their tables stay narrow."""

    kind = models.CharField(max_length=60, help_text="app_label.model_name of the record.")
    object_id = models.BigIntegerField()
    text_hash = models.CharField(max_length=32)
    vector = models.BinaryField()
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="embedding_one_per_record")]
        indexes = [
            models.Index(fields=["updated_at"], name="embedding_updated"),
            models.Index(fields=["text_hash"], name="embedding_text_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"

import uuid

from django.conf import settings
from django.db import models


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

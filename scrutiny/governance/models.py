"""Evaluation export jobs and notification digest preferences (app label "governance")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ExportJob(models.Model):
    """An aggregate export of one dashboard, built by a background task. Holds only suppressed
    aggregate figures (never case data) and is visible only to whoever asked for it."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="governance_exports"
    )
    area = models.ForeignKey(
        "agencies.Area", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    format = models.CharField(max_length=8, choices=ExportFormat.choices)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # Progress in the export's own unit: dashboard blocks (the scope itself, then one per area for
    # a national export) built so far, of how many; row_count counts the rows written so far.
    blocks_done = models.PositiveIntegerField(default=0)
    blocks_total = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    content = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="governance_export_progress_max_100"
            )
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.get_format_display()}, {self.get_status_display()})"

    @property
    def filename(self) -> str:
        scope = f"area-{self.area_id}" if self.area_id else "national"
        return f"governance-{scope}-{self.created_at:%Y-%m-%d}-{self.pk}.{self.format}"


class DigestFrequency(models.TextChoices):
    NEVER = "never", "No emails"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly (Mondays)"


class DigestPreference(models.Model):
    """Whether, and how often, someone gets an email digest of their unread notifications."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(
        max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.NEVER
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Digest for user {self.user_id}: {self.frequency}"


class OverdueNotice(models.Model):
    """Marks a scrutiny action the overdue sweep has already announced, so each action is
    announced once when it becomes overdue (and again only if it is reopened and lapses again)."""

    action = models.OneToOneField("scrutiny.Action", on_delete=models.CASCADE, related_name="overdue_notice")
    due_on = models.DateField()
    notified_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Overdue notice for action {self.action_id}"

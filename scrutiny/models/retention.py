"""Legal holds and retention batches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from scrutiny.models.cases import Case
from scrutiny.models.meetings import Meeting


class LegalHold(models.Model):
    """A legal hold on one case or one meeting, and its history. While a hold is active (not
    cleared), retention deletes neither the record nor anything tied to it (scrutiny/retention.py).
    Set and cleared by the panel's coordinator or a platform administrator, each with a reason;
    `Case.legal_hold` / `Meeting.legal_hold` mirror whether an active row exists."""

    REASON_MAX = 500

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="legal_holds"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="legal_holds"
    )
    reason = models.TextField(max_length=REASON_MAX)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.TextField(max_length=REASON_MAX, blank=True)

    class Meta:
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, meeting__isnull=True)
                    | models.Q(case__isnull=True, meeting__isnull=False)
                ),
                name="scrutiny_hold_one_target",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(cleared_at__isnull=True),
                name="scrutiny_one_active_case_hold",
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(cleared_at__isnull=True),
                name="scrutiny_one_active_meeting_hold",
            ),
        ]

    def __str__(self) -> str:
        return f"Legal hold {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class RetentionBatch(models.Model):
    """One batch of records deleted by retention: the record type, how many, and their ids, never
    their content (for sessions only the count: session keys are credentials). The batch's
    AccessEvent (verb delete, object type "retention_batch") is its audit entry."""

    record_type = models.CharField(max_length=40)
    ran_at = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField()
    object_ids = models.JSONField(default=list, blank=True)
    panel_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-ran_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention batch {self.pk}"

"""The access audit: append-only AccessEvent rows and their checkpoints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessVerb(models.TextChoices):
    VIEW = "view", "Viewed"
    EDIT = "edit", "Created or edited"
    EXPORT = "export", "Exported"
    DELETE = "delete", "Deleted"
    DECLARE = "declare", "Declared involvement"
    REFUSED = "refused", "Refused access"
    # An account security event (agencies/audit.py: sign-ins, lockouts, MFA, roles...), chained here
    # by scrutiny/audit/security.py: object_type is the action, the audience names the subject.
    SECURITY = "security", "Account security event"


class AccessChannel(models.TextChoices):
    PAGE = "page", "Web page"
    API = "api", "API"
    EXPORT = "export", "Export file"
    WEBSOCKET = "websocket", "Live update"
    EMAIL = "email", "Email"
    COMMAND = "command", "Management command"
    ACCOUNT = "account", "Account and sign-in"


class AppendOnlyError(Exception):
    pass


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("Access events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access events are append-only.")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise AppendOnlyError("Access events are append-only.")

    def bulk_create(self, objs: Any, *args: object, **kwargs: object) -> list[AccessEvent]:
        """One by one, so every row joins the hash chain (bulk_create would skip save())."""
        objs = list(objs)
        for obj in objs:
            obj.save(using=self.db)
        return objs


class AccessEvent(models.Model):
    """Append-only: who did what to which record, as which audience, through which channel, and
    under which meeting (the justification). Never carries case content. Rows cannot be changed or
    deleted through the ORM, database triggers refuse it too on SQLite and PostgreSQL, and every
    row is hash-chained to the one before (scrutiny/audit/, migration 0006)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    verb = models.CharField(max_length=20, choices=AccessVerb.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField(null=True)
    audience = models.CharField(max_length=30)
    channel = models.CharField(max_length=20, choices=AccessChannel.choices)
    panel_id = models.PositiveBigIntegerField(null=True, db_index=True)
    meeting_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The hash chain (scrutiny/audit/): SHA-256 of this row's canonical content and the previous
    # row's hash. Unique predecessor: two rows can never extend the same head (no fork).
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        permissions = [
            (
                "review_audit",
                "Can review and export the platform-wide access audit (data protection officer)",
            ),
        ]

    def __str__(self) -> str:
        return f"Access event {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Access events are append-only.")
        from scrutiny.audit import chain_append

        # One INSERT that reads the chain head and hashes the row (scrutiny/audit/).
        chain_append(self, using=kwargs.get("using"))

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access events are append-only.")


class AuditCheckpoint(models.Model):
    """One pruning of the access audit (scrutiny/audit/ prune_audit): the rows up to and
    including `through_id` were deleted, all older than `before`. `through_hash` is the last
    pruned row's hash, where verify_audit resumes the chain; `first_prev_hash` is the first pruned
    row's predecessor, which must be the previous checkpoint's `through_hash`. Append-only (triggers
    on both databases); the database lets an access event be deleted only when a checkpoint covers
    it, and on PostgreSQL only the owner may write checkpoints."""

    created_at = models.DateTimeField(default=timezone.now)
    before = models.DateTimeField()
    retention_days = models.PositiveIntegerField()
    through_id = models.PositiveBigIntegerField(unique=True)
    through_hash = models.CharField(max_length=64)
    first_prev_hash = models.CharField(max_length=64)
    pruned = models.PositiveIntegerField()

    class Meta:
        ordering = ["through_id"]

    def __str__(self) -> str:
        return f"Audit checkpoint through {self.through_id}"

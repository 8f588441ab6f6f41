"""Reads for governance pages, each taking the viewer."""

from __future__ import annotations

from django.db.models import QuerySet

from agencies.models import User
from scrutiny.governance.models import DigestFrequency, DigestPreference, ExportJob


def export_get(*, viewer: User, job_id: int) -> ExportJob | None:
    """The viewer's own export job (None for anyone else's: no IDOR)."""
    return (
        ExportJob.objects.defer("content")
        .select_related("area")
        .filter(pk=job_id, requested_by=viewer)
        .first()
    )


def export_content(*, viewer: User, job_id: int) -> bytes | None:
    content = (
        ExportJob.objects.filter(pk=job_id, requested_by=viewer).values_list("content", flat=True).first()
    )
    return bytes(content) if content is not None else None


def exports_recent(*, viewer: User, limit: int = 10) -> QuerySet[ExportJob]:
    return ExportJob.objects.defer("content").select_related("area").filter(requested_by=viewer)[:limit]


def digest_frequency(*, viewer: User) -> str:
    return (
        DigestPreference.objects.filter(user=viewer).values_list("frequency", flat=True).first()
        or DigestFrequency.NEVER
    )

"""Background work for governance: building evaluation exports (django-tasks)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from agencies.models import Area
from scrutiny.governance import exports, figures, permissions
from scrutiny.governance.models import ExportFormat, ExportJob, ExportStatus


def _update(job_id: int, **fields: object) -> None:
    ExportJob.objects.filter(pk=job_id).update(**fields)


@task()
def build_export(job_id: int) -> None:
    """Build one export as the person who asked for it (their access is re-checked here, so an
    export requested before their access was removed is never produced)."""
    job = ExportJob.objects.select_related("requested_by__agency", "area").filter(pk=job_id).first()
    if job is None or job.status != ExportStatus.QUEUED:
        return
    viewer = job.requested_by
    allowed = permissions.can_view_export(viewer, job)
    if not allowed:
        _update(job_id, status=ExportStatus.FAILED, finished_at=timezone.now())
        return
    _update(job_id, status=ExportStatus.RUNNING, progress=0)
    # The dashboard's own scope first, then (national exports) one block per area: progress is
    # reported per block, which is what makes a large export's progress visible.
    scopes: list[Area | None] = [job.area]
    if job.area is None:
        scopes += list(permissions.viewable_areas(viewer))
    rows: list[exports.Row] = []
    for index, scope in enumerate(scopes, start=1):
        dashboard = figures.dashboard_for(viewer=viewer, area=scope)
        label = scope.name if scope is not None else "England and Wales"
        rows.extend((label, *row) for row in figures.export_rows(dashboard))
        _update(job_id, progress=min(99, round(100 * index / len(scopes))))
    content = exports.to_xlsx(rows) if job.format == ExportFormat.XLSX else exports.to_csv(rows)
    with transaction.atomic():
        _update(
            job_id,
            status=ExportStatus.READY,
            progress=100,
            row_count=len(rows),
            content=content,
            finished_at=timezone.now(),
        )

"""Background work for governance: building evaluation exports (django-tasks).

In the embedded default the task runs at once (immediate backend); at scale-out it is queued in the
database and `manage.py db_worker` (django-tasks-db) runs it, writing progress to the ExportJob as it
goes so the export page can show it."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from agencies.models import Area
from scrutiny.governance import exports, figures, permissions
from scrutiny.governance.models import ExportFormat, ExportJob, ExportStatus

logger = logging.getLogger(__name__)


def _update(job_id: int, **fields: object) -> None:
    ExportJob.objects.filter(pk=job_id).update(**fields)


@task()
def build_export(job_id: int) -> None:
    """Build one export as the person who asked for it (their access is re-checked here, so an
    export requested before their access was removed is never produced)."""
    job = ExportJob.objects.select_related("requested_by__agency", "area").filter(pk=job_id).first()
    if job is None or job.status != ExportStatus.QUEUED:
        return
    try:
        _build(job)
    except Exception:
        # The page says it failed instead of "being prepared" forever; the worker records the error.
        logger.exception("governance export %s failed", job_id)
        _update(job_id, status=ExportStatus.FAILED, finished_at=timezone.now())
        raise


def _build(job: ExportJob) -> None:
    viewer = job.requested_by
    if not permissions.can_view_export(viewer, job):
        _update(job.pk, status=ExportStatus.FAILED, finished_at=timezone.now())
        return
    # Figures are suppressed together for the national dashboard and every area (as every page
    # shows them), so the file agrees with the pages. Progress is reported per dashboard block: the
    # scope itself, then (national exports) one block per area.
    scopes: list[Area | None] = [job.area]
    if job.area is None:
        scopes += list(permissions.viewable_areas(viewer))
    _update(job.pk, status=ExportStatus.RUNNING, progress=0, blocks_done=0, blocks_total=len(scopes))
    all_scopes, all_stats = figures.suppressed_scopes(viewer=viewer)
    by_scope = {(s.pk if s is not None else None): st for s, st in zip(all_scopes, all_stats, strict=True)}
    rows: list[exports.Row] = []
    for index, scope in enumerate(scopes, start=1):
        stats = by_scope.get(scope.pk if scope is not None else None)
        dashboard = (
            figures.dashboard_from(scope, stats)
            if stats is not None
            else figures.dashboard_for(viewer=viewer, area=scope)
        )
        label = figures.scope_label(scope)
        rows.extend((label, *row) for row in figures.export_rows(dashboard))
        _update(
            job.pk, progress=min(99, round(100 * index / len(scopes))), blocks_done=index, row_count=len(rows)
        )
    content = exports.to_xlsx(rows) if job.format == ExportFormat.XLSX else exports.to_csv(rows)
    with transaction.atomic():
        _update(
            job.pk,
            status=ExportStatus.READY,
            progress=100,
            row_count=len(rows),
            content=content,
            finished_at=timezone.now(),
        )

"""Exports, governance figures and the panel's access log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.http import AuthenticatedHttpRequest
from scrutiny import exports, permissions, presenters, selectors, services
from scrutiny.governance import figures as governance_figures
from scrutiny.models import (
    AccessChannel,
    AccessVerb,
)
from scrutiny.redaction import Audience, redact
from scrutiny.reporting import scrutiny_view
from scrutiny.views.common import log_view, page_number, panel_or_404

ACCESS_LOG_PAGE_SIZE = 50  # events a page of a panel's access log

# Exports and the access log -----------------------------------------------------------------------

FINDING_COLUMNS = ("id", "meeting", "case", "theme", "kind", "text", "recorded_at", "recorded_by")
ACTION_COLUMNS = (
    "id",
    "finding",
    "description",
    "owner_agency",
    "owner_role",
    "due_on",
    "status",
    "overdue",
    "closed_at",
    "created_by",
)
ACCESS_COLUMNS = (
    "id",
    "at",
    "actor",
    "verb",
    "object_type",
    "object_id",
    "audience",
    "channel",
    "meeting_id",
)


def _export_format(fmt: str) -> str:
    if fmt not in exports.FORMATS:
        raise Http404
    return fmt


def _exportable_panel(request: AuthenticatedHttpRequest, panel_id: int) -> tuple[Any, Any]:
    """The panel and the viewer's audience for an export of its findings or actions; a viewer who
    may not export them is refused (and the refusal audited)."""
    panel = panel_or_404(request, panel_id)
    if not permissions.can_export_findings(request.user, panel):
        raise permissions.Refused(
            panel, panel_id=panel.pk, audience=permissions.panel_audience(request.user, panel)
        )
    return panel, permissions.panel_audience(request.user, panel)


def _panel_export(
    request: AuthenticatedHttpRequest,
    panel: Any,
    audience: Any,
    fmt: str,
    *,
    what: str,
    columns: Any,
    rows: list[Any],
) -> HttpResponse:
    """Audit the export of a panel's `what`, then answer with the redacted rows as a file."""
    services.access_record(
        actor=request.user,
        verb=AccessVerb.EXPORT,
        object_type=what,
        audience=audience,
        channel=AccessChannel.EXPORT,
        panel_id=panel.pk,
    )
    return exports.respond(
        fmt=fmt,
        filename=f"{what}-panel-{panel.pk}",
        columns=columns,
        rows=exports.table(rows, columns),
        user=request.user,
    )


@require_GET
@scrutiny_view
def findings_export(request: AuthenticatedHttpRequest, panel_id: int, fmt: str) -> HttpResponse:
    fmt = _export_format(fmt)
    panel, audience = _exportable_panel(request, panel_id)
    findings = selectors.panel_findings(viewer=request.user, panel=panel)
    rows = [presenters.labelled(type(f), redact(f, audience), "kind") for f in findings]
    return _panel_export(request, panel, audience, fmt, what="findings", columns=FINDING_COLUMNS, rows=rows)


@require_GET
@scrutiny_view
def actions_export(request: AuthenticatedHttpRequest, panel_id: int, fmt: str) -> HttpResponse:
    fmt = _export_format(fmt)
    panel, audience = _exportable_panel(request, panel_id)
    actions = selectors.panel_actions(viewer=request.user, panel=panel)
    rows = []
    for action in actions:
        row = redact(action, audience)
        row["overdue"] = "yes" if ("status" in row and action.is_overdue()) else ""
        rows.append(row)
    return _panel_export(request, panel, audience, fmt, what="actions", columns=ACTION_COLUMNS, rows=rows)


@require_GET
@scrutiny_view
def aggregate_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """Suppressed scrutiny figures of every scope the viewer may fetch (scrutiny.governance.figures:
    the same publication and scopes as the dashboards and the API)."""
    fmt = _export_format(fmt)
    if not permissions.can_export_aggregate(request.user):
        raise PermissionDenied
    rows = [list(row) for row in governance_figures.aggregate_rows(viewer=request.user)]
    services.access_record(
        actor=request.user,
        verb=AccessVerb.EXPORT,
        object_type="aggregate",
        audience="aggregate",
        channel=AccessChannel.EXPORT,
    )
    return exports.respond(
        fmt=fmt,
        filename="scrutiny-figures",
        columns=AGGREGATE_COLUMNS,
        rows=exports.table(
            (dict(zip(AGGREGATE_COLUMNS, row, strict=True)) for row in rows), AGGREGATE_COLUMNS
        ),
        user=request.user,
    )


AGGREGATE_COLUMNS = ("scope", "section", "measure", "breakdown", "value")


@require_GET
@scrutiny_view
def access_log(request: AuthenticatedHttpRequest, panel_id: int) -> HttpResponse:
    panel = panel_or_404(request, panel_id)
    if not permissions.can_view_access_log(request.user, panel):
        raise permissions.Refused(panel, panel_id=panel.pk)
    page = selectors.access_event_page(
        viewer=request.user, panel=panel, number=page_number(request), per_page=ACCESS_LOG_PAGE_SIZE
    )
    rows = presenters.access_rows(list(page.object_list), Audience.COORDINATOR)
    log_view(request, panel, Audience.COORDINATOR, panel.pk)
    return render(
        request,
        "scrutiny/access_log.html",
        {
            "panel": presenters.panel_view(panel, Audience.COORDINATOR),
            "panel_id": panel.pk,
            "events": rows,
            "page": page,
        },
    )


@require_GET
@scrutiny_view
def access_log_export(request: AuthenticatedHttpRequest, panel_id: int, fmt: str) -> HttpResponse:
    fmt = _export_format(fmt)
    panel = panel_or_404(request, panel_id)
    if not permissions.can_view_access_log(request.user, panel):
        raise permissions.Refused(panel, panel_id=panel.pk)
    rows = [
        redact(e, Audience.COORDINATOR)
        for e in selectors.access_events(viewer=request.user, panel=panel, limit=100_000)
    ]
    services.access_record(
        actor=request.user,
        verb=AccessVerb.EXPORT,
        object_type="access_log",
        audience=Audience.COORDINATOR,
        channel=AccessChannel.EXPORT,
        panel_id=panel.pk,
    )
    return exports.respond(
        fmt=fmt,
        filename=f"access-log-panel-{panel.pk}",
        columns=ACCESS_COLUMNS,
        rows=exports.table(rows, ACCESS_COLUMNS),
        user=request.user,
    )

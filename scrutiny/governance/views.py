"""Governance pages: dashboards (area and national), their live fragment, exports, digests."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.http import AuthenticatedHttpRequest
from agencies.models import Area
from scrutiny import services as scrutiny_services
from scrutiny.governance import figures, forms, permissions, selectors, services
from scrutiny.governance.models import ExportStatus
from scrutiny.models import AccessChannel, AccessVerb


def _audit(
    request: AuthenticatedHttpRequest,
    area: Area | None,
    verb: str,
    channel: str,
    object_type: str = "aggregate",
) -> None:
    """Governance reads are figures, not records: audited like the figures API and export
    (object: the area, none for national)."""
    scrutiny_services.access_record(
        actor=request.user,
        verb=verb,
        object_type=object_type,
        object_id=area.pk if area is not None else None,
        audience="aggregate",
        channel=channel,
    )


def _scope(request: AuthenticatedHttpRequest, area_id: int | None, areas: list[Area]) -> Area | None:
    """The dashboard scope, after checking the viewer may see it (403 otherwise; 404 for an area
    that does not exist). `areas`: every area (the figures need the list anyway)."""
    if area_id is None:
        if not permissions.can_view_national(request.user):
            raise PermissionDenied
        return None
    if not permissions.can_view_any(request.user):
        raise PermissionDenied
    area = next((a for a in areas if a.pk == area_id), None)
    if area is None:
        raise Http404
    if not permissions.can_view_area(request.user, area.pk):
        raise PermissionDenied
    return area


def _urls(area: Area | None) -> dict[str, str]:
    if area is None:
        return {
            "ws_path": "/ws/governance/national/",
            "figures_url": reverse("governance:national-figures"),
            "export_url": reverse("governance:national-export"),
        }
    return {
        "ws_path": f"/ws/governance/area/{area.pk}/",
        "figures_url": reverse("governance:area-figures", args=[area.pk]),
        "export_url": reverse("governance:area-export", args=[area.pk]),
    }


@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_view_any(request.user):
        raise PermissionDenied
    return render(
        request,
        "scrutiny/governance/index.html",
        {
            "national": permissions.can_view_national(request.user),
            "areas": list(permissions.viewable_areas(request.user)),
            "exports": list(selectors.exports_recent(viewer=request.user)),
        },
    )


def _dashboard(
    request: AuthenticatedHttpRequest, area_id: int | None, form: forms.ExportForm | None = None
) -> HttpResponse:
    areas = figures.all_areas()
    area = _scope(request, area_id, areas)
    dashboard = figures.dashboard_for(viewer=request.user, area=area, areas=areas)
    _audit(request, area, AccessVerb.VIEW, AccessChannel.PAGE)
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "scrutiny/governance/dashboard.html",
        {
            "dashboard": dashboard,
            "form": form or forms.ExportForm(),
            # The areas permissions.viewable_areas gives, from the list already read.
            "other_areas": [
                a
                for a in areas
                if permissions.can_view_area(request.user, a.pk) and (area is None or a.pk != area.pk)
            ],
            "national": permissions.can_view_national(request.user) and area is not None,
            **_urls(area),
        },
        status=status,
    )


@require_GET
def national(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _dashboard(request, None)


@require_GET
def area(request: AuthenticatedHttpRequest, area_id: int) -> HttpResponse:
    return _dashboard(request, area_id)


def _figures(request: AuthenticatedHttpRequest, area_id: int | None) -> HttpResponse:
    areas = figures.all_areas()
    area = _scope(request, area_id, areas)
    dashboard = figures.dashboard_for(viewer=request.user, area=area, areas=areas)
    _audit(request, area, AccessVerb.VIEW, AccessChannel.PAGE)
    return render(request, "scrutiny/governance/_figures.html", {"dashboard": dashboard})


@require_GET
def national_figures(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _figures(request, None)


@require_GET
def area_figures(request: AuthenticatedHttpRequest, area_id: int) -> HttpResponse:
    return _figures(request, area_id)


def _export(request: AuthenticatedHttpRequest, area_id: int | None) -> HttpResponse:
    scope = _scope(request, area_id, figures.all_areas())
    form = forms.ExportForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, area_id, form)
    job = services.export_job_request(
        actor=request.user, area=scope, export_format=form.cleaned_data["format"]
    )
    return redirect("governance:export-detail", job_id=job.pk)


@require_POST
def national_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(request, None)


@require_POST
def area_export(request: AuthenticatedHttpRequest, area_id: int) -> HttpResponse:
    return _export(request, area_id)


@require_GET
def export_detail(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = selectors.export_get(viewer=request.user, job_id=job_id)
    if job is None or not permissions.can_view_export(request.user, job):
        raise Http404
    pending = job.status in {ExportStatus.QUEUED, ExportStatus.RUNNING}
    return render(request, "scrutiny/governance/export_detail.html", {"job": job, "pending": pending})


@require_GET
def export_download(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = selectors.export_get(viewer=request.user, job_id=job_id)
    if job is None or not permissions.can_view_export(request.user, job) or job.status != ExportStatus.READY:
        raise Http404
    content = selectors.export_content(viewer=request.user, job_id=job.pk) or b""
    scrutiny_services.access_record(
        actor=request.user,
        verb=AccessVerb.EXPORT,
        object_type="aggregate_export",
        object_id=job.pk,
        audience="aggregate",
        channel=AccessChannel.EXPORT,
    )
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if job.format == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def digest(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = forms.DigestForm(request.POST)
        if form.is_valid():
            services.digest_preference_set(actor=request.user, frequency=form.cleaned_data["frequency"])
            messages.success(request, "Your email summary setting has been saved.")
            return redirect("governance:digest")
    else:
        form = forms.DigestForm(initial={"frequency": selectors.digest_frequency(viewer=request.user)})
    return render(
        request, "scrutiny/governance/digest.html", {"form": form}, status=400 if form.errors else 200
    )

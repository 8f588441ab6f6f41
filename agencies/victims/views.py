"""VLO directory pages. Views parse input, call one selector or service, and render; every form
works without JavaScript and shows errors through the GOV.UK error summary."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import ChoiceField
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.errors import NotFound, ServiceError, attach_to_form, messages_of
from agencies.http import AuthenticatedHttpRequest
from agencies.models import Area
from agencies.victims import permissions, selectors, services
from agencies.victims.forms import MAX_ID, DirectorySearchForm, VloTeamForm
from agencies.victims.models import CONFIRM_EVERY_DAYS
from agencies.victims.services import TeamSpec

PAGE_SIZE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _check_id(area_id: int) -> int:
    # <int:> accepts any run of digits; one beyond a 64-bit id is no area (never a database error).
    if area_id > MAX_ID:
        raise Http404
    return area_id


def _page_number(request: AuthenticatedHttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


@require_GET
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_view_directory(request.user))
    form = DirectorySearchForm(request.GET or None)
    areas = selectors.area_choices()
    cast(ChoiceField, form.fields["area"]).choices = [
        ("", "Any area"),
        *((str(pk), name) for pk, name in areas),
    ]
    filters = selectors.DirectoryFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.DirectoryFilters(
            court=form.cleaned_data["court"].strip(), area_id=form.cleaned_data["area"]
        )
    invalid = form.is_bound and not form.is_valid()
    teams_qs = selectors.directory(viewer=request.user, filters=filters)
    page = Paginator(teams_qs, PAGE_SIZE).get_page(_page_number(request)) if not invalid else None
    teams = list(page.object_list) if page is not None else []
    today = timezone.localdate()
    stale_ids = {team.pk for team in teams if team.is_stale(today)}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "victims/directory.html",
        {
            "form": form,
            "page": page,
            "teams": teams,
            "stale_ids": stale_ids,
            "query": query.urlencode(),
            "managed_area_id": permissions.managed_area_id(request.user),
            "searched": bool(filters.court or filters.area_id),
        },
        status=400 if invalid else 200,
    )


@require_GET
def team_detail(request: AuthenticatedHttpRequest, area_id: int) -> HttpResponse:
    _require(permissions.can_view_directory(request.user))
    area = selectors.area_get(viewer=request.user, area_id=_check_id(area_id))
    if area is None:
        raise Http404
    team = selectors.team_for_area(viewer=request.user, area_id=area.pk)
    can_manage = permissions.can_manage_team(request.user, area.pk)
    return render(
        request,
        "victims/team_detail.html",
        {
            "area": area,
            "team": team,
            "can_manage": can_manage,
            "stale": team is not None and team.is_stale(),
            "confirm_every_days": CONFIRM_EVERY_DAYS,
        },
    )


def _managed_area(request: AuthenticatedHttpRequest, area_id: int) -> Area:
    """The area, if the viewer leads it: 403 without the role, 404 for any other area."""
    _require(permissions.can_manage_any_team(request.user))
    _check_id(area_id)
    if not permissions.can_manage_team(request.user, area_id):
        raise Http404
    area = selectors.area_get(viewer=request.user, area_id=area_id)
    if area is None:
        raise Http404
    return area


@require_http_methods(["GET", "POST"])
def team_edit(request: AuthenticatedHttpRequest, area_id: int) -> HttpResponse:
    area = _managed_area(request, area_id)
    team = selectors.team_for_area(viewer=request.user, area_id=area.pk)
    initial = {}
    if team is not None:
        initial = {
            "team_name": team.team_name,
            "mailbox": team.mailbox,
            "phone": team.phone_display,
            "opening_hours": team.opening_hours,
            "courts": [str(court.pk) for court in team.courts.all()],
        }
    form = VloTeamForm(
        request.POST or None,
        initial=initial,
        court_choices=selectors.court_choices(area_id=area.pk),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = TeamSpec(
            team_name=data["team_name"],
            mailbox=data["mailbox"],
            phone=data["phone"],
            opening_hours=data["opening_hours"],
            court_ids=tuple(data["courts"]),
        )
        try:
            services.vlo_team_save(actor=request.user, area_id=area.pk, spec=spec)
        except NotFound as exc:
            raise Http404 from exc
        except ServiceError as error:
            attach_to_form(form, error)
        else:
            messages.success(request, "The VLO team details are saved and confirmed as current.")
            return redirect("victims:team-detail", area.pk)
    return render(
        request,
        "victims/team_form.html",
        {"area": area, "team": team, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def team_confirm(request: AuthenticatedHttpRequest, area_id: int) -> HttpResponse:
    area = _managed_area(request, area_id)
    try:
        services.vlo_team_confirm(actor=request.user, area_id=area.pk)
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as error:
        messages.error(request, " ".join(messages_of(error)))
        return redirect("victims:team-edit", area.pk)
    messages.success(request, "Thank you: the VLO team details are confirmed as current.")
    return redirect("victims:team-detail", area.pk)

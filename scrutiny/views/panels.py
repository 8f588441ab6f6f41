"""Panel pages: list, create, edit, and memberships."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.errors import attach_to_form
from agencies.http import AuthenticatedHttpRequest
from scrutiny import permissions, presenters, selectors, services
from scrutiny.forms import (
    MeetingForm,
    MembershipForm,
    PanelForm,
)
from scrutiny.redaction import SITTING, Audience
from scrutiny.reporting import scrutiny_view
from scrutiny.views.common import GET_POST, log_view, panel_or_404, posted, submitted

# Panels -------------------------------------------------------------------------------------------


def _panel_form_data(form: PanelForm) -> dict[str, Any]:
    return {
        "name": form.cleaned_data["name"],
        "terms_of_reference": form.cleaned_data["terms_of_reference"],
        "police_forces": list(form.cleaned_data["police_forces"]),
    }


@require_http_methods(GET_POST)
@scrutiny_view
def panel_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    area_id = permissions.panel_area_for(request.user)
    if area_id is None or not permissions.can_create_panel(request.user):
        raise PermissionDenied
    area = selectors.area_get(area_id=area_id)
    if area is None:
        raise PermissionDenied
    forces = selectors.panel_forces_choices(viewer=request.user, area_id=area_id)
    form = PanelForm(posted(request), forces=forces, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                panel = services.panel_create(
                    actor=request.user, area=area, code=form.cleaned_data["code"], **_panel_form_data(form)
                )
        except ValidationError as exc:
            attach_to_form(form, exc)
        except IntegrityError:
            form.add_error("code", "A panel with that name or code already exists.")
        else:
            messages.success(request, "Panel created. Add its members and plan its first meeting.")
            return redirect("scrutiny:panel-detail", panel.pk)
    return render(
        request,
        "scrutiny/panel_form.html",
        {"form": form, "area": area.name, "creating": True},
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def panel_edit(request: AuthenticatedHttpRequest, panel_id: int) -> HttpResponse:
    panel = panel_or_404(request, panel_id)
    if not permissions.can_coordinate(request.user, panel):
        raise PermissionDenied
    forces = selectors.panel_forces_choices(viewer=request.user, area_id=panel.area_id)
    initial = {
        "name": panel.name,
        "terms_of_reference": panel.terms_of_reference,
        "police_forces": list(panel.police_forces.all()),
    }
    form = PanelForm(posted(request), forces=forces, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.panel_update(actor=request.user, panel=panel, **_panel_form_data(form))
        except ValidationError as exc:
            attach_to_form(form, exc)
        except IntegrityError:
            form.add_error("name", "A panel with that name already exists.")
        else:
            messages.success(request, "Panel updated.")
            return redirect("scrutiny:panel-detail", panel.pk)
    return render(
        request,
        "scrutiny/panel_form.html",
        {"form": form, "area": panel.area.name, "creating": False, "panel_id": panel.pk, "name": panel.name},
        status=400 if form.errors else 200,
    )


@require_GET
@scrutiny_view
def panel_detail(request: AuthenticatedHttpRequest, panel_id: int) -> HttpResponse:
    panel = panel_or_404(request, panel_id)
    audience = permissions.panel_audience(request.user, panel)
    log_view(request, panel, audience, panel.pk)
    return render(
        request,
        "scrutiny/panel_detail.html",
        {
            "panel": presenters.panel_view(panel, audience),
            "panel_id": panel.pk,
            "audience": audience,
            "is_coordinator": audience == Audience.COORDINATOR,
            "members": presenters.membership_rows(
                list(selectors.membership_list(viewer=request.user, panel=panel)), audience
            ),
            "meetings": [
                presenters.meeting_row(m, audience)
                for m in selectors.meeting_list(viewer=request.user, panel=panel)
            ],
            "can_list_cases": audience in SITTING,
            "membership_form": MembershipForm(),
            "meeting_form": MeetingForm(),
        },
    )


@require_POST
@scrutiny_view
def membership_add(request: AuthenticatedHttpRequest, panel_id: int) -> HttpResponse:
    panel = panel_or_404(request, panel_id)
    if not permissions.can_coordinate(request.user, panel):
        raise PermissionDenied
    form = MembershipForm(request.POST)
    if form.is_valid():
        user = selectors.person_by_email(viewer=request.user, panel=panel, email=form.cleaned_data["email"])
        if user is None:
            form.add_error("email", "There is no active account with that email address.")
        else:
            ok, _ = submitted(
                form,
                lambda: services.membership_add(
                    actor=request.user, panel=panel, user=user, role=form.cleaned_data["role"]
                ),
            )
            if ok:
                messages.success(request, "Member added.")
                return redirect("scrutiny:panel-detail", panel.pk)
    audience = permissions.panel_audience(request.user, panel)
    return render(
        request,
        "scrutiny/membership_add.html",
        {"form": form, "panel": presenters.panel_view(panel, audience), "panel_id": panel.pk},
        status=400,
    )


@require_POST
@scrutiny_view
def membership_end(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_get(viewer=request.user, membership_id=membership_id)
    if membership is None:
        raise Http404
    services.membership_end(actor=request.user, membership=membership)
    messages.success(request, "Membership ended. Their open pages and live views lose access now.")
    return redirect("scrutiny:panel-detail", membership.panel_id)


@require_POST
@scrutiny_view
def meeting_create(request: AuthenticatedHttpRequest, panel_id: int) -> HttpResponse:
    panel = panel_or_404(request, panel_id)
    if not permissions.can_coordinate(request.user, panel):
        raise PermissionDenied
    form = MeetingForm(request.POST)
    if form.is_valid():
        meeting = services.meeting_create(
            actor=request.user, panel=panel, held_on=form.cleaned_data["held_on"]
        )
        messages.success(request, "Meeting planned. Add between 3 and 10 released cases to its agenda.")
        return redirect("scrutiny:meeting-detail", meeting.pk)
    audience = permissions.panel_audience(request.user, panel)
    return render(
        request,
        "scrutiny/meeting_create.html",
        {"form": form, "panel": presenters.panel_view(panel, audience), "panel_id": panel.pk},
        status=400,
    )

"""The scrutiny index and the confidentiality agreement pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from agencies.errors import attach_to_form
from agencies.http import AuthenticatedHttpRequest
from scrutiny import permissions, presenters, selectors, services
from scrutiny.forms import (
    AgreementForm,
)
from scrutiny.reporting import scrutiny_view
from scrutiny.views.common import GET_POST, posted

# Index, agreement ----------------------------------------------------------------------------------


@require_GET
@scrutiny_view
def panel_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    panels = [
        {**presenters.panel_view(panel, audience), "audience": audience.value}
        for panel, audience in selectors.panel_list(viewer=request.user)
    ]
    agreement = permissions.current_agreement()
    actions = [
        presenters.action_view(a, permissions.panel_audience(request.user, a.finding.meeting.panel_id))
        for a in selectors.open_actions_for(viewer=request.user)
    ]
    return render(
        request,
        "scrutiny/panel_list.html",
        {
            "panels": panels,
            "agreement": agreement,
            "accepted": permissions.has_accepted_current_agreement(request.user),
            "open_actions": actions,
            "can_aggregate": permissions.can_export_aggregate(request.user),
            "can_create_panel": permissions.can_create_panel(request.user),
            "can_publish_agreement": permissions.can_publish_agreement(request.user),
        },
    )


@require_http_methods(GET_POST)
@scrutiny_view
def agreement(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = permissions.current_agreement()
    if current is None:
        raise Http404
    error = ""
    if request.method == "POST":
        if request.POST.get("accept") == "yes":
            services.agreement_accept(actor=request.user, agreement=current)
            messages.success(
                request, f"You accepted version {current.version} of the confidentiality agreement."
            )
            next_case = request.POST.get("next_case")
            return redirect(_safe_case_url(next_case) if next_case else "scrutiny:panel-list")
        error = "Select that you accept the agreement to continue."
    return render(
        request,
        "scrutiny/agreement.html",
        {
            "agreement": current,
            "accepted": permissions.has_accepted_current_agreement(request.user),
            "can_publish": permissions.can_publish_agreement(request.user),
            "error": error,
            "next_case": request.GET.get("case", request.POST.get("next_case", "")),
        },
    )


def _safe_case_url(value: str) -> str:
    try:
        return reverse("scrutiny:case-detail", args=[int(value)])
    except (TypeError, ValueError):
        return reverse("scrutiny:panel-list")


@require_http_methods(GET_POST)
@scrutiny_view
def agreement_publish(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_publish_agreement(request.user):
        raise PermissionDenied
    current = permissions.current_agreement()
    form = AgreementForm(posted(request), initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                agreement = services.agreement_publish(actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            attach_to_form(form, exc)
        except IntegrityError:
            form.add_error(None, "Someone else published a version just now. Read it, then try again.")
        else:
            messages.success(
                request,
                f"Version {agreement.version} published. Members must accept it before opening any case.",
            )
            return redirect("scrutiny:agreement")
    return render(
        request,
        "scrutiny/agreement_form.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )

"""Legal hold pages: set, clear, list and look up holds."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from agencies.http import AuthenticatedHttpRequest
from scrutiny import permissions, presenters, selectors, services
from scrutiny.forms import (
    LegalHoldForm,
    LegalHoldLookupForm,
)
from scrutiny.models import (
    AccessVerb,
    Case,
    Meeting,
)
from scrutiny.redaction import Audience
from scrutiny.reporting import scrutiny_view
from scrutiny.views.common import GET_POST, posted, submitted

# Legal hold --------------------------------------------------------------------------------------------


def _hold_target(request: AuthenticatedHttpRequest, kind: str, pk: int) -> Case | Meeting:
    """The record whose hold the viewer manages. Someone who may see it but not hold it gets a 403
    (audited as a refusal); anyone else a 404, with no hint the record exists. A member walled off
    the case gets the 404 too (their refusal audited)."""
    target = selectors.legal_hold_target(viewer=request.user, kind=kind, pk=pk)
    if target is not None:
        return target
    visible = (
        selectors.case_get(viewer=request.user, case_id=pk)
        if kind == "case"
        else selectors.meeting_get(viewer=request.user, meeting_id=pk)
    )
    if visible is None:
        raise Http404
    services.legal_hold_audit(actor=request.user, target=visible, verb=AccessVerb.REFUSED)
    if kind == "case" and permissions.audience_for(request.user, visible) == Audience.INVOLVED:
        raise Http404
    raise PermissionDenied


def _legal_hold_page(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _hold_target(request, kind, pk)
    form = LegalHoldForm(posted(request))
    if request.method == "POST" and form.is_valid():
        call = services.legal_hold_set if form.cleaned_data["action"] == "set" else services.legal_hold_clear
        ok, _ = submitted(
            form, lambda: call(actor=request.user, target=target, reason=form.cleaned_data["reason"])
        )
        if ok:
            done = "placed" if form.cleaned_data["action"] == "set" else "cleared"
            messages.success(request, f"Legal hold {done}.")
            return redirect(request.path)
    if request.method == "GET":
        services.legal_hold_audit(actor=request.user, target=target, verb=AccessVerb.VIEW)
    can_open = (
        permissions.can_coordinate(request.user, target.panel)
        if kind == "case"
        else permissions.can_view_meeting(request.user, target)
    )
    audience = permissions.legal_hold_audience(request.user, target.panel)
    return render(
        request,
        "scrutiny/legal_hold.html",
        {
            "form": form,
            "kind": kind,
            "label": presenters.legal_hold_target_label(target, audience),
            "on_hold": target.legal_hold,
            "holds": presenters.legal_hold_rows(selectors.legal_hold_history(target=target), audience),
            "back_url": reverse(f"scrutiny:{kind}-detail", args=[target.pk]) if can_open else "",
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def case_legal_hold(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    return _legal_hold_page(request, "case", case_id)


@require_http_methods(GET_POST)
@scrutiny_view
def meeting_legal_hold(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    return _legal_hold_page(request, "meeting", meeting_id)


@require_GET
@scrutiny_view
def legal_hold_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Active holds on the records the viewer may hold, and a look-up by case reference (how a
    platform administrator, who cannot open cases, reaches a case's hold page)."""
    if not permissions.can_list_legal_holds(request.user):
        raise PermissionDenied
    form = LegalHoldLookupForm(request.GET if "case" in request.GET else None)
    if form.is_bound and form.is_valid():
        case = selectors.legal_hold_lookup(viewer=request.user, pseudonym=form.cleaned_data["case"])
        if case is not None:
            return redirect("scrutiny:case-legal-hold", case.pk)
        form.add_error("case", "There is no case with that reference that you can place on hold.")
    holds = selectors.legal_hold_active(viewer=request.user)
    rows = [
        {
            "label": presenters.legal_hold_target_label(
                hold.case or hold.meeting,
                permissions.legal_hold_audience(request.user, (hold.case or hold.meeting).panel),
            ),
            "url": reverse("scrutiny:case-legal-hold", args=[hold.case_id])
            if hold.case_id
            else reverse("scrutiny:meeting-legal-hold", args=[hold.meeting_id]),
            "set_at": hold.set_at,
        }
        for hold in holds
    ]
    return render(
        request,
        "scrutiny/legal_hold_list.html",
        {"form": form, "rows": rows},
        status=400 if form.errors else 200,
    )

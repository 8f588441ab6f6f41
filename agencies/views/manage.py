"""Account management."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from agencies import mfa, permissions, ratelimits, selectors, services
from agencies.errors import attach_to_form
from agencies.forms import (
    InvitationForm,
    RoleForm,
)
from agencies.http import AuthenticatedHttpRequest
from agencies.security import client_ip_address

# --- Account management (platform administrators: every agency; agency administrators: their own) ---
# Every object is fetched through a selector that checks it against the viewer, so an agency
# administrator gets a 404 for another agency's agency, people and invitations, whatever id is typed.


def _manager_only(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_open_account_management(request.user):
        raise PermissionDenied


def _roles_for(request: AuthenticatedHttpRequest) -> list[str]:
    return permissions.grantable_roles(request.user)


@require_GET
def manage_agency_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager_only(request)
    return render(
        request,
        "agencies/manage/agency_list.html",
        {"agencies": selectors.managed_agency_list(viewer=request.user)},
    )


def _agency_page(
    request: AuthenticatedHttpRequest, agency: Any, form: InvitationForm, status: int = 200
) -> HttpResponse:
    people = list(selectors.agency_people(viewer=request.user, agency=agency))
    for person in people:
        # Linked only where the viewer may manage them (an agency admin: not administrators).
        person.manageable = permissions.can_manage_person(request.user, person)
    invitations = list(selectors.agency_invitations(viewer=request.user, agency=agency))
    return render(
        request,
        "agencies/manage/agency_detail.html",
        {"agency": agency, "people": people, "invitations": invitations, "form": form},
        status=status,
    )


@require_GET
def manage_agency_detail(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    _manager_only(request)
    agency = selectors.managed_agency_get(viewer=request.user, agency_id=agency_id)
    if agency is None:
        raise Http404
    return _agency_page(request, agency, InvitationForm(roles=_roles_for(request)))


@require_POST
def manage_invitation_create(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    _manager_only(request)
    agency = selectors.managed_agency_get(viewer=request.user, agency_id=agency_id)
    if agency is None:
        raise Http404
    form = InvitationForm(request.POST, roles=_roles_for(request))
    if form.is_valid():
        # Sending again to the same address, or many from one address, is rate-limited
        # (settings.SECURITY_LIMITS): over a limit no invitation is made and no email sent.
        email = form.cleaned_data["email"]
        verdict = ratelimits.hit("invitation_resend", account=email, address=client_ip_address(request))
        if not verdict.allowed:
            if verdict.first_refusal:
                services.invitation_rate_limited_record(
                    actor=request.user, agency=agency, email=email, limit=str(verdict.exceeded)
                )
            minutes = max(1, settings.SECURITY_LIMITS["invitation_resend"]["window_seconds"] // 60)
            where = "to this email address" if verdict.exceeded == "account" else "from your connection"
            form.add_error(
                "email",
                f"Too many invitations have been sent {where} recently. "
                f"Try again in up to {minutes} minutes.",
            )
            return _agency_page(request, agency, form, status=429)
        try:
            services.invitation_send(
                actor=request.user,
                agency=agency,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            attach_to_form(form, exc)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("agencies:manage-agency", agency_id=agency.pk)
    return _agency_page(request, agency, form, status=400)


@require_POST
def manage_invitation_revoke(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    _manager_only(request)
    invitation = selectors.managed_invitation_get(viewer=request.user, invitation_id=invitation_id)
    if invitation is None:
        raise Http404
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("agencies:manage-agency", agency_id=invitation.agency_id)


def _person_or_404(request: AuthenticatedHttpRequest, person_id: int) -> Any:
    _manager_only(request)
    person = selectors.managed_person_get(viewer=request.user, person_id=person_id)
    if person is None:
        raise Http404
    return person


def _person_page(
    request: AuthenticatedHttpRequest, person: Any, form: RoleForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "agencies/manage/person_detail.html",
        {
            "person": person,
            "roles": sorted(person.groups.values_list("name", flat=True)),
            "form": form,
            "has_mfa": mfa.has_confirmed_device(person),
        },
        status=status,
    )


@require_GET
def manage_person_detail(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    return _person_page(request, _person_or_404(request, person_id), RoleForm(roles=_roles_for(request)))


@require_POST
def manage_person_role_grant(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    form = RoleForm(request.POST, roles=_roles_for(request))
    if not form.is_valid():
        return _person_page(request, person, form, status=400)
    if services.role_grant(actor=request.user, user=person, role=form.cleaned_data["role"]):
        messages.success(request, f"{form.cleaned_data['role']} role granted.")
    return redirect("agencies:manage-person", person_id=person.pk)


@require_POST
def manage_person_role_remove(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    form = RoleForm(request.POST, roles=_roles_for(request))
    if not form.is_valid():
        return _person_page(request, person, form, status=400)
    if services.role_remove(actor=request.user, user=person, role=form.cleaned_data["role"]):
        messages.success(request, f"{form.cleaned_data['role']} role removed.")
    return redirect("agencies:manage-person", person_id=person.pk)


@require_POST
def manage_person_deactivate(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    services.account_deactivate(actor=request.user, user=person)
    messages.success(request, f"{person.email} can no longer sign in.")
    return redirect("agencies:manage-person", person_id=person.pk)


@require_POST
def manage_person_reactivate(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    services.account_reactivate(actor=request.user, user=person)
    messages.success(request, f"{person.email} can sign in again.")
    return redirect("agencies:manage-person", person_id=person.pk)


@require_POST
def manage_person_mfa_reset(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    services.mfa_reset(actor=request.user, user=person)
    messages.success(
        request, f"Two-factor authentication reset: {person.email} sets it up again at next sign-in."
    )
    return redirect("agencies:manage-person", person_id=person.pk)


@require_POST
def manage_person_unlock(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    services.lockout_clear(actor=request.user, user=person)
    messages.success(request, f"Sign-in lockout cleared for {person.email}.")
    return redirect("agencies:manage-person", person_id=person.pk)

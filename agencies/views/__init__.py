from __future__ import annotations

import time
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies import access_state, mfa, selectors, services
from agencies.forms import (
    AcceptInvitationForm,
    InvitationForm,
    MFACodeForm,
    NewPasswordForm,
    ResetRequestForm,
    RoleForm,
    SignInForm,
)
from agencies.middleware import mfa_exempt


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "agencies/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:
        # login() rotates the session key; the MFA check then follows on the next request.
        response = super().form_valid(form)
        services.sign_in_record(user=form.get_user())
        return response

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        services.sign_in_failed_record(email=str(form.data.get("username", "")))
        return super().form_invalid(form)


@method_decorator(mfa_exempt, name="dispatch")
class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView); redirects to LOGOUT_REDIRECT_URL. Reachable before the
    second factor, so a person stuck at the MFA step can always leave. Audited."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            services.sign_out_record(user=request.user)
        return super().post(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "agencies/password_reset.html"
    email_template_name = "agencies/email/password_reset.txt"
    subject_template_name = "agencies/email/password_reset_subject.txt"
    success_url = reverse_lazy("agencies:password-reset-sent")


@method_decorator(login_not_required, name="dispatch")
class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "agencies/password_reset_sent.html"


@method_decorator(login_not_required, name="dispatch")
class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "agencies/password_reset_confirm.html"
    success_url = reverse_lazy("agencies:password-reset-complete")


@method_decorator(login_not_required, name="dispatch")
class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "agencies/password_reset_complete.html"


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = list(selectors.notification_list(viewer=request.user))
    unread = sum(1 for n in notifications if n.read_at is None)
    return render(
        request,
        "agencies/notifications.html",
        {"notifications": notifications, "unread": unread},
    )


@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("agencies:notifications")


# --- Lockout ---------------------------------------------------------------------------------------


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes calls this instead of the view when an account or address is locked out. The
    same page whichever was locked and whether or not the account exists (no user enumeration)."""
    services.lockout_record(
        email=str((credentials or {}).get("username") or request.POST.get("username", ""))
    )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "agencies/locked_out.html", {"minutes": minutes}, status=429)


# --- Two-factor authentication ----------------------------------------------------------------------


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    """Where to go after this step: a path on this site only (never another host, never a bare
    word that redirect() would try to reverse as a view name)."""
    candidate = str(request.POST.get("next") or request.GET.get("next") or "")
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default


def _require_mfa_role(request: HttpRequest) -> None:
    if not mfa.needs_mfa(request.user):
        raise PermissionDenied


def _mark_verified(request: HttpRequest, device: Any) -> None:
    """Bind the device to the session and rotate the session key: the session has gained
    privilege, so a key captured before this step is worth nothing after it."""
    django_otp.login(request, device)
    request.session.cycle_key()
    access_state.remember(request)


@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code and the key to type in, then a code to confirm it.
    Someone who already has one must pass the check first (then this replaces it)."""
    _require_mfa_role(request)
    if mfa.has_confirmed_device(request.user) and not request.user.is_verified():
        return redirect(
            f"{reverse('agencies:mfa-verify')}?{urlencode({'next': reverse('agencies:mfa-setup')})}"
        )
    device = mfa.pending_totp_device(request.user)
    form = MFACodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.mfa_enrol_confirm(user=request.user, token=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            _mark_verified(request, device)
            return render(
                request,
                "agencies/mfa_recovery_codes.html",
                {"codes": codes, "next": _safe_next(request), "first_time": True},
            )
        form.add_error(
            "code", "The code is not right. Check your app shows Scrutiny Hub and try the newest code"
        )
    return render(
        request,
        "agencies/mfa_setup.html",
        {
            "form": form,
            "qr_code": mfa.qr_code_svg_data_uri(device, issuer=settings.OTP_TOTP_ISSUER),
            "manual_key": mfa.base32_key(device),
            "next": _safe_next(request),
        },
    )


@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in (and of any request until it is passed)."""
    _require_mfa_role(request)
    if not mfa.has_confirmed_device(request.user):
        return redirect(f"{reverse('agencies:mfa-setup')}?{urlencode({'next': _safe_next(request)})}")
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = MFACodeForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(user=request.user, token=form.cleaned_data["code"])
        if device is not None:
            _mark_verified(request, device)
            left = mfa.recovery_codes_left(request.user)
            if device.name == mfa.RECOVERY_DEVICE_NAME:
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left: get new ones on your security page.",
                )
            return redirect(_safe_next(request))
        form.add_error("code", "The code is not right. Enter the newest code from your app")
    return render(request, "agencies/mfa_verify.html", {"form": form, "next": _safe_next(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; issuing new ones (shown once) replaces the old ones."""
    _require_mfa_role(request)
    if request.method == "POST":
        codes = services.recovery_codes_regenerate(user=request.user)
        return render(request, "agencies/mfa_recovery_codes.html", {"codes": codes, "next": "/"})
    return render(
        request,
        "agencies/mfa_security.html",
        {
            "codes_left": mfa.recovery_codes_left(request.user),
            "device": mfa.confirmed_totp_device(request.user),
        },
    )


# --- Idle timeout ----------------------------------------------------------------------------------


@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """'Stay signed in': the request itself counts as activity (the middleware recorded it)."""
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"expires_in": settings.SESSION_IDLE_TIMEOUT_SECONDS, "now": int(time.time())})
    messages.success(request, "You are still signed in.")
    return redirect(_safe_next(request))


# --- Invitations (accepting) -----------------------------------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "agencies/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        return render(request, "agencies/invitation_signed_in.html", status=409)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            form.add_error("new_password1" if "password" in " ".join(exc.messages).lower() else None, exc)
        else:
            login(request, user, backend="agencies.auth_backends.CachedPermissionsBackend")
            services.sign_in_record(user=user)
            messages.success(request, f"Your account is ready. Welcome to {invitation.agency.name}.")
            return redirect("/")
    return render(request, "agencies/invitation_accept.html", {"form": form, "invitation": invitation})


# --- Account management (platform administrators: every agency; agency administrators: their own) ---
# Every object is fetched through a selector that checks it against the viewer, so an agency
# administrator gets a 404 for another agency's agency, people and invitations, whatever id is typed.


def _manager_only(request: HttpRequest) -> None:
    from agencies import permissions

    if not permissions.can_open_account_management(request.user):
        raise PermissionDenied


def _roles_for(request: HttpRequest) -> list[str]:
    from agencies import permissions

    return permissions.grantable_roles(request.user)


@require_GET
def manage_agency_list(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    return render(
        request,
        "agencies/manage/agency_list.html",
        {"agencies": selectors.managed_agency_list(viewer=request.user)},
    )


def _agency_page(request: HttpRequest, agency: Any, form: InvitationForm, status: int = 200) -> HttpResponse:
    from agencies import permissions

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
def manage_agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    _manager_only(request)
    agency = selectors.managed_agency_get(viewer=request.user, agency_id=agency_id)
    if agency is None:
        raise Http404
    return _agency_page(request, agency, InvitationForm(roles=_roles_for(request)))


@require_POST
def manage_invitation_create(request: HttpRequest, agency_id: int) -> HttpResponse:
    _manager_only(request)
    agency = selectors.managed_agency_get(viewer=request.user, agency_id=agency_id)
    if agency is None:
        raise Http404
    form = InvitationForm(request.POST, roles=_roles_for(request))
    if form.is_valid():
        try:
            services.invitation_send(
                actor=request.user,
                agency=agency,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("agencies:manage-agency", agency_id=agency.pk)
    return _agency_page(request, agency, form, status=400)


@require_POST
def manage_invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
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


def _person_or_404(request: HttpRequest, person_id: int) -> Any:
    _manager_only(request)
    person = selectors.managed_person_get(viewer=request.user, person_id=person_id)
    if person is None:
        raise Http404
    return person


def _person_page(request: HttpRequest, person: Any, form: RoleForm, status: int = 200) -> HttpResponse:
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
def manage_person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_page(request, _person_or_404(request, person_id), RoleForm(roles=_roles_for(request)))


@require_POST
def manage_person_role_grant(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    form = RoleForm(request.POST, roles=_roles_for(request))
    if not form.is_valid():
        return _person_page(request, person, form, status=400)
    if services.role_grant(actor=request.user, user=person, role=form.cleaned_data["role"]):
        messages.success(request, f"{form.cleaned_data['role']} role granted.")
    return redirect("agencies:manage-person", person_id=person.pk)


@require_POST
def manage_person_role_remove(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    form = RoleForm(request.POST, roles=_roles_for(request))
    if not form.is_valid():
        return _person_page(request, person, form, status=400)
    if services.role_remove(actor=request.user, user=person, role=form.cleaned_data["role"]):
        messages.success(request, f"{form.cleaned_data['role']} role removed.")
    return redirect("agencies:manage-person", person_id=person.pk)


@require_POST
def manage_person_deactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    services.account_deactivate(actor=request.user, user=person)
    messages.success(request, f"{person.email} can no longer sign in.")
    return redirect("agencies:manage-person", person_id=person.pk)


@require_POST
def manage_person_reactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    services.account_reactivate(actor=request.user, user=person)
    messages.success(request, f"{person.email} can sign in again.")
    return redirect("agencies:manage-person", person_id=person.pk)


@require_POST
def manage_person_mfa_reset(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    services.mfa_reset(actor=request.user, user=person)
    messages.success(
        request, f"Two-factor authentication reset: {person.email} sets it up again at next sign-in."
    )
    return redirect("agencies:manage-person", person_id=person.pk)


@require_POST
def manage_person_unlock(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    services.lockout_clear(actor=request.user, user=person)
    messages.success(request, f"Sign-in lockout cleared for {person.email}.")
    return redirect("agencies:manage-person", person_id=person.pk)

"""Two-factor authentication: setting it up, the check, recovery codes."""

from __future__ import annotations

from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from agencies import access_state, mfa, services
from agencies.forms import (
    MFACodeForm,
)
from agencies.http import AuthenticatedHttpRequest
from agencies.middleware import mfa_exempt
from agencies.views.common import safe_next


def _require_mfa_role(request: AuthenticatedHttpRequest) -> None:
    if not mfa.needs_mfa(request.user):
        raise PermissionDenied


def _mark_verified(request: AuthenticatedHttpRequest, device: Any) -> None:
    """Bind the device to the session and rotate the session key: the session has gained
    privilege, so a key captured before this step is worth nothing after it."""
    django_otp.login(request, device)
    request.session.cycle_key()
    access_state.remember(request)


@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
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
                {"codes": codes, "next": safe_next(request), "first_time": True},
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
            "next": safe_next(request),
        },
    )


@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in (and of any request until it is passed)."""
    _require_mfa_role(request)
    if not mfa.has_confirmed_device(request.user):
        return redirect(f"{reverse('agencies:mfa-setup')}?{urlencode({'next': safe_next(request)})}")
    if request.user.is_verified():
        return redirect(safe_next(request))
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
            return redirect(safe_next(request))
        form.add_error("code", "The code is not right. Enter the newest code from your app")
    return render(request, "agencies/mfa_verify.html", {"form": form, "next": safe_next(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def mfa_recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
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

"""Signing in and out, password resets, the lockout page and staying signed in."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from agencies import ratelimits, services
from agencies.forms import (
    NewPasswordForm,
    ResetRequestForm,
    SignInForm,
)
from agencies.middleware import mfa_exempt
from agencies.security import client_ip_address
from agencies.views.common import safe_next


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

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        """Rate-limited per account and per address (settings.SECURITY_LIMITS). Over a limit no
        email is sent, and the answer is the same redirect to the same neutral page, so the
        limit reveals nothing about which addresses have accounts."""
        email = form.cleaned_data["email"]
        verdict = ratelimits.hit("password_reset", account=email, address=client_ip_address(self.request))
        if not verdict.allowed:
            if verdict.first_refusal:
                services.rate_limited_record(
                    email=email, reason="password_reset", limit=str(verdict.exceeded)
                )
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


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


# --- Idle timeout ----------------------------------------------------------------------------------


@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """'Stay signed in': the request itself counts as activity (the middleware recorded it)."""
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"expires_in": settings.SESSION_IDLE_TIMEOUT_SECONDS, "now": int(time.time())})
    messages.success(request, "You are still signed in.")
    return redirect(safe_next(request))

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_POST

from agencies import selectors, services
from agencies.forms import NewPasswordForm, ResetRequestForm, SignInForm


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "agencies/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView); redirects to LOGOUT_REDIRECT_URL."""


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

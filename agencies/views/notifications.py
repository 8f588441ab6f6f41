"""The signed-in person's notifications."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from agencies import selectors, services
from agencies.http import AuthenticatedHttpRequest


@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications = list(selectors.notification_list(viewer=request.user))
    unread = sum(1 for n in notifications if n.read_at is None)
    return render(
        request,
        "agencies/notifications.html",
        {"notifications": notifications, "unread": unread},
    )


@require_POST
def notification_mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("agencies:notifications")

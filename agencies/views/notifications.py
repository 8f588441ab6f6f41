"""The signed-in person's notifications."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from agencies import selectors, services
from agencies.http import AuthenticatedHttpRequest

PAGE_SIZE = 25  # notifications a page


def page_number(request: AuthenticatedHttpRequest) -> int:
    """?page=N for Paginator.get_page: anything but a short run of digits is page 1 (0 or past the
    end is the last page there), so no value can raise."""
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(viewer=request.user), PAGE_SIZE).get_page(
        page_number(request)
    )
    # The same figure as the navigation badge (cached): all unread ones, not this page's.
    unread = selectors.notification_unread_count(viewer=request.user)
    return render(
        request,
        "agencies/notifications.html",
        {"notifications": list(page.object_list), "page": page, "unread": unread},
    )


@require_POST
def notification_mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("agencies:notifications")

"""An ISVA's bookings: the list, cancelling, moving, invitations and the calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.dropins import ics, permissions, selectors, services
from agencies.dropins.forms import RebookForm
from agencies.dropins.models import BookingStatus
from agencies.dropins.views.common import PAGE_SIZE, page_number, require
from agencies.errors import NotFound, attach_to_form
from agencies.http import AuthenticatedHttpRequest


@require_GET
def my_bookings(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(permissions.can_book_any(request.user))
    now = timezone.now()
    upcoming = Paginator(selectors.my_upcoming_bookings(viewer=request.user, now=now), PAGE_SIZE)
    recent = Paginator(selectors.my_recent_bookings(viewer=request.user, now=now), PAGE_SIZE)
    upcoming_page = upcoming.get_page(page_number(request))
    recent_page = recent.get_page(page_number(request, "recent"))
    feed = selectors.calendar_feed_for(viewer=request.user)
    feed_url = (
        request.build_absolute_uri(
            reverse("dropins:calendar-feed", args=[f"{request.user.pk}.{feed.secret}"])
        )
        if feed
        else None
    )
    # Each list's links keep the other list's page (and drop their own).
    upcoming_query, recent_query = request.GET.copy(), request.GET.copy()
    upcoming_query.pop("page", None)
    recent_query.pop("recent", None)
    return render(
        request,
        "dropins/my_bookings.html",
        {
            "upcoming": list(upcoming_page.object_list),
            "upcoming_page": upcoming_page,
            "upcoming_query": upcoming_query.urlencode(),
            "past": list(recent_page.object_list),
            "recent_page": recent_page,
            "recent_query": recent_query.urlencode(),
            "feed_url": feed_url,
        },
    )


@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_book_any(request.user))
    booking = selectors.booking_get(viewer=request.user, booking_id=pk)
    if booking is None:
        raise Http404
    form = Form(request.POST or None)
    if request.method == "POST":
        try:
            services.booking_cancel(actor=request.user, booking_id=booking.pk)
        except NotFound as exc:
            raise Http404 from exc
        except ValidationError as error:
            attach_to_form(form, error)
        else:
            messages.success(request, "Your booking is cancelled.")
            return redirect("dropins:my-bookings")
    return render(
        request,
        "dropins/booking_cancel.html",
        {"booking": booking, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def booking_rebook(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_book_any(request.user))
    booking = selectors.booking_get(viewer=request.user, booking_id=pk)
    if booking is None:
        raise Http404
    form = RebookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_rebook(
                actor=request.user, booking_id=booking.pk, session_id=form.cleaned_data["session"]
            )
        except NotFound:
            form.add_error("session", "Choose a session from the list.")
        except ValidationError as error:
            attach_to_form(form, error)
        else:
            messages.success(request, "Your booking has been moved. We have emailed you the new invitation.")
            return redirect("dropins:my-bookings")
    return render(
        request,
        "dropins/booking_rebook.html",
        {
            "booking": booking,
            "form": form,
            "options": list(selectors.rebook_options(viewer=request.user, booking=booking)),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def booking_ics(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_book_any(request.user))
    booking = selectors.booking_get(viewer=request.user, booking_id=pk)
    if booking is None or booking.status == BookingStatus.WAITLISTED:
        raise Http404
    response = HttpResponse(ics.booking_invitation(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dropin-{booking.pk}.ics"'
    return response


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar app fetches this without a session: the token in the URL is the credential."""
    owner = selectors.feed_owner(token=token)
    if owner is None:
        raise Http404
    response = HttpResponse(
        ics.feed(selectors.feed_bookings(viewer=owner)), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def calendar_feed_reset(request: HttpRequest) -> HttpResponse:
    require(permissions.can_book_any(request.user))
    services.calendar_feed_reset(actor=request.user)
    messages.success(
        request, "Your calendar feed address has been set. Any previous address no longer works."
    )
    return redirect("dropins:my-bookings")

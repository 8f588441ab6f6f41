"""Finding a session and booking it."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from agencies.dropins import permissions, selectors, services
from agencies.dropins.forms import BookingForm, SessionFilterForm
from agencies.dropins.models import BookingStatus, SessionStatus
from agencies.dropins.views.common import PAGE_SIZE, page_number, require, session_when
from agencies.errors import NotFound, attach_to_form
from agencies.http import AuthenticatedHttpRequest


@require_GET
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(permissions.can_view_dropins(request.user))
    form = SessionFilterForm(request.GET or None)
    # The area choices in one plain query: a ModelChoiceField iterates its queryset through a
    # server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE: several round trips per page).
    # Validation still looks the chosen area up in the field's queryset.
    areas = [(area.pk, str(area)) for area in selectors.area_choices()]
    form.fields["area"].choices = [("", form.fields["area"].empty_label), *areas]
    filters = selectors.SessionFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.SessionFilters(
            area_id=data["area"].pk if data["area"] else None,
            mode=data["mode"] or None,
            on_or_after=data["from_date"],
            on_or_before=data["to_date"],
        )
    paginator = Paginator(selectors.session_list(viewer=request.user, filters=filters), PAGE_SIZE)
    page = paginator.get_page(page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    sessions = list(page.object_list)
    for session in sessions:
        session.when_text = session_when(session)
    return render(
        request,
        "dropins/session_list.html",
        {
            "form": form,
            "page": page,
            "sessions": sessions,
            "query": query.urlencode(),
            "schedule_ids": sorted({s.schedule_id for s in sessions}),
            "can_host": permissions.can_host_any(request.user),
            # The empty filter form is the same HTML for everyone who may see the listing (the
            # list of areas is public configuration, nothing about the viewer), so it is a shared
            # fragment keyed by the area list itself: a changed area makes a new key at once.
            "filter_form_key": hashlib.sha256(repr(areas).encode()).hexdigest(),
        },
    )


@require_http_methods(["GET", "POST"])
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_dropins(request.user))
    session = selectors.session_get(viewer=request.user, session_id=pk)
    if session is None:
        raise Http404
    can_book = permissions.can_book_schedule(request.user, session.schedule)
    form = BookingForm(request.POST or None)
    if request.method == "POST":
        require(can_book)
        if form.is_valid():
            try:
                booking = services.booking_create(
                    actor=request.user, session_id=session.pk, **form.cleaned_data
                )
            except NotFound as exc:
                raise Http404 from exc
            except ValidationError as error:
                attach_to_form(form, error)
            else:
                if booking.status == BookingStatus.CONFIRMED:
                    messages.success(
                        request, "Your place is booked. We have emailed you a calendar invitation."
                    )
                else:
                    messages.success(request, "The session is full, so you are on the waitlist.")
                return redirect("dropins:my-bookings")
    return render(
        request,
        "dropins/session_detail.html",
        {
            "session": session,
            "schedule": session.schedule,
            "form": form,
            "can_book": can_book,
            "is_host": permissions.can_host_schedule(request.user, session.schedule),
            "holds_seat": session.my_booking_status == BookingStatus.CONFIRMED,
            "bookable": session.status == SessionStatus.SCHEDULED and session.starts_at > timezone.now(),
        },
        status=400 if form.errors else 200,
    )

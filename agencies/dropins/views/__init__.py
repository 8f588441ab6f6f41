"""Drop-in pages. Views parse input, call one selector or service, and render; every form works
without JavaScript and shows errors through the GOV.UK error summary."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.dropins import ics, permissions, selectors, services
from agencies.dropins.forms import AttendanceForm, BookingForm, RebookForm, ScheduleForm, SessionFilterForm
from agencies.dropins.models import BookingStatus, DropInSession, SessionStatus
from agencies.dropins.services import DropinError, NotFound

PAGE_SIZE = 25


def _add_error(form: Form, error: DropinError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def session_when(session: DropInSession) -> str:
    """ "Sat 5 Dec 2026, 10:00–10:45" in UK time: what the template's
    `starts_at|date:"D j M Y, H:i"`–`ends_at|date:"H:i"` printed, at a fraction of the cost (the
    date filter took ~150 us per call; two per row were half the listing's row rendering).
    Same translated day and month names as Django's date format."""
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    day, month = WEEKDAYS_ABBR[start.weekday()], MONTHS_3[start.month].title()
    return f"{day} {start.day} {month} {start.year}, {start:%H:%M}–{end:%H:%M}"


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_dropins(request.user))
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
    page = paginator.get_page(_page_number(request))
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
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_view_dropins(request.user))
    session = selectors.session_get(viewer=request.user, session_id=pk)
    if session is None:
        raise Http404
    can_book = permissions.can_book_schedule(request.user, session.schedule)
    form = BookingForm(request.POST or None)
    if request.method == "POST":
        _require(can_book)
        if form.is_valid():
            try:
                booking = services.booking_create(
                    actor=request.user, session_id=session.pk, **form.cleaned_data
                )
            except NotFound as exc:
                raise Http404 from exc
            except DropinError as error:
                _add_error(form, error)
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


@require_GET
def my_bookings(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_book_any(request.user))
    bookings = list(selectors.my_bookings(viewer=request.user))
    now = timezone.now()
    feed = selectors.calendar_feed_for(viewer=request.user)
    feed_url = (
        request.build_absolute_uri(
            reverse("dropins:calendar-feed", args=[f"{request.user.pk}.{feed.secret}"])
        )
        if feed
        else None
    )
    return render(
        request,
        "dropins/my_bookings.html",
        {
            "upcoming": [b for b in bookings if b.session.ends_at > now],
            "past": [b for b in bookings if b.session.ends_at <= now],
            "feed_url": feed_url,
        },
    )


@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_book_any(request.user))
    booking = selectors.booking_get(viewer=request.user, booking_id=pk)
    if booking is None:
        raise Http404
    form = Form(request.POST or None)
    if request.method == "POST":
        try:
            services.booking_cancel(actor=request.user, booking_id=booking.pk)
        except NotFound as exc:
            raise Http404 from exc
        except DropinError as error:
            _add_error(form, error)
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
    _require(permissions.can_book_any(request.user))
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
        except DropinError as error:
            _add_error(form, error)
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
    _require(permissions.can_book_any(request.user))
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
    _require(permissions.can_book_any(request.user))
    services.calendar_feed_reset(actor=request.user)
    messages.success(
        request, "Your calendar feed address has been set. Any previous address no longer works."
    )
    return redirect("dropins:my-bookings")


# Hosting ------------------------------------------------------------------------------------------


@require_GET
def schedule_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_host_any(request.user))
    return render(
        request,
        "dropins/schedule_list.html",
        {"schedules": list(selectors.schedules_for_host(viewer=request.user))},
    )


@require_http_methods(["GET", "POST"])
def schedule_create(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_host_any(request.user))
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.schedule_create(actor=request.user, spec=form.spec())
        except DropinError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"Schedule created with {schedule.sessions.count()} sessions.")
            return redirect("dropins:schedule-detail", pk=schedule.pk)
    return render(
        request,
        "dropins/schedule_form.html",
        {"form": form, "schedule": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_host_any(request.user))
    schedule = selectors.schedule_for_host(viewer=request.user, schedule_id=pk)
    if schedule is None:
        raise Http404
    form = ScheduleForm(
        request.POST or None, initial=ScheduleForm.initial_from(services.spec_from_schedule(schedule))
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.schedule_update(actor=request.user, schedule_id=schedule.pk, spec=form.spec())
        except NotFound as exc:
            raise Http404 from exc
        except DropinError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                f"Schedule updated: {change.updated} sessions changed, {change.created} added, "
                f"{change.cancelled} cancelled; {change.bookers_told} booked ISVAs told.",
            )
            return redirect("dropins:schedule-detail", pk=schedule.pk)
    return render(
        request,
        "dropins/schedule_form.html",
        {"form": form, "schedule": schedule},
        status=400 if form.errors else 200,
    )


@require_GET
def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_host_any(request.user))
    schedule = selectors.schedule_for_host(viewer=request.user, schedule_id=pk)
    if schedule is None:
        raise Http404
    paginator = Paginator(selectors.schedule_sessions(viewer=request.user, schedule=schedule), PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    return render(
        request,
        "dropins/schedule_detail.html",
        {"schedule": schedule, "page": page, "sessions": list(page.object_list)},
    )


@require_GET
def host_session(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_host_any(request.user))
    session = selectors.session_for_host(viewer=request.user, session_id=pk)
    if session is None:
        raise Http404
    return _render_host_session(request, session, errors={})


def _render_host_session(
    request: HttpRequest, session, errors: dict[int, AttendanceForm], status: int = 200
) -> HttpResponse:  # type: ignore[no-untyped-def]
    rows = []
    for booking in session.attendees:
        form = errors.get(booking.pk) or AttendanceForm(
            prefix=f"b{booking.pk}",
            initial={
                "attended": {"attended": "yes", "no_show": "no"}.get(booking.status),
                "outcome": booking.outcome,
            },
        )
        rows.append({"booking": booking, "form": form})
    return render(
        request,
        "dropins/host_session.html",
        {
            "session": session,
            "schedule": session.schedule,
            "rows": rows,
            "started": session.starts_at <= timezone.now(),
            "form": next(iter(errors.values()), None),
        },
        status=status,
    )


@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_host_any(request.user))
    session = selectors.session_for_host(viewer=request.user, session_id=pk)
    if session is None:
        raise Http404
    raw = request.POST.get("booking", "")
    booking = next((b for b in session.attendees if raw.isdigit() and b.pk == int(raw)), None)
    if booking is None:
        raise Http404
    form = AttendanceForm(request.POST, prefix=f"b{booking.pk}")
    if form.is_valid():
        try:
            services.attendance_record(
                actor=request.user,
                booking_id=booking.pk,
                attended=form.cleaned_data["attended"],
                outcome=form.cleaned_data["outcome"],
            )
        except NotFound as exc:
            raise Http404 from exc
        except DropinError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("dropins:host-session", pk=session.pk)
    return _render_host_session(request, session, errors={booking.pk: form}, status=400)


@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_host_any(request.user))
    session = selectors.session_for_host(viewer=request.user, session_id=pk)
    if session is None:
        raise Http404
    form = Form(request.POST or None)
    if request.method == "POST":
        try:
            told = services.session_cancel(actor=request.user, session_id=session.pk)
        except NotFound as exc:
            raise Http404 from exc
        except DropinError as error:
            _add_error(form, error)
        else:
            messages.success(
                request, f"Session cancelled. {told} booked ISVA{'s' if told != 1 else ''} told."
            )
            return redirect("dropins:schedule-detail", pk=session.schedule_id)
    return render(
        request,
        "dropins/session_cancel.html",
        {"session": session, "schedule": session.schedule, "form": form},
        status=400 if form.errors else 200,
    )

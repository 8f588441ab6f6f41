"""Hosting: schedules, a session's attendees and attendance, cancelling a session."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.dropins import permissions, selectors, services
from agencies.dropins.forms import AttendanceForm, ScheduleForm
from agencies.dropins.views.common import PAGE_SIZE, page_number, require
from agencies.errors import NotFound, attach_to_form
from agencies.http import AuthenticatedHttpRequest

# Hosting ------------------------------------------------------------------------------------------


@require_GET
def schedule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(permissions.can_host_any(request.user))
    return render(
        request,
        "dropins/schedule_list.html",
        {"schedules": list(selectors.schedules_for_host(viewer=request.user))},
    )


@require_http_methods(["GET", "POST"])
def schedule_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(permissions.can_host_any(request.user))
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.schedule_create(actor=request.user, spec=form.spec())
        except ValidationError as error:
            attach_to_form(form, error)
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
def schedule_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_host_any(request.user))
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
        except ValidationError as error:
            attach_to_form(form, error)
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
def schedule_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_host_any(request.user))
    schedule = selectors.schedule_for_host(viewer=request.user, schedule_id=pk)
    if schedule is None:
        raise Http404
    paginator = Paginator(selectors.schedule_sessions(viewer=request.user, schedule=schedule), PAGE_SIZE)
    page = paginator.get_page(page_number(request))
    return render(
        request,
        "dropins/schedule_detail.html",
        {"schedule": schedule, "page": page, "sessions": list(page.object_list)},
    )


@require_GET
def host_session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_host_any(request.user))
    session = selectors.session_for_host(viewer=request.user, session_id=pk)
    if session is None:
        raise Http404
    return _render_host_session(request, session, errors={})


def _render_host_session(
    request: AuthenticatedHttpRequest, session, errors: dict[int, AttendanceForm], status: int = 200
) -> HttpResponse:
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
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_host_any(request.user))
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
        except ValidationError as error:
            attach_to_form(form, error)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("dropins:host-session", pk=session.pk)
    return _render_host_session(request, session, errors={booking.pk: form}, status=400)


@require_http_methods(["GET", "POST"])
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_host_any(request.user))
    session = selectors.session_for_host(viewer=request.user, session_id=pk)
    if session is None:
        raise Http404
    form = Form(request.POST or None)
    if request.method == "POST":
        try:
            told = services.session_cancel(actor=request.user, session_id=session.pk)
        except NotFound as exc:
            raise Http404 from exc
        except ValidationError as error:
            attach_to_form(form, error)
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

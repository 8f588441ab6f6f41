"""Pre-trial meeting pages. Views parse input, call one selector or service, and render; every
form works without JavaScript and shows errors through the GOV.UK error summary. Every page that
shows a request is written to the access audit; a request the viewer may not know of is a 404
(and a refusal in the audit), whoever they are."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.audit import AccessVerb
from agencies.errors import NotFound, ServiceError, attach_to_form
from agencies.http import AuthenticatedHttpRequest
from agencies.victims.forms import MAX_ID
from agencies.victims.meetings import permissions, selectors, services
from agencies.victims.meetings.forms import (
    ConfirmSlotForm,
    MeetingRequestForm,
    NotNeededForm,
    OutcomeForm,
    ProposeSlotForm,
)
from agencies.victims.meetings.models import MeetingRequest, MeetingStatus

PAGE_SIZE = 50


def _require_open(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_open(request.user):
        raise PermissionDenied


def _page_number(request: AuthenticatedHttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


def _list_audience(request: AuthenticatedHttpRequest) -> str:
    if permissions.handled_area_id(request.user) is not None:
        return permissions.Audience.VLO_TEAM
    if permissions.administered_agency_id(request.user) is not None:
        return permissions.Audience.AGENCY_ADMIN
    return permissions.Audience.REQUESTER


@require_GET
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_open(request)
    page = Paginator(selectors.requests_for(viewer=request.user), PAGE_SIZE).get_page(_page_number(request))
    rows = list(page.object_list)
    # One row for the list page (it shows references and states, never a URN).
    services.audit(
        actor=request.user,
        request=None,
        verb=AccessVerb.VIEW,
        audience=_list_audience(request),
        object_id=None,
    )
    return render(
        request,
        "victims/meetings/list.html",
        {
            "page": page,
            "rows": rows,
            "can_request": permissions.can_request(request.user),
            "handles": permissions.handled_area_id(request.user) is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_request(request.user):
        raise PermissionDenied
    form = MeetingRequestForm(request.POST or None, area_choices=selectors.area_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = services.RequestSpec(
            area_id=data["area"],
            urn=data["urn"],
            slots=form.slots(),
            isva_attends=data["isva_attends"],
            needs=frozenset(data["needs"]),
            notes=data["notes"],
        )
        try:
            created = services.meeting_request_create(actor=request.user, spec=spec)
        except NotFound as exc:
            raise Http404 from exc
        except ServiceError as error:
            attach_to_form(form, error)
        else:
            messages.success(request, f"Your request {created.reference} has been sent to the VLO team.")
            return redirect("pretrial:detail", created.pk)
    return render(request, "victims/meetings/new.html", {"form": form}, status=400 if form.errors else 200)


def _visible(
    request: AuthenticatedHttpRequest, request_id: int
) -> tuple[MeetingRequest, permissions.Audience]:
    _require_open(request)
    found = (
        selectors.request_get(viewer=request.user, request_id=request_id) if request_id <= MAX_ID else None
    )
    if found is None:
        services.audit(
            actor=request.user,
            request=None,
            verb=AccessVerb.REFUSED,
            audience="none",
            object_id=request_id if request_id <= MAX_ID else None,
        )
        raise Http404
    return found


def _slot_choices(meeting: MeetingRequest) -> list[tuple[int, str]]:
    now = timezone.now()
    return [
        (
            slot.pk,
            timezone.localtime(slot.starts_at).strftime("%A %-d %B %Y, %H:%M")
            + (" (proposed by the VLO team)" if slot.source == "vlo" else ""),
        )
        for slot in meeting.slots.all()
        if slot.starts_at > now
    ]


def _render_detail(
    request: AuthenticatedHttpRequest,
    meeting: MeetingRequest,
    audience: permissions.Audience,
    *,
    bound: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    services.audit(actor=request.user, request=meeting, verb=AccessVerb.VIEW, audience=audience)
    team = audience is permissions.Audience.VLO_TEAM
    open_ = meeting.status in (MeetingStatus.REQUESTED, MeetingStatus.PROPOSED)
    context: dict[str, Any] = {
        "meeting": meeting,
        "audience": audience,
        "team": team,
        "slots": list(meeting.slots.all()),
        "can_act": team and open_,
        "can_record_outcome": team and meeting.status in (*services.OPEN_STATUSES, MeetingStatus.CONFIRMED),
        "can_accept": audience is permissions.Audience.REQUESTER and meeting.status == MeetingStatus.PROPOSED,
        "confirm_form": ConfirmSlotForm(slot_choices=_slot_choices(meeting), prefix="confirm"),
        "propose_form": ProposeSlotForm(prefix="propose"),
        "not_needed_form": NotNeededForm(prefix="not_needed"),
        "outcome_form": OutcomeForm(prefix="outcome"),
        "form": bound,  # the form with errors, for the error summary
    }
    if bound is not None:
        context[f"{bound.prefix}_form"] = bound
    return render(request, "victims/meetings/detail.html", context, status=status)


@require_GET
def request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    meeting, audience = _visible(request, request_id)
    return _render_detail(request, meeting, audience)


def _act(
    request: AuthenticatedHttpRequest, request_id: int, form: Form, call: Any, success: str
) -> HttpResponse:
    meeting, audience = _visible(request, request_id)
    if form.is_valid():
        try:
            call(meeting, form.cleaned_data)
        except NotFound as exc:
            raise Http404 from exc
        except ServiceError as error:
            attach_to_form(form, error)
        else:
            messages.success(request, success)
            return redirect("pretrial:detail", meeting.pk)
    found = selectors.request_get(viewer=request.user, request_id=meeting.pk)
    if found is None:
        raise Http404
    return _render_detail(request, found[0], found[1], bound=form, status=400)


def _team_only(request: AuthenticatedHttpRequest, request_id: int) -> None:
    meeting, audience = _visible(request, request_id)
    if audience is not permissions.Audience.VLO_TEAM:
        services.audit(actor=request.user, request=meeting, verb=AccessVerb.REFUSED, audience=audience)
        raise Http404


@require_POST
def request_confirm(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    _team_only(request, request_id)
    meeting, _ = _visible(request, request_id)
    form = ConfirmSlotForm(request.POST, slot_choices=_slot_choices(meeting), prefix="confirm")
    return _act(
        request,
        request_id,
        form,
        lambda m, d: services.meeting_slot_confirm(actor=request.user, request_id=m.pk, slot_id=d["slot"]),
        "The time is confirmed. The requester has been emailed.",
    )


@require_POST
def request_propose(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    _team_only(request, request_id)
    return _act(
        request,
        request_id,
        ProposeSlotForm(request.POST, prefix="propose"),
        lambda m, d: services.meeting_slot_propose(
            actor=request.user, request_id=m.pk, starts_at=d["starts_at"]
        ),
        "The new time is proposed. The requester has been emailed.",
    )


@require_POST
def request_not_needed(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    _team_only(request, request_id)
    return _act(
        request,
        request_id,
        NotNeededForm(request.POST, prefix="not_needed"),
        lambda m, d: services.meeting_not_needed(actor=request.user, request_id=m.pk, reason=d["reason"]),
        "Recorded that no meeting is needed. The requester has been emailed.",
    )


@require_POST
def request_outcome(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    _team_only(request, request_id)
    return _act(
        request,
        request_id,
        OutcomeForm(request.POST, prefix="outcome"),
        lambda m, d: services.meeting_outcome_record(
            actor=request.user,
            request_id=m.pk,
            outcome=d["outcome"],
            reason=d["reason"],
            new_starts_at=d["new_starts_at"],
        ),
        "The outcome is recorded. The requester has been emailed.",
    )


@require_POST
def request_accept(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    meeting, audience = _visible(request, request_id)
    if audience is not permissions.Audience.REQUESTER:
        services.audit(actor=request.user, request=meeting, verb=AccessVerb.REFUSED, audience=audience)
        raise Http404
    return _act(
        request,
        request_id,
        Form(request.POST),
        lambda m, d: services.meeting_proposal_accept(actor=request.user, request_id=m.pk),
        "You have accepted the proposed time.",
    )

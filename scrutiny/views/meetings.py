"""Meeting pages: schedule, agenda, attendance, chairing, findings and actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.http import AuthenticatedHttpRequest
from scrutiny import permissions, presenters, selectors, services
from scrutiny.forms import (
    ActingChairForm,
    ActionForm,
    ActionUpdateForm,
    AgreedScoreForm,
    FindingForm,
)
from scrutiny.models import (
    Meeting,
    MeetingStatus,
)
from scrutiny.permissions import CaseAccess
from scrutiny.redaction import Audience
from scrutiny.reporting import scrutiny_view
from scrutiny.views.common import GET_POST, HELD_MESSAGE, log_view, meeting_or_404, posted, submitted

# Meetings -----------------------------------------------------------------------------------------


def meeting_context(request: AuthenticatedHttpRequest, meeting: Meeting) -> dict[str, Any]:
    """The meeting as this viewer may see it (also the live fragment's context)."""
    audience = permissions.audience_for(request.user, meeting)
    agenda = selectors.meeting_agenda(meeting=meeting, viewer=request.user)
    findings = selectors.meeting_findings(meeting=meeting, viewer=request.user)
    is_chair = permissions.can_chair(request.user, meeting)
    access = permissions.case_access_map(request.user, [item.case for item in agenda])
    chaired = permissions.chaired_case_ids(
        request.user,
        meeting,
        [item.case_id for item in agenda],
        acting=[item.case_id for item in agenda if getattr(item, "viewer_acting", False)],
    )
    rows = [
        presenters.agenda_row(
            item,
            audience,
            permissions.audience_for(request.user, item.case),
            can_open=access.get(item.case.pk) == CaseAccess.ALLOWED,
            can_score=item.case_id in chaired,
        )
        for item in agenda
    ]
    finding_rows = []
    for f in findings:
        row = presenters.finding_view(
            f,
            audience,
            lambda obj: permissions.can_check_meeting_text(
                request.user,
                meeting.panel_id,
                obj.author_id_value,
                obj.case_id if hasattr(obj, "case_id") else obj.finding.case_id,
            ),
        )
        row["can_add_action"] = f.case_id in chaired
        finding_rows.append(row)
    return {
        "meeting": presenters.meeting_row(meeting, audience),
        "meeting_id": meeting.pk,
        "panel": presenters.panel_heading(meeting.panel, audience),
        "panel_id": meeting.panel_id,
        "agenda": rows,
        "show_review_counts": any("review_count" in row for row in rows),
        "attendance": presenters.attendance_rows(selectors.meeting_attendance(meeting=meeting), audience),
        "findings": finding_rows,
        "is_chair": is_chair,
        "can_record_findings": meeting.status != MeetingStatus.CLOSED and (is_chair or bool(chaired)),
        "can_appoint_acting_chair": permissions.can_appoint_acting_chair(request.user, meeting),
        "is_coordinator": audience == Audience.COORDINATOR,
        "can_join": permissions.can_attend(request.user, meeting),
        "is_closed": meeting.status == MeetingStatus.CLOSED,
        "is_planned": meeting.status == MeetingStatus.PLANNED,
        "score_form": AgreedScoreForm(),
        "can_promote": any(permissions.can_promote_finding(request.user, f.kind) for f in findings),
        "audience": audience,
    }


@require_GET
@scrutiny_view
def meeting_detail(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_or_404(request, meeting_id)
    context = meeting_context(request, meeting)
    log_view(request, meeting, context["audience"], meeting.panel_id, meeting.pk)
    if context["is_coordinator"] and not context["is_closed"]:
        candidates, more = selectors.agenda_candidates(viewer=request.user, meeting=meeting)
        context["addable"] = [{"id": pk, "pseudonym": pseudonym} for pk, pseudonym in candidates]
        context["addable_more"] = more
    return render(request, "scrutiny/meeting_detail.html", context)


@require_GET
@scrutiny_view
def meeting_fragment(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """The live part of the meeting page, re-fetched by the browser when a live event arrives."""
    meeting = meeting_or_404(request, meeting_id)
    context = meeting_context(request, meeting)
    log_view(request, meeting, context["audience"], meeting.panel_id, meeting.pk)
    return render(request, "scrutiny/includes/meeting_live.html", context)


def _meeting_action(
    request: AuthenticatedHttpRequest, meeting_id: int, call: Any, success: str
) -> HttpResponse:
    meeting = meeting_or_404(request, meeting_id)
    try:
        call(meeting)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("scrutiny:meeting-detail", meeting.pk)


@require_POST
@scrutiny_view
def agenda_add(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_or_404(request, meeting_id)
    if not permissions.can_coordinate(request.user, meeting.panel):
        raise PermissionDenied
    pseudonym = request.POST.get("pseudonym", "").strip()
    if pseudonym:  # typed in, for a case beyond the listed choices
        case = selectors.case_by_pseudonym(viewer=request.user, panel=meeting.panel, pseudonym=pseudonym)
    else:
        try:
            case_id = int(request.POST.get("case", ""))
        except ValueError:
            case_id = 0
        case = selectors.case_get(viewer=request.user, case_id=case_id)
    if case is None:
        messages.error(request, "Choose a released case of this panel.")
        return redirect("scrutiny:meeting-detail", meeting.pk)
    return _meeting_action(
        request,
        meeting_id,
        lambda m: services.agenda_add(actor=request.user, meeting=m, case=case),
        "Case added to the agenda.",
    )


@require_POST
@scrutiny_view
def meeting_start(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_or_404(request, meeting_id)
    if not permissions.can_chair(request.user, meeting):
        raise PermissionDenied
    return _meeting_action(
        request,
        meeting_id,
        lambda m: services.meeting_start(actor=request.user, meeting=m),
        "The meeting is in session.",
    )


@require_POST
@scrutiny_view
def meeting_close(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_or_404(request, meeting_id)
    if not permissions.can_chair(request.user, meeting):
        raise PermissionDenied
    return _meeting_action(
        request,
        meeting_id,
        lambda m: services.meeting_close(actor=request.user, meeting=m),
        "Meeting closed. Cases scored 4 carry over to the next meeting.",
    )


@require_POST
@scrutiny_view
def meeting_join(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_or_404(request, meeting_id)
    if not permissions.can_attend(request.user, meeting):
        raise PermissionDenied
    return _meeting_action(
        request,
        meeting_id,
        lambda m: services.attendance_join(actor=request.user, meeting=m),
        "You are marked as present.",
    )


@require_POST
@scrutiny_view
def agreed_score(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = selectors.agenda_item_get(viewer=request.user, item_id=item_id)
    if item is None:
        raise Http404
    if not permissions.can_chair_case(request.user, item.meeting, item.case_id):
        raise permissions.Refused(item, panel_id=item.meeting.panel_id, meeting_id=item.meeting_id)
    form = AgreedScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an agreed score from 1 to 4.")
    else:
        services.agreed_score_record(actor=request.user, item=item, score=form.cleaned_data["score"])
        messages.success(request, "Agreed score recorded.")
    return redirect("scrutiny:meeting-detail", item.meeting_id)


@require_http_methods(GET_POST)
@scrutiny_view
def finding_create(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_or_404(request, meeting_id)
    if not permissions.can_record_findings(request.user, meeting):
        raise permissions.Refused(meeting, panel_id=meeting.panel_id, meeting_id=meeting.pk)
    # Only the cases the viewer chairs: never one they declared involvement in (not even listed).
    agenda = selectors.meeting_agenda(meeting=meeting, viewer=request.user)
    chaired = permissions.chaired_case_ids(
        request.user,
        meeting,
        [item.case_id for item in agenda],
        acting=[item.case_id for item in agenda if getattr(item, "viewer_acting", False)],
    )
    agenda = [item for item in agenda if item.case_id in chaired]
    form = FindingForm(
        request.POST or None, case_choices=[(item.case.pk, item.case.pseudonym) for item in agenda]
    )
    if request.method == "POST" and form.is_valid():
        case = next(item.case for item in agenda if item.case.pk == form.cleaned_data["case"])
        ok, finding = submitted(
            form,
            lambda: services.finding_record(
                actor=request.user,
                meeting=meeting,
                case=case,
                theme=form.cleaned_data["theme"],
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            ),
        )
        if ok:
            if finding.is_releasable:
                messages.success(request, "Finding recorded. Add an action for it if one was agreed.")
            else:
                messages.warning(request, HELD_MESSAGE)
            return redirect(f"{reverse('scrutiny:meeting-detail', args=[meeting.pk])}#finding-{finding.pk}")
    return render(
        request,
        "scrutiny/finding_form.html",
        {"form": form, "meeting_id": meeting.pk},
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def acting_chair(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """A chair who declared involvement in a case (or the coordinator) hands that case's chairing
    to another member for this meeting. The chair sees the case by pseudonym only."""
    meeting = meeting_or_404(request, meeting_id)
    if not permissions.can_appoint_acting_chair(request.user, meeting):
        raise permissions.Refused(meeting, panel_id=meeting.panel_id, meeting_id=meeting.pk)
    audience = permissions.audience_for(request.user, meeting)
    items, members = selectors.acting_chair_choices(viewer=request.user, meeting=meeting)
    form = ActingChairForm(
        posted(request),
        items=[(item.pk, item.case.pseudonym) for item in items],
        members=presenters.member_choices(members, audience),
    )
    if request.method == "POST" and form.is_valid():
        item = selectors.acting_chair_item(
            viewer=request.user, meeting=meeting, item_id=form.cleaned_data["item"]
        )
        membership = selectors.acting_chair_membership(
            meeting=meeting, membership_id=form.cleaned_data["membership"]
        )
        if item is None or membership is None:
            form.add_error(None, "Choose a case of this meeting and a member of this panel.")
        else:
            ok, _ = submitted(
                form,
                lambda: services.acting_chair_appoint(actor=request.user, item=item, membership=membership),
            )
            if ok:
                messages.success(request, "The chairing of that case was handed over for this meeting.")
                return redirect("scrutiny:meeting-detail", meeting.pk)
    return render(
        request,
        "scrutiny/acting_chair.html",
        {
            "form": form,
            "meeting_id": meeting.pk,
            "items": [presenters.acting_chair_row(item, audience) for item in items],
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def action_create(request: AuthenticatedHttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(viewer=request.user, finding_id=finding_id)
    if finding is None:
        raise Http404
    if not permissions.can_chair_case(request.user, finding.meeting, finding.case_id):
        raise permissions.Refused(finding, panel_id=finding.meeting.panel_id, meeting_id=finding.meeting_id)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, action = submitted(
            form, lambda: services.action_record(actor=request.user, finding=finding, **form.cleaned_data)
        )
        if ok:
            if action.is_releasable:
                messages.success(request, "Action recorded; the owner agency's panel members are notified.")
            else:
                messages.warning(request, HELD_MESSAGE)
            return redirect("scrutiny:meeting-detail", finding.meeting_id)
    return render(
        request,
        "scrutiny/action_form.html",
        {"form": form, "meeting_id": finding.meeting_id, "finding_id": finding.pk},
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def action_update(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    action = selectors.action_get(viewer=request.user, action_id=action_id)
    if action is None:
        raise Http404
    meeting = action.finding.meeting
    if not permissions.can_update_action(request.user, action, meeting.panel_id):
        raise permissions.Refused(action, panel_id=meeting.panel_id, meeting_id=meeting.pk)
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status})
    if request.method == "POST" and form.is_valid():
        ok, _ = submitted(
            form, lambda: services.action_update(actor=request.user, action=action, **form.cleaned_data)
        )
        if ok:
            messages.success(request, "Action updated.")
            return redirect("scrutiny:meeting-detail", meeting.pk)
    audience = permissions.audience_for(request.user, meeting)
    return render(
        request,
        "scrutiny/action_update.html",
        {
            "form": form,
            "action": presenters.action_view(action, audience),
            "action_id": action.pk,
            "meeting_id": meeting.pk,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@scrutiny_view
def finding_promote(request: AuthenticatedHttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(viewer=request.user, finding_id=finding_id)
    if finding is None:
        raise Http404
    if not permissions.can_promote_finding(request.user, finding.kind):
        raise permissions.Refused(finding, panel_id=finding.meeting.panel_id, meeting_id=finding.meeting_id)
    try:
        with transaction.atomic():
            services.finding_promote(actor=request.user, finding=finding)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, "A draft guidance page was created from this finding for editing and approval."
        )
    return redirect("scrutiny:meeting-detail", finding.meeting_id)

"""Reviews, findings, actions, promotion of findings and acting chairs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, NotificationKind, User
from agencies.services import notification_send
from scrutiny import permissions
from scrutiny.models import (
    ActingChair,
    Action,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    Case,
    CheckStatus,
    DecisionAssessment,
    DecisionPoint,
    Finding,
    Meeting,
    PanelMembership,
    Review,
    Score,
)
from scrutiny.redaction import Audience
from scrutiny.services.audit import check_text, edit_logged, require
from scrutiny.services.meetings import figures_changed, meeting_changed, meeting_locked
from scrutiny.services.texts import apply_check, log_overrides, open_hits, redact_hits

# Reviews, findings, actions ---------------------------------------------------------------------------


@transaction.atomic
def review_submit(
    *, actor: User, case: Case, meeting: Meeting, score: int, assessments: dict[int, tuple[str, str]]
) -> Review:
    """A member's score and their assessment of each decision point (replaces their earlier one)."""
    require(permissions.can_review(actor, case, meeting))
    if score not in Score.values:
        raise ValidationError({"score": "Choose a score from 1 to 4."})
    points = set(DecisionPoint.objects.filter(case=case).values_list("pk", flat=True))
    if set(assessments) != points:
        raise ValidationError("Assess every decision point.")
    for point_id, (_assessment, notes) in assessments.items():
        check_text(notes, f"notes_{point_id}")
    membership = permissions.membership_of(actor, case.panel_id)
    review, _ = Review.objects.update_or_create(
        case=case,
        meeting=meeting,
        reviewer=actor,
        defaults={
            "score": score,
            "panel_role": membership.role if membership else "",
            "submitted_at": timezone.now(),
        },
    )
    review.full_clean()
    DecisionAssessment.objects.filter(review=review).delete()
    for point_id, (assessment, notes) in assessments.items():
        item = DecisionAssessment(
            review=review, decision_point_id=point_id, assessment=assessment, notes=notes
        )
        item.full_clean()
        item.save()
    edit_logged(actor, review, permissions.audience_for(actor, case), case.panel_id, meeting.pk)
    meeting_changed(meeting, case.pk)
    figures_changed(case.area_id)
    return review


def _panel_people(panel_id: int, exclude: User, case_id: int) -> list[User]:
    """The panel's members to tell about a record of this case: not the actor, and never anyone
    who declared involvement in the case (they hear nothing of it)."""
    member_ids = PanelMembership.objects.filter(panel_id=panel_id, ended_at__isnull=True).values("user_id")
    return list(
        User.objects.filter(pk__in=member_ids, is_active=True)
        .exclude(pk=exclude.pk)
        .exclude(pk__in=permissions.walled_off_user_ids(case_id))
    )


@transaction.atomic
def finding_record(*, actor: User, meeting: Meeting, case: Case, theme: Any, kind: str, text: str) -> Finding:
    meeting = meeting_locked(meeting.pk)
    require(permissions.can_chair_case(actor, meeting, case))
    if not AgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationError("Record findings for cases on this meeting's agenda.")
    finding = Finding(meeting=meeting, case=case, theme=theme, kind=kind, text=text, recorded_by=actor)
    apply_check(finding)
    finding.full_clean()
    finding.save()
    edit_logged(actor, finding, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    url = reverse("scrutiny:meeting-detail", args=[meeting.pk])
    for person in _panel_people(meeting.panel_id, actor, case.pk):
        notification_send(
            recipient=person,
            title="A finding was recorded at a panel meeting",
            kind=NotificationKind.FINDING_RECORDED,
            url=url,
        )
    meeting_changed(meeting, case.pk)
    figures_changed(case.area_id)
    return finding


@transaction.atomic
def action_record(
    *,
    actor: User,
    finding: Finding,
    description: str,
    owner_agency: Agency,
    owner_role: str,
    due_on: dt.date,
) -> Action:
    meeting = meeting_locked(finding.meeting_id)
    require(permissions.can_chair_case(actor, meeting, finding.case_id))
    check_text(owner_role, "owner_role")
    action = Action(
        finding=finding,
        description=description,
        owner_agency=owner_agency,
        owner_role=owner_role,
        due_on=due_on,
        created_by=actor,
    )
    apply_check(action)
    action.full_clean()
    action.save()
    edit_logged(actor, action, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    url = reverse("scrutiny:meeting-detail", args=[meeting.pk])
    member_ids = PanelMembership.objects.filter(panel_id=meeting.panel_id, ended_at__isnull=True).values(
        "user_id"
    )
    recipients = User.objects.filter(agency=owner_agency, is_active=True, pk__in=member_ids).exclude(
        pk__in=permissions.walled_off_user_ids(finding.case_id)
    )
    for person in recipients.exclude(pk=actor.pk):
        notification_send(
            recipient=person,
            title="An action was assigned to your agency",
            kind=NotificationKind.ACTION_ASSIGNED,
            url=url,
        )
    meeting_changed(meeting, finding.case_id)
    figures_changed(finding.case.area_id)
    return action


@transaction.atomic
def action_update(*, actor: User, action: Action, text: str, status: str) -> ActionUpdate:
    meeting = action.finding.meeting
    require(permissions.can_update_action(actor, action, meeting.panel_id))
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose a status."})
    check_text(text, "text")
    update = ActionUpdate(action=action, text=text, status=status, author=actor)
    update.full_clean()
    update.save()
    action.status = status
    action.closed_at = timezone.now() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "closed_at"])
    edit_logged(
        actor, update, permissions.panel_audience(actor, meeting.panel_id), meeting.panel_id, meeting.pk
    )
    meeting_changed(meeting, action.finding.case_id)
    figures_changed(action.finding.case.area_id)
    return update


@transaction.atomic
def finding_promote(*, actor: User, finding: Finding) -> Any:
    """A governance member turns an agreed good-practice finding into a draft guidance page.
    Provenance names the panel, area and meeting month only: no case data goes to the CMS."""
    from content import services as content_services

    require(permissions.can_promote_finding(actor, finding.kind))
    if not finding.is_releasable:
        raise ValidationError("This finding may contain identifiers and waits for a second person's check.")
    if finding.guidance_page_id is not None:
        raise ValidationError("This finding has already been promoted to guidance.")
    meeting = finding.meeting
    panel = meeting.panel
    provenance = f"Scrutiny panel {panel.name}, {panel.area.name}, meeting of {meeting.held_on:%B %Y}"
    page = content_services.guidance_draft_from_finding(
        actor=actor,
        theme=finding.theme,
        area=panel.area,
        title=f"Good practice: {finding.theme.name}",
        summary=finding.text,
        provenance=provenance,
    )
    finding.guidance_page_id = page.pk
    finding.save(update_fields=["guidance_page_id"])
    edit_logged(actor, finding, Audience.GOVERNANCE, panel.pk, meeting.pk)
    return page


WAITING = "This text is not waiting for a check."


@transaction.atomic
def meeting_text_confirm(
    *,
    actor: User,
    obj: Finding | Action,
    redactions: dict[int, str | None],
    reasons: dict[int, str] | None = None,
) -> Finding | Action:
    """The second person's check of a finding or action (the same decisions as for case text):
    every open hit redacted with a reason or kept as a false alarm with a written reason; a text
    with no hits is confirmed as it is. Only then does the panel see it, redactions as visible
    blocks. Never the person who recorded it."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    meeting = obj.meeting if isinstance(obj, Finding) else obj.finding.meeting
    require(
        permissions.can_check_meeting_text(
            actor,
            meeting.panel_id,
            obj.author_id_value,
            obj.case_id if isinstance(obj, Finding) else obj.finding.case_id,
        )
    )
    if obj.check_status == CheckStatus.CONFIRMED and not open_hits(obj):
        raise ValidationError(WAITING)
    overrides = redact_hits(obj, redactions, reasons, actor=actor)
    obj.check_status = CheckStatus.CONFIRMED
    obj.checked_by = actor
    obj.checked_at = timezone.now()
    obj.save()
    edit_logged(actor, obj, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    log_overrides(actor, overrides, meeting.panel_id, meeting.pk)
    meeting_changed(meeting, obj.case_id if isinstance(obj, Finding) else obj.finding.case_id)
    return obj


@transaction.atomic
def meeting_text_edit(*, actor: User, obj: Finding | Action, text: str) -> Finding | Action:
    """A second person's edit of a finding or action waiting for a check. If it leaves no possible
    identifiers it counts as their check and releases the text; otherwise it stays held."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    meeting = obj.meeting if isinstance(obj, Finding) else obj.finding.meeting
    require(
        permissions.can_check_meeting_text(
            actor,
            meeting.panel_id,
            obj.author_id_value,
            obj.case_id if isinstance(obj, Finding) else obj.finding.case_id,
        )
    )
    if obj.check_status == CheckStatus.CONFIRMED:
        raise ValidationError(WAITING)
    setattr(obj, obj.checked_field, text)
    apply_check(obj)
    if obj.check_status == CheckStatus.CLEAR:
        obj.check_status = CheckStatus.CONFIRMED
        obj.checked_by = actor
        obj.checked_at = timezone.now()
    obj.full_clean()
    obj.save()
    edit_logged(actor, obj, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    meeting_changed(meeting, obj.case_id if isinstance(obj, Finding) else obj.finding.case_id)
    return obj


@transaction.atomic
def acting_chair_appoint(*, actor: User, item: AgendaItem, membership: PanelMembership) -> ActingChair:
    """Hand the chairing of one case of a meeting to another member: the chair who declared
    involvement in it, or the coordinator. The member then scores the case and records its
    findings and actions; the chair cannot. Replaces an earlier appointment. Audited."""
    meeting = meeting_locked(item.meeting_id)
    require(permissions.can_appoint_acting_chair(actor, meeting, item.case_id))
    if not permissions.can_act_as_chair(actor, membership, meeting, item.case):
        raise ValidationError(
            {
                "membership": "Choose a member of this panel (not an observer or the chair) who has "
                "accepted the agreement and declared no involvement in this case."
            }
        )
    acting, _ = ActingChair.objects.update_or_create(
        agenda_item=item,
        defaults={"membership": membership, "appointed_by": actor, "appointed_at": timezone.now()},
    )
    edit_logged(actor, acting, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    meeting_changed(meeting, item.case_id)
    return acting

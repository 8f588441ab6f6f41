"""Meetings: scheduling, the agenda, starting and closing, attendance, agreed scores."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from agencies.models import User
from agencies.realtime import events as agency_events
from scrutiny import events, permissions
from scrutiny.models import (
    Action,
    AgendaItem,
    Case,
    CaseStatus,
    Finding,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    Panel,
    Score,
)
from scrutiny.redaction import Audience
from scrutiny.services.audit import edit_logged, require

# Meetings ---------------------------------------------------------------------------------------------


def meeting_locked(meeting_id: int) -> Meeting:
    """The meeting as it is now, locked for this transaction (status decides what may happen)."""
    return Meeting.objects.select_for_update().select_related("panel").get(pk=meeting_id)


def meeting_changed(meeting: Meeting, case_id: int | None = None) -> None:
    """Tell the meeting's sockets; `case_id` when the change is about one case (its agenda line,
    score, reviews, findings or actions), so the consumer sends nothing to people walled off it."""
    events_data = events.MeetingChanged(
        meeting_id=meeting.pk,
        case_id=case_id,
        findings=Finding.objects.filter(meeting=meeting).count(),
        actions=Action.objects.filter(finding__meeting=meeting).count(),
        present=MeetingAttendance.objects.filter(meeting=meeting).count(),
    )
    agency_events.publish(events.meeting_group(meeting.pk), events_data)


def figures_changed(area_id: int) -> None:
    agency_events.publish(
        agency_events.governance_area_group(area_id), events.GovernanceFiguresChanged(area_id=area_id)
    )
    agency_events.publish(
        agency_events.governance_national_group(), events.GovernanceFiguresChanged(area_id=area_id)
    )


@transaction.atomic
def meeting_create(*, actor: User, panel: Panel, held_on: dt.date) -> Meeting:
    require(permissions.can_coordinate(actor, panel))
    meeting = Meeting(panel=panel, held_on=held_on)
    meeting.full_clean()
    meeting.save()
    edit_logged(actor, meeting, Audience.COORDINATOR, panel.pk, meeting.pk)
    return meeting


@transaction.atomic
def agenda_add(*, actor: User, meeting: Meeting, case: Case, carried_over: bool = False) -> AgendaItem:
    require(permissions.can_coordinate(actor, meeting.panel_id))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationError("This meeting is closed.")
    if case.panel_id != meeting.panel_id or case.status != CaseStatus.RELEASED:
        raise ValidationError("Only cases released to this panel can go on its agenda.")
    if AgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationError("That case is already on the agenda.")
    count = AgendaItem.objects.filter(meeting=meeting).count()
    if count >= Meeting.MAX_CASES:
        raise ValidationError(f"A meeting reviews at most {Meeting.MAX_CASES} cases.")
    item = AgendaItem.objects.create(meeting=meeting, case=case, order=count + 1, carried_over=carried_over)
    edit_logged(actor, item, Audience.COORDINATOR, meeting.panel_id, meeting.pk)
    meeting_changed(meeting, case.pk)
    return item


@transaction.atomic
def meeting_start(*, actor: User, meeting: Meeting) -> Meeting:
    meeting = meeting_locked(meeting.pk)
    require(permissions.can_chair(actor, meeting))
    count = AgendaItem.objects.filter(meeting=meeting).count()
    if not Meeting.MIN_CASES <= count <= Meeting.MAX_CASES:
        raise ValidationError(
            f"A meeting needs between {Meeting.MIN_CASES} and {Meeting.MAX_CASES} cases on its agenda."
        )
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("Only a planned meeting can start.")
    meeting.status = MeetingStatus.IN_SESSION
    meeting.save(update_fields=["status"])
    edit_logged(actor, meeting, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    meeting_changed(meeting)
    return meeting


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting) -> Meeting | None:
    """Close the meeting. Cases scored 4 carry over to the panel's next planned meeting (created
    four weeks on if there is none). Returns the meeting they carried over to, if any."""
    meeting = meeting_locked(meeting.pk)
    require(permissions.can_chair(actor, meeting))
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])
    edit_logged(actor, meeting, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    carried = list(AgendaItem.objects.filter(meeting=meeting, agreed_score=Score.MORE_INFORMATION))
    target = None
    if carried:
        target = (
            Meeting.objects.filter(
                panel_id=meeting.panel_id, status=MeetingStatus.PLANNED, held_on__gt=meeting.held_on
            )
            .order_by("held_on")
            .first()
        )
        if target is None:
            target = Meeting.objects.create(
                panel_id=meeting.panel_id, held_on=meeting.held_on + dt.timedelta(weeks=4)
            )
        start = AgendaItem.objects.filter(meeting=target).count()
        for offset, item in enumerate(carried, start=1):
            AgendaItem.objects.get_or_create(
                meeting=target, case_id=item.case_id, defaults={"order": start + offset, "carried_over": True}
            )
    meeting_changed(meeting)
    return target


@transaction.atomic
def attendance_join(*, actor: User, meeting: Meeting) -> MeetingAttendance:
    require(permissions.can_attend(actor, meeting))
    membership = permissions.membership_of(actor, meeting.panel_id)
    require(membership is not None)
    attendance, created = MeetingAttendance.objects.get_or_create(meeting=meeting, membership=membership)
    if created:
        edit_logged(actor, attendance, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
        meeting_changed(meeting)
    return attendance


@transaction.atomic
def agreed_score_record(*, actor: User, item: AgendaItem, score: int) -> AgendaItem:
    meeting = meeting_locked(item.meeting_id)
    require(permissions.can_chair_case(actor, meeting, item.case_id))
    if score not in Score.values:
        raise ValidationError("Choose a score from 1 to 4.")
    item.agreed_score = score
    item.save(update_fields=["agreed_score"])
    edit_logged(actor, item, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    meeting_changed(meeting, item.case_id)
    figures_changed(meeting.panel.area_id)
    return item

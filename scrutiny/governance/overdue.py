"""The overdue sweep: when scrutiny actions pass their due date, tell the owner agency's panel
members (notification kind action_overdue) and push the change to the governance dashboards, so
overdue actions appear there without a reload. Run by `manage.py flag_overdue_actions` (the
platform's task worker runs it every minute).

It reads scrutiny's Action rows directly: it is a system job with no viewer, so the viewer-scoped
selectors do not apply; it publishes ids only and notification titles carry no case content.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import NotificationKind, User
from agencies.realtime import events
from agencies.services import notification_send
from scrutiny.governance.models import OverdueNotice
from scrutiny.models import Action, ActionStatus, PanelMembership
from scrutiny.permissions import walled_off_user_ids


def _announce(action: Action) -> None:
    meeting = action.finding.meeting
    members = PanelMembership.objects.filter(panel_id=meeting.panel_id, ended_at__isnull=True).values(
        "user_id"
    )
    url = reverse("scrutiny:meeting-detail", args=[meeting.pk])
    people = User.objects.filter(agency_id=action.owner_agency_id, is_active=True, pk__in=members)
    # Never anyone who declared involvement in the action's case: they hear nothing of it.
    for person in people.exclude(pk__in=walled_off_user_ids(action.finding.case_id)):
        notification_send(
            recipient=person,
            title="An action for your agency is overdue",
            kind=NotificationKind.ACTION_OVERDUE,
            url=url,
        )


def flag_overdue_actions(*, today: dt.date | None = None) -> int:
    """Announce each action that is overdue and not yet announced for its current due date.
    Returns how many were announced. Safe to run concurrently (row locks, one notice per action)."""
    today = today or timezone.localdate()
    # Reopened or re-dated actions can lapse again: forget notices that no longer apply.
    OverdueNotice.objects.exclude(action__due_on__lt=today).delete()
    OverdueNotice.objects.filter(action__status=ActionStatus.DONE).delete()
    candidates = (
        Action.objects.filter(due_on__lt=today)
        .exclude(status=ActionStatus.DONE)
        .exclude(overdue_notice__isnull=False)
        .values_list("pk", flat=True)
    )
    flagged = 0
    areas: set[int | None] = set()
    for action_id in list(candidates):
        with transaction.atomic():
            action = (
                Action.objects.select_for_update(of=("self",))
                .select_related("finding__meeting", "finding__case")
                .filter(pk=action_id, due_on__lt=today)
                .exclude(status=ActionStatus.DONE)
                .first()
            )
            if action is None or OverdueNotice.objects.filter(action_id=action_id).exists():
                continue
            OverdueNotice.objects.create(action=action, due_on=action.due_on)
            _announce(action)
            area_id = action.finding.case.area_id
            if area_id not in areas:
                areas.add(area_id)
                if area_id is not None:
                    events.publish(
                        events.governance_area_group(area_id),
                        events.GovernanceFiguresChanged(area_id=area_id),
                    )
            flagged += 1
    if areas:
        with transaction.atomic():
            events.publish(events.governance_national_group(), events.GovernanceFiguresChanged(area_id=None))
    return flagged

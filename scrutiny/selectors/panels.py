"""Panels, memberships, meetings and their agendas, as the viewer may reach them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from agencies.models import User
from scrutiny import permissions
from scrutiny.models import (
    ActingChair,
    Action,
    ActionUpdate,
    AgendaItem,
    Case,
    CaseStatus,
    Finding,
    Meeting,
    MeetingAttendance,
    Panel,
    PanelMembership,
    Review,
)
from scrutiny.redaction import SITTING, Audience
from scrutiny.selectors.cases import case_get


def panel_list(*, viewer: User | AnonymousUser) -> list[tuple[Panel, Audience]]:
    panels = Panel.objects.select_related("area").order_by("name")
    out = []
    for panel in panels:
        audience = permissions.panel_audience(viewer, panel)
        if audience in SITTING | {Audience.GOVERNANCE}:
            out.append((panel, audience))
    return out


def panel_get(*, viewer: User | AnonymousUser, panel_id: int, with_forces: bool = True) -> Panel | None:
    """`with_forces`: prefetch the police forces (False for pages that show only the panel's name:
    one query fewer)."""
    panels = Panel.objects.select_related("area").filter(pk=panel_id)
    panel = (panels.prefetch_related("police_forces") if with_forces else panels).first()
    if panel is None or not permissions.can_view_panel(viewer, panel):
        return None
    return panel


def membership_list(*, viewer: User | AnonymousUser, panel: Panel) -> QuerySet[PanelMembership]:
    if not permissions.can_view_panel(viewer, panel):
        return PanelMembership.objects.none()
    return PanelMembership.objects.filter(panel=panel, ended_at__isnull=True).select_related("user")


def membership_get(*, viewer: User | AnonymousUser, membership_id: int) -> PanelMembership | None:
    membership = PanelMembership.objects.select_related("panel", "user").filter(pk=membership_id).first()
    if membership is None or not permissions.can_coordinate(viewer, membership.panel):
        return None
    return membership


def meeting_list(*, viewer: User | AnonymousUser, panel: Panel) -> QuerySet[Meeting]:
    if not permissions.can_view_panel(viewer, panel):
        return Meeting.objects.none()
    walled = permissions.walled_case_ids(viewer)
    count = Count("agenda", filter=~Q(agenda__case_id__in=walled)) if walled else Count("agenda")
    return Meeting.objects.filter(panel=panel).annotate(case_count=count).order_by("-held_on", "-pk")


def meeting_get(*, viewer: User | AnonymousUser, meeting_id: int) -> Meeting | None:
    meeting = Meeting.objects.select_related("panel", "panel__area").filter(pk=meeting_id).first()
    if meeting is None or not permissions.can_view_meeting(viewer, meeting):
        return None
    return meeting


def meeting_agenda(*, meeting: Meeting, viewer: User | AnonymousUser) -> list[AgendaItem]:
    """The agenda as `viewer` may know it: without the cases they declared involvement in (not even
    the line), their access facts for each case in the same query
    (permissions.case_fact_annotations), and each case's review count only for an audience that
    may see reviews (the panel: never observers or governance)."""
    reviews = Review.objects.filter(case_id=OuterRef("case_id"), meeting=meeting).order_by()
    counted = permissions.sees_records(Review, permissions.audience_for(viewer, meeting))
    annotations: dict[str, Any] = permissions.case_fact_annotations(viewer, "case_id")
    if getattr(viewer, "is_authenticated", False):
        # Whether the viewer chairs the case as acting chair (permissions.chaired_case_ids).
        annotations["viewer_acting"] = Exists(
            ActingChair.objects.filter(
                agenda_item=OuterRef("pk"), membership__user_id=viewer.pk, membership__ended_at__isnull=True
            )
        )
    if counted:
        annotations["review_count"] = Subquery(
            reviews.values("case_id").annotate(n=Count("pk")).values("n")[:1]
        )
    items = list(
        permissions.exclude_walled(AgendaItem.objects.filter(meeting=meeting), viewer)
        .select_related(
            "case",
            "case__panel",
            "case__presenting_agency",
            "case__area",
            "case__created_by",
            "case__released_by",
        )
        .annotate(**annotations)
        .order_by("order", "pk")
    )
    for item in items:
        if counted:
            item.review_count = item.review_count or 0
        permissions.remember_case_facts(viewer, item.case, item)
    return items


def meeting_attendance(*, meeting: Meeting) -> list[MeetingAttendance]:
    return list(
        MeetingAttendance.objects.filter(meeting=meeting)
        .select_related("membership", "membership__user")
        .order_by("arrived_at", "pk")
    )


def meeting_findings(*, meeting: Meeting, viewer: User | AnonymousUser) -> list[Finding]:
    """The meeting's findings with their actions, without those of cases `viewer` is walled off."""
    return list(
        permissions.exclude_walled(Finding.objects.filter(meeting=meeting), viewer)
        .select_related("theme", "recorded_by", "checked_by", "case")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related(
                    "owner_agency", "created_by", "checked_by"
                ).prefetch_related(
                    Prefetch("updates", queryset=ActionUpdate.objects.select_related("author"))
                ),
            )
        )
        .order_by("recorded_at", "pk")
    )


AGENDA_CHOICES = 50  # the coordinator's "add to agenda" list; any other case is added by pseudonym


def agenda_candidates(
    *, viewer: User | AnonymousUser, meeting: Meeting
) -> tuple[list[tuple[int, str]], bool]:
    """(id, pseudonym) of up to AGENDA_CHOICES released cases of the meeting's panel that are not on
    its agenda, and whether there are more: what its coordinator may add (nothing for anyone
    else). Bounded, so the page does not grow with the panel's cases."""
    if not permissions.can_coordinate(
        viewer, meeting.panel if Meeting.panel.is_cached(meeting) else meeting.panel_id
    ):
        return [], False
    rows = list(
        Case.objects.filter(panel_id=meeting.panel_id, status=CaseStatus.RELEASED)
        .exclude(agenda_items__meeting=meeting)
        .order_by("pseudonym")
        .values_list("pk", "pseudonym")[: AGENDA_CHOICES + 1]
    )
    return rows[:AGENDA_CHOICES], len(rows) > AGENDA_CHOICES


def case_by_pseudonym(*, viewer: User | AnonymousUser, panel: Panel, pseudonym: str) -> Case | None:
    """The panel's case with this pseudonym, if the viewer may reach it (case_get's rules)."""
    if "\x00" in pseudonym:  # no pseudonym has one, and PostgreSQL refuses it in a query
        return None
    case_id = (
        Case.objects.filter(panel=panel, pseudonym__iexact=pseudonym.strip()[:30])
        .values_list("pk", flat=True)
        .first()
    )
    return case_get(viewer=viewer, case_id=case_id) if case_id is not None else None

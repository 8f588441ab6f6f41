"""Cases and what hangs off them (texts, reviews, findings, actions, the access log), as the
viewer may reach them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet

from agencies.models import Agency, AgencyKind, Area, User
from scrutiny import permissions
from scrutiny.models import (
    AccessEvent,
    Action,
    ActionStatus,
    AgendaItem,
    Case,
    CaseKey,
    CaseStatus,
    DecisionAssessment,
    DecisionPoint,
    Extract,
    Finding,
    Meeting,
    Panel,
    PanelMembership,
    Review,
)
from scrutiny.redaction import SITTING, Audience


def _listable_cases(viewer: User | AnonymousUser, panel: Panel) -> QuerySet[Case]:
    """The panel's cases the viewer may list, with the viewer's facts annotated, in list order
    (pseudonym, then id: a total order, so pages never repeat or skip a row); none outside the
    sitting audiences. Every filter is applied here, before any count or slice, so a page count
    never reflects rows the viewer may not see."""
    audience = permissions.panel_audience(viewer, panel)
    if audience not in SITTING:
        return Case.objects.none()
    cases = Case.objects.filter(panel=panel).select_related(
        "panel", "presenting_agency", "area", "created_by", "released_by"
    )
    if audience != Audience.COORDINATOR:
        cases = cases.filter(status=CaseStatus.RELEASED)
    cases = permissions.exclude_walled(cases, viewer, "pk")
    return cases.annotate(**permissions.case_fact_annotations(viewer)).order_by("pseudonym", "pk")


def _remembered(viewer: User | AnonymousUser, cases: Iterable[Case]) -> list[Case]:
    out = list(cases)
    for case in out:
        permissions.remember_case_facts(viewer, case, case)
    return out


def case_list(*, viewer: User | AnonymousUser, panel: Panel) -> list[Case]:
    """Cases of a panel the viewer may list: the coordinator sees drafts too; members see
    released cases (each still needs the agreement and a declaration to open)."""
    return _remembered(viewer, _listable_cases(viewer, panel))


def case_page(*, viewer: User | AnonymousUser, panel: Panel, number: int | str, per_page: int) -> Page[Case]:
    """One page of case_list (Paginator.get_page: a number past the end gives the last page, one
    that is not a number the first). Two queries whatever the panel holds: the count and the page."""
    page = Paginator(_listable_cases(viewer, panel), per_page).get_page(number)
    page.object_list = _remembered(viewer, page.object_list)
    return page


def case_slice(
    *, viewer: User | AnonymousUser, panel: Panel, offset: int, limit: int
) -> tuple[int, list[Case]]:
    """(how many cases the viewer may list, those from `offset`, at most `limit`): the API's
    offset/limit paging over the same rows as case_list."""
    cases = _listable_cases(viewer, panel)
    return cases.count(), _remembered(viewer, cases[offset : offset + limit])


def case_get(*, viewer: User | AnonymousUser, case_id: int) -> Case | None:
    """The case if the viewer may reach it at all (opening it may still need a declaration)."""
    case = (
        Case.objects.select_related(
            "panel", "panel__area", "presenting_agency", "area", "created_by", "released_by"
        )
        .filter(pk=case_id)
        .annotate(**permissions.case_fact_annotations(viewer))
        .first()
    )
    if case is None:
        return None
    permissions.remember_case_facts(viewer, case, case)
    audience = permissions.audience_for(viewer, case)
    if audience == Audience.COORDINATOR:
        return case
    # Involved: reached, so that opening it is refused (403) and the refusal audited.
    if audience in SITTING | {Audience.INVOLVED} and case.status == CaseStatus.RELEASED:
        return case
    return None


def case_key(*, viewer: User | AnonymousUser, case: Case) -> CaseKey | None:
    """The source references: only for the coordinator and the presenting agency."""
    if not permissions.can_view_case_key(viewer, case):
        return None
    return CaseKey.objects.filter(case=case).first()


def agenda_item_get(*, viewer: User | AnonymousUser, item_id: int) -> AgendaItem | None:
    item = AgendaItem.objects.select_related("meeting", "meeting__panel", "case").filter(pk=item_id).first()
    if item is None or not permissions.can_view_meeting(viewer, item.meeting):
        return None
    permissions.refuse_walled(viewer, item, item.case_id, item.meeting.panel_id)
    return item


def person_by_email(*, viewer: User | AnonymousUser, panel: Panel, email: str) -> User | None:
    """An active account to add to a panel (the panel's coordinator only)."""
    if not permissions.can_coordinate(viewer, panel):
        return None
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def panel_forces_choices(*, viewer: User | AnonymousUser, area_id: int) -> Any:
    """The police forces a panel of this area may cover (for its coordinator's form)."""
    if permissions.panel_area_for(viewer) != area_id:
        return Agency.objects.none()
    return Agency.objects.filter(kind=AgencyKind.POLICE_FORCE, area_id=area_id, is_active=True).order_by(
        "name"
    )


def area_get(*, area_id: int) -> Area | None:
    return Area.objects.filter(pk=area_id).first()


def case_decision_points(*, case: Case) -> list[DecisionPoint]:
    return list(
        DecisionPoint.objects.filter(case=case).select_related("author", "checked_by").order_by("order", "pk")
    )


def case_extracts(*, case: Case) -> list[Extract]:
    return list(
        Extract.objects.filter(case=case).select_related("author", "checked_by").order_by("kind", "pk")
    )


def case_reviews(*, case: Case) -> list[Review]:
    return list(
        Review.objects.filter(case=case)
        .select_related("reviewer")
        .prefetch_related(Prefetch("assessments", queryset=DecisionAssessment.objects.order_by("pk")))
        .order_by("submitted_at", "pk")
    )


def own_review(*, viewer: User, case: Case, meeting: Meeting) -> Review | None:
    return (
        Review.objects.filter(case=case, meeting=meeting, reviewer=viewer)
        .prefetch_related("assessments")
        .first()
    )


def acting_chair_choices(
    *, viewer: User | AnonymousUser, meeting: Meeting
) -> tuple[list[AgendaItem], list[PanelMembership]]:
    """For the acting-chair page: the agenda items `viewer` may hand over (the coordinator: any;
    the chair: the cases they declared involvement in, pseudonym only) and the panel's members who
    could take one (each choice is re-checked for its case on submit)."""
    if not permissions.can_appoint_acting_chair(viewer, meeting):
        return [], []
    items = [
        item
        for item in AgendaItem.objects.filter(meeting=meeting)
        .select_related("case", "acting_chair", "acting_chair__membership")
        .order_by("order", "pk")
        if permissions.can_appoint_acting_chair(viewer, meeting, item.case_id)
    ]
    members = list(
        PanelMembership.objects.filter(panel_id=meeting.panel_id, ended_at__isnull=True)
        .exclude(role__in=["observer", "chair"])
        .exclude(user=viewer)
        .select_related("user")
        .order_by("role", "pk")
    )
    return items, members


def acting_chair_item(*, viewer: User | AnonymousUser, meeting: Meeting, item_id: int) -> AgendaItem | None:
    """One agenda item of this meeting whose chairing `viewer` may hand over."""
    item = (
        AgendaItem.objects.select_related("case", "case__panel").filter(pk=item_id, meeting=meeting).first()
    )
    if item is None or not permissions.can_appoint_acting_chair(viewer, meeting, item.case_id):
        return None
    return item


def acting_chair_membership(*, meeting: Meeting, membership_id: int) -> PanelMembership | None:
    """An active membership of the meeting's panel (its fitness for a case: can_act_as_chair)."""
    return (
        PanelMembership.objects.select_related("user")
        .filter(pk=membership_id, panel_id=meeting.panel_id, ended_at__isnull=True)
        .first()
    )


def case_meetings(*, case: Case) -> list[Meeting]:
    """Meetings with this case on the agenda that are not closed (where it can be reviewed)."""
    return list(
        Meeting.objects.filter(agenda__case=case)
        .exclude(status="closed")
        .order_by("held_on", "pk")
        .distinct()
    )


def text_get(*, viewer: User | AnonymousUser, kind: str, text_id: int) -> DecisionPoint | Extract | None:
    model = {"decision-point": DecisionPoint, "extract": Extract}.get(kind)
    if model is None:
        return None
    obj = model.objects.select_related("case", "case__panel").filter(pk=text_id).first()
    if obj is None or not permissions.can_coordinate(viewer, obj.case.panel):
        return None
    return obj


def finding_get(*, viewer: User | AnonymousUser, finding_id: int) -> Finding | None:
    finding = (
        Finding.objects.select_related("meeting", "meeting__panel", "meeting__panel__area", "theme", "case")
        .filter(pk=finding_id)
        .first()
    )
    if finding is None or not permissions.can_view_meeting(viewer, finding.meeting):
        return None
    permissions.refuse_walled(viewer, finding, finding.case_id, finding.meeting.panel_id)
    return finding


def action_get(*, viewer: User | AnonymousUser, action_id: int) -> Action | None:
    action = (
        Action.objects.select_related(
            "finding", "finding__case", "finding__meeting", "finding__meeting__panel", "owner_agency"
        )
        .filter(pk=action_id)
        .first()
    )
    if action is None or not permissions.can_view_meeting(viewer, action.finding.meeting):
        return None
    permissions.refuse_walled(viewer, action, action.finding.case_id, action.finding.meeting.panel_id)
    return action


def panel_findings(*, viewer: User | AnonymousUser, panel: Panel) -> list[Finding]:
    if not permissions.can_export_findings(viewer, panel):
        return []
    return list(
        permissions.exclude_walled(Finding.objects.filter(meeting__panel=panel), viewer)
        .select_related("theme", "recorded_by", "case", "meeting")
        .order_by("recorded_at", "pk")
    )


def panel_actions(*, viewer: User | AnonymousUser, panel: Panel) -> list[Action]:
    if not permissions.can_export_findings(viewer, panel):
        return []
    return list(
        permissions.exclude_walled(
            Action.objects.filter(finding__meeting__panel=panel), viewer, "finding__case"
        )
        .select_related("owner_agency", "created_by", "finding")
        .order_by("due_on", "pk")
    )


def access_events(*, viewer: User | AnonymousUser, panel: Panel, limit: int = 500) -> list[AccessEvent]:
    if not permissions.can_view_access_log(viewer, panel):
        return []
    return list(
        AccessEvent.objects.filter(panel_id=panel.pk).select_related("actor").order_by("-at", "-pk")[:limit]
    )


def access_event_page(
    *, viewer: User | AnonymousUser, panel: Panel, number: int | str, per_page: int
) -> Page[AccessEvent]:
    """One page of the panel's access log, newest first (Paginator.get_page); an empty page for a
    viewer who may not see the log, so nothing about its size shows."""
    events = (
        AccessEvent.objects.filter(panel_id=panel.pk).select_related("actor").order_by("-at", "-pk")
        if permissions.can_view_access_log(viewer, panel)
        else AccessEvent.objects.none()
    )
    page = Paginator(events, per_page).get_page(number)
    page.object_list = list(page.object_list)
    return page


def open_actions_for(*, viewer: User | AnonymousUser) -> list[Action]:
    """Actions owned by the viewer's agency on panels they sit on (for the panel index)."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    panel_ids = PanelMembership.objects.filter(user=viewer, ended_at__isnull=True).values("panel_id")
    actions = Action.objects.filter(
        owner_agency_id=viewer.agency_id, finding__meeting__panel_id__in=panel_ids
    )
    return list(
        permissions.exclude_walled(actions, viewer, "finding__case")
        .exclude(status=ActionStatus.DONE)
        .select_related("owner_agency", "finding", "finding__meeting")
        .prefetch_related("updates")
        .order_by("due_on", "pk")
    )

"""Every read of scrutiny data. Each selector takes the viewer and returns only what that person
may reach; what they may *see* of each record is then decided by scrutiny.redaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Area, User
from agencies.permissions import Perm, has
from scrutiny import permissions
from scrutiny.models import (
    AccessEvent,
    ActingChair,
    Action,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    Case,
    CaseKey,
    CaseStatus,
    DecisionAssessment,
    DecisionPoint,
    Extract,
    Finding,
    LegalHold,
    Meeting,
    MeetingAttendance,
    Panel,
    PanelMembership,
    Review,
)
from scrutiny.redaction import SITTING, Audience, may_aggregate


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


def next_meetings(*, panel: Panel) -> QuerySet[Meeting]:
    return Meeting.objects.filter(panel=panel).exclude(status="closed").order_by("held_on", "pk")


def case_list(*, viewer: User | AnonymousUser, panel: Panel) -> list[Case]:
    """Cases of a panel the viewer may list: the coordinator sees drafts too; members see
    released cases (each still needs the agreement and a declaration to open)."""
    audience = permissions.panel_audience(viewer, panel)
    if audience not in SITTING:
        return []
    cases = Case.objects.filter(panel=panel).select_related(
        "panel", "presenting_agency", "area", "created_by", "released_by"
    )
    if audience != Audience.COORDINATOR:
        cases = cases.filter(status=CaseStatus.RELEASED)
    cases = permissions.exclude_walled(cases, viewer, "pk")
    out = list(cases.annotate(**permissions.case_fact_annotations(viewer)).order_by("pseudonym"))
    for case in out:
        permissions.remember_case_facts(viewer, case, case)
    return out


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


# Aggregates -------------------------------------------------------------------------------------------


def _aggregate_audience(viewer: User | AnonymousUser) -> Audience | None:
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return None
    if has(viewer, Perm.VIEW_GOVERNANCE):
        return Audience.GOVERNANCE
    if viewer.has_perm(permissions.EVALUATE):
        return Audience.EVALUATOR
    if has(viewer, Perm.COORDINATE_CASES):
        return Audience.GOVERNANCE  # a coordinator sees their panels' figures like governance does
    return None


def aggregate_audience(viewer: User | AnonymousUser) -> Audience | None:
    """The audience aggregate figures are read for (None: no aggregate access)."""
    return _aggregate_audience(viewer)


def governance_stats(*, viewer: User | AnonymousUser, area: Area | None = None) -> dict[str, Any]:
    """Scrutiny figures for the governance dashboard and evaluators: cases reviewed, the agreed
    score distribution, findings by theme and kind, actions open/overdue/closed by owner agency.
    Counts only, each gated by the redaction policy's aggregate level, raw: nothing is suppressed
    here. Every route publishes them only through scrutiny.governance.figures, which applies the
    one suppression rule (ADR 0012). Empty dict for anyone without aggregate access."""
    audience = _aggregate_audience(viewer)
    if audience is None:
        return {}
    items = AgendaItem.objects.filter(agreed_score__isnull=False)
    findings = Finding.objects.all()
    actions = Action.objects.all()
    if area is not None:
        items = items.filter(case__area=area)
        findings = findings.filter(case__area=area)
        actions = actions.filter(finding__case__area=area)
    stats: dict[str, Any] = {"area": area.name if area is not None else None}
    if may_aggregate(AgendaItem, "agreed_score", audience):
        scores = Counter(items.values_list("agreed_score", flat=True))
        stats["cases_reviewed"] = items.values("case_id").distinct().count()
        stats["score_distribution"] = {str(s): scores.get(s, 0) for s in (1, 2, 3, 4)}
    if may_aggregate(Finding, "theme", audience) and may_aggregate(Finding, "kind", audience):
        by_theme = Counter(findings.values_list("theme__name", flat=True))
        by_kind = Counter(findings.values_list("kind", flat=True))
        stats["findings_by_theme"] = dict(sorted(by_theme.items()))
        stats["findings_by_kind"] = dict(sorted(by_kind.items()))
    if may_aggregate(Action, "owner_agency", audience) and may_aggregate(Action, "status", audience):
        today = timezone.localdate()
        by_owner: dict[str, dict[str, int]] = {}
        for name, status, due_on in actions.values_list("owner_agency__name", "status", "due_on"):
            row = by_owner.setdefault(name, {"open": 0, "overdue": 0, "closed": 0})
            if status == ActionStatus.DONE:
                row["closed"] += 1
            else:
                row["open"] += 1
                if due_on < today:
                    row["overdue"] += 1
        stats["actions_by_owner_agency"] = {name: dict(row) for name, row in sorted(by_owner.items())}
    return stats


def governance_stats_by_scope(
    *, viewer: User | AnonymousUser, areas: Sequence[Area]
) -> dict[int | None, dict[str, Any]]:
    """`governance_stats` for the whole country (key None) and for each of `areas` (key: the area's
    id), in a fixed number of queries whatever the number of areas: each figure is one query
    grouped by the case's area, with conditional aggregation for the columns.

    Every national figure is the sum of the per-area groups (all of them, not only `areas`), and
    that is exact for each: a case, finding or action belongs to exactly one area (its case's,
    non-null), so the areas partition the rows. "Cases reviewed" is a distinct count, which is not
    additive in general, but it is counted distinct per area, and a case is in one area only, so
    no case is counted in two groups. The values equal `governance_stats(viewer=viewer, area=...)`
    scope by scope (tests/governance/test_grouped_figures.py checks it on varied data)."""
    scopes: list[Area | None] = [None, *areas]
    audience = _aggregate_audience(viewer)
    if audience is None:
        return {_scope_key(scope): {} for scope in scopes}
    result: dict[int | None, dict[str, Any]] = {}
    for scope in scopes:
        stats: dict[str, Any] = {"area": scope.name if scope is not None else None}
        result[_scope_key(scope)] = stats

    def targets(area_id: int | None) -> list[int | None]:
        """A group's rows count nationally, and for its area when that is one of `areas`."""
        return [None, area_id] if area_id is not None and area_id in result else [None]

    if may_aggregate(AgendaItem, "agreed_score", audience):
        cases: dict[int | None, int] = dict.fromkeys(result, 0)
        scores: dict[int | None, dict[int, int]] = {key: dict.fromkeys((1, 2, 3, 4), 0) for key in result}
        rows = (
            AgendaItem.objects.filter(agreed_score__isnull=False)
            .values("case__area_id")
            .annotate(
                cases=Count("case_id", distinct=True),
                **{f"score_{s}": Count("pk", filter=Q(agreed_score=s)) for s in (1, 2, 3, 4)},
            )
            .order_by()
        )
        for row in rows:
            for key in targets(row["case__area_id"]):
                cases[key] += row["cases"]
                for s in (1, 2, 3, 4):
                    scores[key][s] += row[f"score_{s}"]
        for key, stats in result.items():
            stats["cases_reviewed"] = cases[key]
            stats["score_distribution"] = {str(s): n for s, n in scores[key].items()}
    if may_aggregate(Finding, "theme", audience) and may_aggregate(Finding, "kind", audience):
        by_theme: dict[int | None, Counter[str]] = {key: Counter() for key in result}
        by_kind: dict[int | None, Counter[str]] = {key: Counter() for key in result}
        rows = (
            Finding.objects.values("case__area_id", "theme__name", "kind").annotate(n=Count("pk")).order_by()
        )
        for row in rows:
            for key in targets(row["case__area_id"]):
                by_theme[key][row["theme__name"]] += row["n"]
                by_kind[key][row["kind"]] += row["n"]
        for key, stats in result.items():
            stats["findings_by_theme"] = dict(sorted(by_theme[key].items()))
            stats["findings_by_kind"] = dict(sorted(by_kind[key].items()))
    if may_aggregate(Action, "owner_agency", audience) and may_aggregate(Action, "status", audience):
        today = timezone.localdate()
        not_done = ~Q(status=ActionStatus.DONE)
        by_owner: dict[int | None, dict[str, dict[str, int]]] = {key: {} for key in result}
        rows = (
            Action.objects.values("finding__case__area_id", "owner_agency__name")
            .annotate(
                open=Count("pk", filter=not_done),
                overdue=Count("pk", filter=not_done & Q(due_on__lt=today)),
                closed=Count("pk", filter=Q(status=ActionStatus.DONE)),
            )
            .order_by()
        )
        for row in rows:
            for key in targets(row["finding__case__area_id"]):
                counts = by_owner[key].setdefault(
                    row["owner_agency__name"], {"open": 0, "overdue": 0, "closed": 0}
                )
                for column in ("open", "overdue", "closed"):
                    counts[column] += row[column]
        for key, stats in result.items():
            stats["actions_by_owner_agency"] = {
                name: dict(counts) for name, counts in sorted(by_owner[key].items())
            }
    return result


def _scope_key(area: Area | None) -> int | None:
    return area.pk if area is not None else None


# Legal holds --------------------------------------------------------------------------------------------


def legal_hold_target(*, viewer: User | AnonymousUser, kind: str, pk: int) -> Case | Meeting | None:
    """The case or meeting whose legal hold `viewer` manages; None when there is no such record or
    it is not theirs to hold (the view then tells 403 from 404 by what else they may see)."""
    model: type[Case] | type[Meeting] = Case if kind == "case" else Meeting
    target = model.objects.select_related("panel").filter(pk=pk).first()
    if target is None or not permissions.can_manage_legal_hold(viewer, target.panel):
        return None
    return target


def legal_hold_history(*, target: Case | Meeting) -> list[LegalHold]:
    holds = LegalHold.objects.filter(**{"case" if isinstance(target, Case) else "meeting": target})
    return list(holds.select_related("set_by", "cleared_by").order_by("-set_at", "-pk"))


def legal_hold_active(*, viewer: User | AnonymousUser) -> list[LegalHold]:
    """The active holds on the panels `viewer` may hold records of (every panel for a platform
    administrator, their area's for a coordinator)."""
    if not permissions.can_list_legal_holds(viewer):
        return []
    holds = list(
        LegalHold.objects.filter(cleared_at__isnull=True)
        .select_related("case__panel", "meeting__panel", "set_by")
        .order_by("-set_at", "-pk")
    )
    return [h for h in holds if permissions.can_manage_legal_hold(viewer, (h.case or h.meeting).panel)]


def legal_hold_lookup(*, viewer: User | AnonymousUser, pseudonym: str) -> Case | None:
    case = Case.objects.select_related("panel").filter(pseudonym__iexact=pseudonym.strip()).first()
    if case is None or not permissions.can_manage_legal_hold(viewer, case.panel):
        return None
    return case


def case_overrides(*, case: Case) -> list[Any]:
    """The second-person overrides on the case's texts (the coordinator's view of its checks), in
    one query."""
    from scrutiny.models import DecisionPoint, Extract, IdentifierOverride

    points = DecisionPoint.objects.filter(case=case).values("pk")
    extracts = Extract.objects.filter(case=case).values("pk")
    return list(
        IdentifierOverride.objects.filter(
            Q(object_type="decisionpoint", object_id__in=Subquery(points))
            | Q(object_type="extract", object_id__in=Subquery(extracts))
        ).select_related("made_by")
    )

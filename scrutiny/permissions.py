"""Who may do what with scrutiny records, and which redaction audience a person is.

The only place that decides scrutiny access. `audience_for` maps a person and a case (or panel or
meeting) to one audience of scrutiny.redaction, or None (no access at all).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import CharField, Exists, F, OuterRef, Subquery, Value

from agencies.permissions import Perm, has
from scrutiny.models import (
    Action,
    AgreementAcceptance,
    Case,
    CaseStatus,
    ConfidentialityAgreement,
    FindingKind,
    InvolvementDeclaration,
    Meeting,
    MeetingStatus,
    Panel,
    PanelMembership,
    PanelRole,
)
from scrutiny.redaction import MEMBERS, SITTING, Audience

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.models import User

EVALUATE = "scrutiny.evaluate_scrutiny"
REVIEW_AUDIT = "scrutiny.review_audit"

ROLE_AUDIENCE = {
    PanelRole.CHAIR: Audience.CHAIR,
    PanelRole.CPS: Audience.CPS_MEMBER,
    PanelRole.POLICE: Audience.POLICE_MEMBER,
    PanelRole.ISVA: Audience.ISVA_MEMBER,
    PanelRole.INDEPENDENT: Audience.INDEPENDENT_MEMBER,
    PanelRole.OBSERVER: Audience.OBSERVER,
}

_CACHE = "_scrutiny_access_cache"
_CASE_FACTS = "_scrutiny_viewer_case_facts"
_AREA_FACT = "agency-area"  # not a PanelRole value, so the tagged UNION rows cannot be confused


class CaseAccess(StrEnum):
    ALLOWED = "allowed"
    NEEDS_AGREEMENT = "needs_agreement"
    NEEDS_DECLARATION = "needs_declaration"
    INVOLVED = "involved"
    FORBIDDEN = "forbidden"


def forget(obj: User | AnonymousUser | Case) -> None:
    """Drop what was cached on this user object (consumers call it before every re-check), or
    the viewer facts a selector stored on this case (after the viewer declares on it)."""
    for name in (_CACHE, _CASE_FACTS):
        if hasattr(obj, name):
            delattr(obj, name)


def _facts(user: User) -> dict:
    """Per-user facts read once per request, in one query: the active memberships (panel -> role)
    and the area of the person's agency (a UNION of the two, tagged rows). Cached on the user
    object, which lives for one request (consumers call `forget` before every re-check), so a
    change of membership or agency is seen by the next request."""
    cached = getattr(user, _CACHE, None)
    if cached is None:
        from agencies.models import Agency

        text = CharField()
        memberships = (
            PanelMembership.objects.filter(user=user, ended_at__isnull=True)
            .annotate(fact_id=F("panel_id"), fact=F("role"))
            .order_by()
            .values_list("fact_id", "fact")
        )
        area = (
            Agency.objects.filter(pk=user.agency_id)
            .annotate(fact_id=F("area_id"), fact=Value(_AREA_FACT, output_field=text))
            .order_by()
            .values_list("fact_id", "fact")
        )
        rows = list(memberships.union(area, all=True))
        cached = {
            "memberships": {panel_id: role for panel_id, role in rows if role != _AREA_FACT},
            "area_id": next((area_id for area_id, fact in rows if fact == _AREA_FACT), None),
            "panel_areas": {},
        }
        setattr(user, _CACHE, cached)
    return cached


def _active(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def panel_audience(
    user: User | AnonymousUser, panel: Panel | int, panel_area_id: int | None = None
) -> Audience | None:
    if not _active(user):
        return None
    panel_id = panel if isinstance(panel, int) else panel.pk
    facts = _facts(user)  # type: ignore[arg-type]
    # The panel's area matters only to a coordinator (of that area); it is looked up at most once
    # per panel and request, and not at all when the panel was loaded with the page.
    if has(user, Perm.COORDINATE_CASES) and facts["area_id"] is not None:
        areas = facts["panel_areas"]
        if panel_area_id is not None:
            area_id = panel_area_id
        elif isinstance(panel, Panel):
            area_id = areas[panel_id] = panel.area_id
        else:
            if panel_id not in areas:
                areas[panel_id] = Panel.objects.filter(pk=panel_id).values_list("area_id", flat=True).first()
            area_id = areas[panel_id]
        if facts["area_id"] == area_id:
            return Audience.COORDINATOR
    role = facts["memberships"].get(panel_id)
    if role is not None and has(user, Perm.SIT_ON_PANELS):
        return ROLE_AUDIENCE[PanelRole(role)]
    if has(user, Perm.VIEW_GOVERNANCE):
        return Audience.GOVERNANCE
    if user.has_perm(EVALUATE):
        return Audience.EVALUATOR
    return None


def audience_for(user: User | AnonymousUser, target: Case | Panel | Meeting) -> Audience | None:
    """The redaction audience of `user` for a case, panel or meeting (None: no access)."""
    if isinstance(target, Case):
        panel = target.panel if Case.panel.is_cached(target) else target.panel_id
        audience = panel_audience(user, panel)
        if audience in MEMBERS | {Audience.OBSERVER} and user.agency_id == target.presenting_agency_id:
            return Audience.PRESENTING_AGENCY
        return audience
    if isinstance(target, Meeting):
        return panel_audience(user, _panel_of(target))
    return panel_audience(user, target)


# Panels and meetings ----------------------------------------------------------------------------------


def panel_area_for(user: User | AnonymousUser) -> int | None:
    """The CPS area in which `user` may create panels (a coordinator's own area), else None."""
    if not _active(user) or not has(user, Perm.COORDINATE_CASES):
        return None
    return _facts(user)["area_id"]  # type: ignore[arg-type]


def can_create_panel(user: User | AnonymousUser, area_id: int | None = None) -> bool:
    """A case coordinator creates panels in their own CPS area (platform admins do not: they
    manage accounts, not panels)."""
    own = panel_area_for(user)
    return own is not None and (area_id is None or area_id == own)


def can_publish_agreement(user: User | AnonymousUser) -> bool:
    """A new version of the (platform-wide) confidentiality agreement: any case coordinator."""
    return _active(user) and has(user, Perm.COORDINATE_CASES)


def can_view_panel(user: User | AnonymousUser, panel: Panel) -> bool:
    return panel_audience(user, panel) in SITTING | {Audience.GOVERNANCE}


def can_coordinate(user: User | AnonymousUser, panel: Panel | int) -> bool:
    return panel_audience(user, panel) == Audience.COORDINATOR


def _panel_of(meeting: Meeting) -> Panel | int:
    """The meeting's panel when it was loaded with it (its area then needs no query), else its id."""
    return meeting.panel if Meeting.panel.is_cached(meeting) else meeting.panel_id


def can_view_meeting(user: User | AnonymousUser, meeting: Meeting) -> bool:
    return panel_audience(user, _panel_of(meeting)) in SITTING | {Audience.GOVERNANCE}


def can_chair(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """Record agreed scores, findings and actions; start and close the meeting."""
    return meeting.status != MeetingStatus.CLOSED and panel_audience(user, _panel_of(meeting)) in {
        Audience.COORDINATOR,
        Audience.CHAIR,
    }


def can_attend(user: User | AnonymousUser, meeting: Meeting) -> bool:
    return meeting.status != MeetingStatus.CLOSED and panel_audience(user, _panel_of(meeting)) in (
        SITTING - {Audience.COORDINATOR}
    )


def can_view_access_log(user: User | AnonymousUser, panel: Panel) -> bool:
    return can_coordinate(user, panel)


def can_export_findings(user: User | AnonymousUser, panel: Panel) -> bool:
    return panel_audience(user, panel) in SITTING | {Audience.GOVERNANCE}


def can_review_audit(user: User | AnonymousUser) -> bool:
    """The platform-wide access audit and its export: the data protection officer role only."""
    return _active(user) and user.has_perm(REVIEW_AUDIT)


def can_export_aggregate(user: User | AnonymousUser) -> bool:
    return _active(user) and (
        user.has_perm(EVALUATE) or has(user, Perm.VIEW_GOVERNANCE) or has(user, Perm.COORDINATE_CASES)
    )


def membership_of(user: User | AnonymousUser, panel_id: int) -> PanelMembership | None:
    if not _active(user):
        return None
    return PanelMembership.objects.filter(user=user, panel_id=panel_id, ended_at__isnull=True).first()


# Cases ------------------------------------------------------------------------------------------------


def current_agreement() -> ConfidentialityAgreement | None:
    return ConfidentialityAgreement.objects.order_by("-version").first()


def case_fact_annotations(user: User | AnonymousUser, case_ref: str = "pk") -> dict[str, Any]:
    """Annotations for the query that loads cases (`case_ref`: the case's id in that query), so the
    viewer's access facts come with the rows instead of two more queries: whether they accepted the
    current agreement (as has_accepted_current_agreement) and what they declared on each case
    (None: nothing yet). Give each row to `remember_case_facts` with the same user."""
    if not _active(user):
        return {}
    newest = ConfidentialityAgreement.objects.order_by("-version").values("pk")[:1]
    return {
        "viewer_accepted": Exists(
            AgreementAcceptance.objects.filter(agreement_id=Subquery(newest), user_id=user.pk)
        ),
        "viewer_involved": Subquery(
            InvolvementDeclaration.objects.filter(case_id=OuterRef(case_ref), user_id=user.pk)
            .order_by()
            .values("involved")[:1]
        ),
    }


def remember_case_facts(user: User | AnonymousUser, case: Case, row: Any) -> None:
    """Store the facts `case_fact_annotations(user)` read on `row` (the case or the row that loaded
    it) on the case, tagged with the user: case_access uses them only for that same user."""
    if _active(user) and hasattr(row, "viewer_accepted"):
        setattr(case, _CASE_FACTS, (user.pk, bool(row.viewer_accepted), row.viewer_involved))


def _case_facts(user: User | AnonymousUser, case: Case) -> tuple[bool, bool | None] | None:
    """(accepted the current agreement, declared involvement or None) if a selector loaded them
    with this case for this same user, else None (ask the database)."""
    stored = getattr(case, _CASE_FACTS, None)
    if stored is None or not _active(user) or stored[0] != user.pk:
        return None
    return stored[1], stored[2]


def has_accepted_current_agreement(user: User) -> bool:
    """Whether `user` accepted the newest version (one query: the newest version and whether
    this user has an acceptance of it)."""
    if not _active(user):
        return False
    newest = (
        ConfidentialityAgreement.objects.order_by("-version")
        .annotate(accepted=Exists(AgreementAcceptance.objects.filter(agreement=OuterRef("pk"), user=user)))
        .values_list("accepted", flat=True)
        .first()
    )
    return bool(newest)


def case_access(user: User | AnonymousUser, case: Case) -> CaseAccess:
    """Whether `user` may open the case now, or what stands in the way. The coordinator always may;
    everyone else only once it is released, after accepting the current confidentiality agreement
    and declaring no prior involvement. 'I was involved' blocks for good."""
    audience = audience_for(user, case)
    if audience == Audience.COORDINATOR:
        return CaseAccess.ALLOWED
    if audience not in SITTING or case.status != CaseStatus.RELEASED:
        return CaseAccess.FORBIDDEN
    facts = _case_facts(user, case)
    if facts is not None:
        accepted, declared = facts
    else:
        accepted = has_accepted_current_agreement(user)  # type: ignore[arg-type]
        declared = None
    if not accepted:
        return CaseAccess.NEEDS_AGREEMENT
    if facts is None:
        declared = (
            InvolvementDeclaration.objects.filter(case=case, user=user)
            .values_list("involved", flat=True)
            .first()
        )
    if declared is None:
        return CaseAccess.NEEDS_DECLARATION
    if declared:
        return CaseAccess.INVOLVED
    return CaseAccess.ALLOWED


def case_access_map(user: User | AnonymousUser, cases: list[Case]) -> dict[int, CaseAccess]:
    """case_access for many cases in a constant number of queries (lists and agendas): none when a
    selector loaded the viewer's facts with the cases, and the agreement and declarations are only
    asked for when some case needs them (never for the coordinator)."""
    if not cases:
        return {}
    audiences = {case.pk: audience_for(user, case) for case in cases}
    pending = [
        case
        for case in cases
        if audiences[case.pk] in SITTING - {Audience.COORDINATOR} and case.status == CaseStatus.RELEASED
    ]
    stored = {case.pk: _case_facts(user, case) for case in pending}
    unknown = [case.pk for case in pending if stored[case.pk] is None]
    accepted = (
        has_accepted_current_agreement(user)  # type: ignore[arg-type]
        if unknown
        else all(facts[0] for facts in stored.values() if facts is not None)
    )
    declared = {pk: facts[1] for pk, facts in stored.items() if facts is not None and facts[1] is not None}
    if unknown:
        declared.update(
            InvolvementDeclaration.objects.filter(user=user, case__in=unknown).values_list(
                "case_id", "involved"
            )
        )
    out = {}
    for case in cases:
        audience = audiences[case.pk]
        if audience == Audience.COORDINATOR:
            out[case.pk] = CaseAccess.ALLOWED
        elif audience not in SITTING or case.status != CaseStatus.RELEASED:
            out[case.pk] = CaseAccess.FORBIDDEN
        elif not accepted:
            out[case.pk] = CaseAccess.NEEDS_AGREEMENT
        elif case.pk not in declared:
            out[case.pk] = CaseAccess.NEEDS_DECLARATION
        elif declared[case.pk]:
            out[case.pk] = CaseAccess.INVOLVED
        else:
            out[case.pk] = CaseAccess.ALLOWED
    return out


def can_open_case(user: User | AnonymousUser, case: Case) -> bool:
    return case_access(user, case) == CaseAccess.ALLOWED


def can_declare(user: User | AnonymousUser, case: Case) -> bool:
    audience = audience_for(user, case)
    return (
        audience in SITTING
        and audience != Audience.COORDINATOR
        and case.status == CaseStatus.RELEASED
        and not InvolvementDeclaration.objects.filter(case=case, user=user).exists()
    )


def can_edit_case(user: User | AnonymousUser, case: Case) -> bool:
    """Only the coordinator, and only before release: the panel cannot reopen or change a case."""
    return case.status == CaseStatus.DRAFT and audience_for(user, case) == Audience.COORDINATOR


def can_check_text(user: User | AnonymousUser, case: Case, author_id: int | None) -> bool:
    """The second-person check: a keyholder who is not the author."""
    return (
        case.status == CaseStatus.DRAFT
        and audience_for(user, case) == Audience.COORDINATOR
        and user.pk != author_id
    )


def can_check_meeting_text(user: User | AnonymousUser, panel_id: int, author_id: int | None) -> bool:
    """The second-person check of a finding's or action's text: someone who can record them on
    this panel (its coordinator or chair) who did not write it. Allowed after the meeting closes:
    redacting is not reopening."""
    return (
        _active(user)
        and user.pk != author_id
        and panel_audience(user, panel_id) in {Audience.COORDINATOR, Audience.CHAIR}
    )


def can_view_case_key(user: User | AnonymousUser, case: Case) -> bool:
    audience = audience_for(user, case)
    if audience == Audience.COORDINATOR:
        return True
    return audience == Audience.PRESENTING_AGENCY and can_open_case(user, case)


def can_review(
    user: User | AnonymousUser, case: Case, meeting: Meeting, access: CaseAccess | None = None
) -> bool:
    """`access`: the viewer's case_access for this case when the caller already has it."""
    panel = case.panel if Case.panel.is_cached(case) else case.panel_id
    return (
        meeting.status != MeetingStatus.CLOSED
        and meeting.panel_id == case.panel_id
        and panel_audience(user, panel) in MEMBERS
        and (access if access is not None else case_access(user, case)) == CaseAccess.ALLOWED
    )


def can_update_action(user: User | AnonymousUser, action: Action, panel_id: int) -> bool:
    audience = panel_audience(user, panel_id)
    if audience in {Audience.COORDINATOR, Audience.CHAIR}:
        return True
    return audience in SITTING and user.agency_id == action.owner_agency_id


def can_promote_finding(user: User | AnonymousUser, finding_kind: str) -> bool:
    return _active(user) and has(user, Perm.VIEW_GOVERNANCE) and finding_kind == FindingKind.GOOD_PRACTICE


def can_run_retention(user: User | AnonymousUser) -> bool:
    return _active(user) and has(user, Perm.COORDINATE_CASES)

"""Who may do what with scrutiny records, and which redaction audience a person is.

The only place that decides scrutiny access. `audience_for` maps a person and a case (or panel or
meeting) to one audience of scrutiny.redaction, or None (no access at all).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

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

ROLE_AUDIENCE = {
    PanelRole.CHAIR: Audience.CHAIR,
    PanelRole.CPS: Audience.CPS_MEMBER,
    PanelRole.POLICE: Audience.POLICE_MEMBER,
    PanelRole.ISVA: Audience.ISVA_MEMBER,
    PanelRole.INDEPENDENT: Audience.INDEPENDENT_MEMBER,
    PanelRole.OBSERVER: Audience.OBSERVER,
}

_CACHE = "_scrutiny_access_cache"


class CaseAccess(StrEnum):
    ALLOWED = "allowed"
    NEEDS_AGREEMENT = "needs_agreement"
    NEEDS_DECLARATION = "needs_declaration"
    INVOLVED = "involved"
    FORBIDDEN = "forbidden"


def forget(user: User | AnonymousUser) -> None:
    """Drop what was cached on this user object (consumers call it before every re-check)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def _facts(user: User) -> dict:
    """Per-user facts read once per request: active memberships and the agency's area."""
    cached = getattr(user, _CACHE, None)
    if cached is None:
        memberships = dict(
            PanelMembership.objects.filter(user=user, ended_at__isnull=True).values_list("panel_id", "role")
        )
        from agencies.models import Agency

        area_id = Agency.objects.filter(pk=user.agency_id).values_list("area_id", flat=True).first()
        cached = {"memberships": memberships, "area_id": area_id, "panel_areas": {}}
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
    area_id = (
        panel_area_id if panel_area_id is not None else (panel.area_id if isinstance(panel, Panel) else None)
    )
    if area_id is None:
        areas = facts["panel_areas"]
        if panel_id not in areas:
            areas[panel_id] = Panel.objects.filter(pk=panel_id).values_list("area_id", flat=True).first()
        area_id = areas[panel_id]
    if has(user, Perm.COORDINATE_CASES) and facts["area_id"] is not None and facts["area_id"] == area_id:
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
        return panel_audience(user, target.panel if Meeting.panel.is_cached(target) else target.panel_id)
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


def can_view_meeting(user: User | AnonymousUser, meeting: Meeting) -> bool:
    return panel_audience(user, meeting.panel_id) in SITTING | {Audience.GOVERNANCE}


def can_chair(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """Record agreed scores, findings and actions; start and close the meeting."""
    return meeting.status != MeetingStatus.CLOSED and panel_audience(user, meeting.panel_id) in {
        Audience.COORDINATOR,
        Audience.CHAIR,
    }


def can_attend(user: User | AnonymousUser, meeting: Meeting) -> bool:
    return meeting.status != MeetingStatus.CLOSED and panel_audience(user, meeting.panel_id) in (
        SITTING - {Audience.COORDINATOR}
    )


def can_view_access_log(user: User | AnonymousUser, panel: Panel) -> bool:
    return can_coordinate(user, panel)


def can_export_findings(user: User | AnonymousUser, panel: Panel) -> bool:
    return panel_audience(user, panel) in SITTING | {Audience.GOVERNANCE}


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
    if not has_accepted_current_agreement(user):  # type: ignore[arg-type]
        return CaseAccess.NEEDS_AGREEMENT
    declared = (
        InvolvementDeclaration.objects.filter(case=case, user=user).values_list("involved", flat=True).first()
    )
    if declared is None:
        return CaseAccess.NEEDS_DECLARATION
    if declared:
        return CaseAccess.INVOLVED
    return CaseAccess.ALLOWED


def case_access_map(user: User | AnonymousUser, cases: list[Case]) -> dict[int, CaseAccess]:
    """case_access for many cases in a constant number of queries (lists and agendas)."""
    if not cases:
        return {}
    accepted = _active(user) and has_accepted_current_agreement(user)  # type: ignore[arg-type]
    declared = (
        dict(
            InvolvementDeclaration.objects.filter(user=user, case__in=[c.pk for c in cases]).values_list(
                "case_id", "involved"
            )
        )
        if _active(user)
        else {}
    )
    out = {}
    for case in cases:
        audience = audience_for(user, case)
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

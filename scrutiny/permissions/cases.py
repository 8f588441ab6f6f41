"""Who may open, edit, check, review and release cases, and hold them."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Subquery

from agencies.permissions import Perm, can_manage_accounts, has
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

from scrutiny.permissions.audience import (
    CASE_FACTS,
    CaseAccess,
    audience_for,
    is_active_user,
    is_walled,
    panel_audience,
)
from scrutiny.permissions.panels import can_coordinate


def can_act_as_chair(
    user: User | AnonymousUser, membership: PanelMembership, meeting: Meeting, case: Case
) -> bool:
    """Whether `membership` may be appointed acting chair for `case`: an active member (not an
    observer, not the chair) of the meeting's panel who may open the case (agreement accepted,
    no prior involvement declared)."""
    person = membership.user
    return (
        membership.ended_at is None
        and membership.panel_id == meeting.panel_id
        and membership.role not in {PanelRole.OBSERVER, PanelRole.CHAIR}
        and person.pk != getattr(user, "pk", None)
        and is_active_user(person)
        and has(person, Perm.SIT_ON_PANELS)
        and case_access(person, case) == CaseAccess.ALLOWED
    )


# Cases ------------------------------------------------------------------------------------------------


def current_agreement() -> ConfidentialityAgreement | None:
    return ConfidentialityAgreement.objects.order_by("-version").first()


def case_fact_annotations(user: User | AnonymousUser, case_ref: str = "pk") -> dict[str, Any]:
    """Annotations for the query that loads cases (`case_ref`: the case's id in that query), so the
    viewer's access facts come with the rows instead of two more queries: whether they accepted the
    current agreement (as has_accepted_current_agreement) and what they declared on each case
    (None: nothing yet). Give each row to `remember_case_facts` with the same user."""
    if not is_active_user(user):
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
    if is_active_user(user) and hasattr(row, "viewer_accepted"):
        setattr(case, CASE_FACTS, (user.pk, bool(row.viewer_accepted), row.viewer_involved))


def _case_facts(user: User | AnonymousUser, case: Case) -> tuple[bool, bool | None] | None:
    """(accepted the current agreement, declared involvement or None) if a selector loaded them
    with this case for this same user, else None (ask the database)."""
    stored = getattr(case, CASE_FACTS, None)
    if stored is None or not is_active_user(user) or stored[0] != user.pk:
        return None
    return stored[1], stored[2]


def has_accepted_current_agreement(user: User) -> bool:
    """Whether `user` accepted the newest version (one query: the newest version and whether
    this user has an acceptance of it)."""
    if not is_active_user(user):
        return False
    newest = (
        ConfidentialityAgreement.objects.order_by("-version")
        .annotate(accepted=Exists(AgreementAcceptance.objects.filter(agreement=OuterRef("pk"), user=user)))
        .values_list("accepted", flat=True)
        .first()
    )
    return bool(newest)


def _access_ladder(
    audience: Audience | None,
    case: Case,
    accepted: Callable[[], bool],
    declared: Callable[[], bool | None],
) -> CaseAccess:
    """The one decision behind case_access and case_access_map. `accepted` and `declared` are
    asked only when the decision reaches them, so a caller that reads them from the database
    queries no more than the case needs."""
    if audience == Audience.COORDINATOR:
        return CaseAccess.ALLOWED
    if audience == Audience.INVOLVED:
        return CaseAccess.INVOLVED
    if audience not in SITTING or case.status != CaseStatus.RELEASED:
        return CaseAccess.FORBIDDEN
    if not accepted():
        return CaseAccess.NEEDS_AGREEMENT
    involved = declared()
    if involved is None:
        return CaseAccess.NEEDS_DECLARATION
    return CaseAccess.INVOLVED if involved else CaseAccess.ALLOWED


def case_access(user: User | AnonymousUser, case: Case) -> CaseAccess:
    """Whether `user` may open the case now, or what stands in the way. The coordinator always may;
    everyone else only once it is released, after accepting the current confidentiality agreement
    and declaring no prior involvement. 'I was involved' blocks for good."""
    facts = _case_facts(user, case)
    if facts is not None:
        return _access_ladder(audience_for(user, case), case, lambda: facts[0], lambda: facts[1])
    return _access_ladder(
        audience_for(user, case),
        case,
        lambda: has_accepted_current_agreement(user),  # type: ignore[arg-type]
        lambda: (
            InvolvementDeclaration.objects.filter(case=case, user=user)
            .values_list("involved", flat=True)
            .first()
        ),
    )


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
    return {
        case.pk: _access_ladder(
            audiences[case.pk], case, lambda: accepted, lambda pk=case.pk: declared.get(pk)
        )
        for case in cases
    }


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


def can_check_text(user: User | AnonymousUser, case: Case, writer_ids: Collection[int | None]) -> bool:
    """The second-person check: a keyholder who neither wrote nor edited the current wording
    (`writer_ids`: the text's author and everyone who edited it since its last check)."""
    return (
        case.status == CaseStatus.DRAFT
        and audience_for(user, case) == Audience.COORDINATOR
        and user.pk is not None
        and user.pk not in writer_ids
    )


def can_check_meeting_text(
    user: User | AnonymousUser, panel_id: int, author_id: int | None, case_id: int | None = None
) -> bool:
    """The second-person check of a finding's or action's text: someone who can record them on
    this panel (its coordinator or chair) who did not write it, and is not walled off the case
    (`case_id`). Allowed after the meeting closes: redacting is not reopening."""
    return (
        is_active_user(user)
        and user.pk != author_id
        and not is_walled(user, case_id)
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
    if is_walled(user, action.finding.case_id):
        return False
    audience = panel_audience(user, panel_id)
    if audience in {Audience.COORDINATOR, Audience.CHAIR}:
        return True
    return audience in SITTING and user.agency_id == action.owner_agency_id


def can_promote_finding(user: User | AnonymousUser, finding_kind: str) -> bool:
    return (
        is_active_user(user) and has(user, Perm.VIEW_GOVERNANCE) and finding_kind == FindingKind.GOOD_PRACTICE
    )


def can_run_retention(user: User | AnonymousUser) -> bool:
    return is_active_user(user) and has(user, Perm.COORDINATE_CASES)


def can_manage_legal_hold(user: User | AnonymousUser, panel: Panel | int) -> bool:
    """Set or clear a legal hold on a case or meeting of this panel: the panel's coordinator, or a
    platform administrator (who reaches only the hold pages, never the case's content)."""
    return can_coordinate(user, panel) or can_manage_accounts(user)


def legal_hold_audience(user: User | AnonymousUser, panel: Panel | int) -> Audience | None:
    """The audience the legal-hold pages redact a record of this panel for: its coordinator, or
    a platform administrator (who sees the record's reference and its holds, nothing else)."""
    if can_coordinate(user, panel):
        return Audience.COORDINATOR
    if can_manage_accounts(user):
        return Audience.HOLD_ADMIN
    return None


def can_list_legal_holds(user: User | AnonymousUser) -> bool:
    """The legal-hold index: any case coordinator (their own area's panels) or platform administrator."""
    return is_active_user(user) and (has(user, Perm.COORDINATE_CASES) or can_manage_accounts(user))

"""Who may do what with scrutiny records, and which redaction audience a person is.

The only place that decides scrutiny access. `audience_for` maps a person and a case (or panel or
meeting) to one audience of scrutiny.redaction, or None (no access at all).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case as Choose
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Subquery, Value, When

from agencies.permissions import Perm, can_manage_accounts, has
from scrutiny.models import (
    ActingChair,
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
from scrutiny.redaction import MEMBERS, SITTING, Audience, visible_fields

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
_WALL_FACT = "involved-in"  # likewise: a case the person declared prior involvement in
_NATIONAL_FACT = "national-body"  # the person's agency is a national body (it has no area)


class Refused(PermissionDenied):
    """A refusal that concerns case data. `scrutiny.reporting.scrutiny_view` (pages) records it as
    an AccessEvent (verb refused) before Django answers 403, so no refusal of case data goes
    unaudited; `obj` is the record asked for, never its content."""

    def __init__(
        self,
        obj: Any,
        *,
        panel_id: int | None,
        meeting_id: int | None = None,
        audience: Audience | None = None,
        message: str = "You cannot do that.",
    ) -> None:
        super().__init__(message)
        self.obj = obj
        self.panel_id = panel_id
        self.meeting_id = meeting_id
        self.audience = audience


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
    """Per-user facts read once per request, in one query: the active memberships (panel -> role),
    the area of the person's agency and the cases they declared prior involvement in (a UNION of
    the three, tagged rows). Cached on the user
    object, which lives for one request (consumers call `forget` before every re-check), so a
    change of membership or agency is seen by the next request."""
    cached = getattr(user, _CACHE, None)
    if cached is None:
        from agencies.models import Agency, AgencyKind

        text = CharField()
        memberships = (
            PanelMembership.objects.filter(user=user, ended_at__isnull=True)
            .annotate(fact_id=F("panel_id"), fact=F("role"))
            .order_by()
            .values_list("fact_id", "fact")
        )
        area = (
            Agency.objects.filter(pk=user.agency_id)
            .annotate(
                fact_id=F("area_id"),
                fact=Choose(
                    When(kind=AgencyKind.NATIONAL, then=Value(_NATIONAL_FACT)),
                    default=Value(_AREA_FACT),
                    output_field=text,
                ),
            )
            .order_by()
            .values_list("fact_id", "fact")
        )
        walled = (
            InvolvementDeclaration.objects.filter(user=user, involved=True)
            .annotate(fact_id=F("case_id"), fact=Value(_WALL_FACT, output_field=text))
            .order_by()
            .values_list("fact_id", "fact")
        )
        rows = list(memberships.union(area, walled, all=True))
        cached = {
            "memberships": {
                panel_id: role
                for panel_id, role in rows
                if role not in {_AREA_FACT, _NATIONAL_FACT, _WALL_FACT}
            },
            "area_id": next((area_id for area_id, fact in rows if fact == _AREA_FACT), None),
            "national": any(fact == _NATIONAL_FACT for _, fact in rows),
            "walled": frozenset(case_id for case_id, fact in rows if fact == _WALL_FACT),
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

    def area_id() -> int | None:
        # The panel's area matters only to a coordinator or an area's governance member; it is
        # looked up at most once per panel and request, and not at all when the panel was loaded.
        areas = facts["panel_areas"]
        if panel_area_id is not None:
            return panel_area_id
        if isinstance(panel, Panel):
            areas[panel_id] = panel.area_id
        elif panel_id not in areas:
            areas[panel_id] = Panel.objects.filter(pk=panel_id).values_list("area_id", flat=True).first()
        return areas[panel_id]

    own_area = facts["area_id"]
    if has(user, Perm.COORDINATE_CASES) and own_area is not None and own_area == area_id():
        return Audience.COORDINATOR
    role = facts["memberships"].get(panel_id)
    if role is not None and has(user, Perm.SIT_ON_PANELS):
        return ROLE_AUDIENCE[PanelRole(role)]
    # Governance reaches a panel's records as far as it reaches its dashboards
    # (scrutiny.governance.permissions): a national body every area, an agency in an area that
    # area only, so another area's findings and actions are as closed to it as its figures.
    if has(user, Perm.VIEW_GOVERNANCE) and (
        facts["national"] or (own_area is not None and own_area == area_id())
    ):
        return Audience.GOVERNANCE
    if user.has_perm(EVALUATE):
        return Audience.EVALUATOR
    return None


# Involvement: a wall around the case -------------------------------------------------------------------


def walled_case_ids(user: User | AnonymousUser | None) -> frozenset[int]:
    """The cases `user` declared prior involvement in: they see nothing of these, on any channel.
    Read with the person's other facts (no query of its own)."""
    if not _active(user):
        return frozenset()
    return _facts(user)["walled"]  # type: ignore[arg-type]


def is_walled(user: User | AnonymousUser | None, case_id: int | None) -> bool:
    return case_id is not None and case_id in walled_case_ids(user)


def exclude_walled(queryset: QuerySet, user: User | AnonymousUser | None, case_ref: str = "case") -> QuerySet:
    """`queryset` without the rows tied (through `case_ref`, a path to the case's id) to a case the
    viewer declared involvement in. Every selector that lists case-tied records goes through this."""
    walled = walled_case_ids(user)
    return queryset.exclude(**{f"{case_ref}__in": walled}) if walled else queryset


def refuse_walled(user: User | AnonymousUser, obj: Any, case_id: int | None, panel_id: int | None) -> None:
    """Raise Refused (audited, 403) when `obj` is tied to a case `user` is walled off from."""
    if is_walled(user, case_id):
        raise Refused(obj, panel_id=panel_id, audience=Audience.INVOLVED)


def walled_off_user_ids(case_id: int) -> QuerySet:
    """Ids of the people who declared involvement in this case (left out of its notifications)."""
    return InvolvementDeclaration.objects.filter(case_id=case_id, involved=True).values("user_id")


def audience_for(user: User | AnonymousUser, target: Case | Panel | Meeting) -> Audience | None:
    """The redaction audience of `user` for a case, panel or meeting (None: no access).

    For a case the panel role decides first: only a member (chair, CPS, police, ISVA,
    independent) employed by the presenting agency gets the presenting agency's access; an
    observer stays an observer whoever employs them. A member or observer who declared prior
    involvement in the case is INVOLVED for it (nothing of it is visible)."""
    if isinstance(target, Case):
        panel = target.panel if Case.panel.is_cached(target) else target.panel_id
        audience = panel_audience(user, panel)
        if audience in MEMBERS | {Audience.OBSERVER} and is_walled(user, target.pk):
            return Audience.INVOLVED
        if audience in MEMBERS and user.agency_id == target.presenting_agency_id:
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


def acting_chair_case_ids(user: User | AnonymousUser, meeting: Meeting) -> frozenset[int]:
    """The cases of this meeting `user` chairs as acting chair (one query; none for others)."""
    if not _active(user) or panel_audience(user, _panel_of(meeting)) not in MEMBERS:
        return frozenset()
    return frozenset(
        ActingChair.objects.filter(
            agenda_item__meeting_id=meeting.pk, membership__user=user, membership__ended_at__isnull=True
        ).values_list("agenda_item__case_id", flat=True)
    )


def chaired_case_ids(
    user: User | AnonymousUser,
    meeting: Meeting,
    case_ids: Iterable[int],
    acting: Iterable[int] | None = None,
) -> frozenset[int]:
    """Which of `case_ids` (on this meeting's agenda) `user` may chair: score, record findings
    and actions for. The coordinator: all. The chair: all but those they declared involvement in.
    Another member: those they were appointed acting chair for (and are not involved in)."""
    ids = frozenset(case_ids)
    if meeting.status == MeetingStatus.CLOSED:
        return frozenset()
    audience = panel_audience(user, _panel_of(meeting))
    if audience == Audience.COORDINATOR:
        return ids
    walled = walled_case_ids(user)
    if audience == Audience.CHAIR:
        return ids - walled
    if audience not in MEMBERS:
        return frozenset()
    # `acting`: the cases the agenda selector found the viewer acting chair for (no query then).
    appointed = frozenset(acting) if acting is not None else acting_chair_case_ids(user, meeting)
    return (ids & appointed) - walled


def can_chair_case(user: User | AnonymousUser, meeting: Meeting, case: Case | int) -> bool:
    case_id = case if isinstance(case, int) else case.pk
    return case_id in chaired_case_ids(user, meeting, [case_id])


def can_record_findings(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """Open the finding form: whoever chairs the meeting or one of its cases."""
    return can_chair(user, meeting) or (
        meeting.status != MeetingStatus.CLOSED and bool(acting_chair_case_ids(user, meeting))
    )


def can_appoint_acting_chair(
    user: User | AnonymousUser, meeting: Meeting, case_id: int | None = None
) -> bool:
    """The coordinator, for any case of an open meeting; the chair, only for a case they declared
    involvement in (they hand its chairing over). `case_id` None: for some case."""
    if meeting.status == MeetingStatus.CLOSED:
        return False
    audience = panel_audience(user, _panel_of(meeting))
    if audience == Audience.COORDINATOR:
        return True
    if audience != Audience.CHAIR:
        return False
    walled = walled_case_ids(user)
    return bool(walled) if case_id is None else case_id in walled


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
        and _active(person)
        and has(person, Perm.SIT_ON_PANELS)
        and case_access(person, case) == CaseAccess.ALLOWED
    )


def sees_records(model: type, audience: Audience | None) -> bool:
    """Whether the policy lets an audience see `model`'s records one by one (its id), and so
    anything derived from them per record, such as a count of reviews per case: reviews are the
    panel's only, never observers' or oversight's (they get aggregates, suppressed)."""
    return "id" in visible_fields(model, audience)


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
    if audience == Audience.INVOLVED:
        return CaseAccess.INVOLVED
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
        elif audience == Audience.INVOLVED:
            out[case.pk] = CaseAccess.INVOLVED
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


def can_check_meeting_text(
    user: User | AnonymousUser, panel_id: int, author_id: int | None, case_id: int | None = None
) -> bool:
    """The second-person check of a finding's or action's text: someone who can record them on
    this panel (its coordinator or chair) who did not write it, and is not walled off the case
    (`case_id`). Allowed after the meeting closes: redacting is not reopening."""
    return (
        _active(user)
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
    return _active(user) and has(user, Perm.VIEW_GOVERNANCE) and finding_kind == FindingKind.GOOD_PRACTICE


def can_run_retention(user: User | AnonymousUser) -> bool:
    return _active(user) and has(user, Perm.COORDINATE_CASES)


def can_manage_legal_hold(user: User | AnonymousUser, panel: Panel | int) -> bool:
    """Set or clear a legal hold on a case or meeting of this panel: the panel's coordinator, or a
    platform administrator (who reaches only the hold pages, never the case's content)."""
    return can_coordinate(user, panel) or can_manage_accounts(user)


def can_list_legal_holds(user: User | AnonymousUser) -> bool:
    """The legal-hold index: any case coordinator (their own area's panels) or platform administrator."""
    return _active(user) and (has(user, Perm.COORDINATE_CASES) or can_manage_accounts(user))

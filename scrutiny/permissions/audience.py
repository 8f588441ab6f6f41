"""The viewer's facts, their panel audience, and the wall around cases they declared involvement in."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case as Choose
from django.db.models import CharField, F, QuerySet, Value, When

from agencies.permissions import Perm, has
from scrutiny.models import (
    Case,
    InvolvementDeclaration,
    Meeting,
    Panel,
    PanelMembership,
    PanelRole,
)
from scrutiny.redaction import MEMBERS, Audience

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
CASE_FACTS = "_scrutiny_viewer_case_facts"
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


class Walled(Refused):
    """A refusal of a record tied to a case the viewer declared involvement in. Audited like any
    refusal, but answered as if the record did not exist (404, the page or JSON of an unknown id):
    involvement is a wall, not a door with a sign on it."""


class CaseAccess(StrEnum):
    ALLOWED = "allowed"
    NEEDS_AGREEMENT = "needs_agreement"
    NEEDS_DECLARATION = "needs_declaration"
    INVOLVED = "involved"
    FORBIDDEN = "forbidden"


def forget(obj: User | AnonymousUser | Case) -> None:
    """Drop what was cached on this user object (consumers call it before every re-check), or
    the viewer facts a selector stored on this case (after the viewer declares on it)."""
    for name in (_CACHE, CASE_FACTS):
        if hasattr(obj, name):
            delattr(obj, name)


def user_access_facts(user: User) -> dict:
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


def is_active_user(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def panel_audience(
    user: User | AnonymousUser, panel: Panel | int, panel_area_id: int | None = None
) -> Audience | None:
    if not is_active_user(user):
        return None
    panel_id = panel if isinstance(panel, int) else panel.pk
    facts = user_access_facts(user)  # type: ignore[arg-type]

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
    if not is_active_user(user):
        return frozenset()
    return user_access_facts(user)["walled"]  # type: ignore[arg-type]


def is_walled(user: User | AnonymousUser | None, case_id: int | None) -> bool:
    return case_id is not None and case_id in walled_case_ids(user)


def exclude_walled(queryset: QuerySet, user: User | AnonymousUser | None, case_ref: str = "case") -> QuerySet:
    """`queryset` without the rows tied (through `case_ref`, a path to the case's id) to a case the
    viewer declared involvement in. Every selector that lists case-tied records goes through this."""
    walled = walled_case_ids(user)
    return queryset.exclude(**{f"{case_ref}__in": walled}) if walled else queryset


def refuse_walled(user: User | AnonymousUser, obj: Any, case_id: int | None, panel_id: int | None) -> None:
    """Raise Walled (audited, answered 404) when `obj` is tied to a case `user` is walled off from."""
    if is_walled(user, case_id):
        raise Walled(obj, panel_id=panel_id, audience=Audience.INVOLVED)


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
        return panel_audience(user, panel_of(target))
    return panel_audience(user, target)


def panel_of(meeting: Meeting) -> Panel | int:
    """The meeting's panel when it was loaded with it (its area then needs no query), else its id."""
    return meeting.panel if Meeting.panel.is_cached(meeting) else meeting.panel_id

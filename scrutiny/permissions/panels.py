"""Who may do what to panels and meetings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from agencies.permissions import Perm, has
from scrutiny.models import (
    ActingChair,
    Case,
    Meeting,
    MeetingStatus,
    Panel,
    PanelMembership,
)
from scrutiny.redaction import MEMBERS, SITTING, Audience, visible_fields

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.models import User

from scrutiny.permissions.audience import (
    EVALUATE,
    REVIEW_AUDIT,
    is_active_user,
    panel_audience,
    panel_of,
    user_access_facts,
    walled_case_ids,
)

# Panels and meetings ----------------------------------------------------------------------------------


def panel_area_for(user: User | AnonymousUser) -> int | None:
    """The CPS area in which `user` may create panels (a coordinator's own area), else None."""
    if not is_active_user(user) or not has(user, Perm.COORDINATE_CASES):
        return None
    return user_access_facts(user)["area_id"]


def can_create_panel(user: User | AnonymousUser, area_id: int | None = None) -> bool:
    """A case coordinator creates panels in their own CPS area (platform admins do not: they
    manage accounts, not panels)."""
    own = panel_area_for(user)
    return own is not None and (area_id is None or area_id == own)


def can_publish_agreement(user: User | AnonymousUser) -> bool:
    """A new version of the (platform-wide) confidentiality agreement: any case coordinator."""
    return is_active_user(user) and has(user, Perm.COORDINATE_CASES)


def can_view_panel(user: User | AnonymousUser, panel: Panel) -> bool:
    return panel_audience(user, panel) in SITTING | {Audience.GOVERNANCE}


def can_coordinate(user: User | AnonymousUser, panel: Panel | int) -> bool:
    return panel_audience(user, panel) == Audience.COORDINATOR


def can_view_meeting(user: User | AnonymousUser, meeting: Meeting) -> bool:
    return panel_audience(user, panel_of(meeting)) in SITTING | {Audience.GOVERNANCE}


def can_chair(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """Record agreed scores, findings and actions; start and close the meeting."""
    return meeting.status != MeetingStatus.CLOSED and panel_audience(user, panel_of(meeting)) in {
        Audience.COORDINATOR,
        Audience.CHAIR,
    }


def acting_chair_case_ids(user: User | AnonymousUser, meeting: Meeting) -> frozenset[int]:
    """The cases of this meeting `user` chairs as acting chair (one query; none for others)."""
    if not is_active_user(user) or panel_audience(user, panel_of(meeting)) not in MEMBERS:
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
    audience = panel_audience(user, panel_of(meeting))
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
    audience = panel_audience(user, panel_of(meeting))
    if audience == Audience.COORDINATOR:
        return True
    if audience != Audience.CHAIR:
        return False
    walled = walled_case_ids(user)
    return bool(walled) if case_id is None else case_id in walled


def sees_records(model: type, audience: Audience | None) -> bool:
    """Whether the policy lets an audience see `model`'s records one by one (its id), and so
    anything derived from them per record, such as a count of reviews per case: reviews are the
    panel's only, never observers' or oversight's (they get aggregates, suppressed)."""
    return "id" in visible_fields(model, audience)


def can_attend(user: User | AnonymousUser, meeting: Meeting) -> bool:
    return meeting.status != MeetingStatus.CLOSED and panel_audience(user, panel_of(meeting)) in (
        SITTING - {Audience.COORDINATOR}
    )


def can_view_access_log(user: User | AnonymousUser, panel: Panel) -> bool:
    return can_coordinate(user, panel)


def can_export_findings(user: User | AnonymousUser, panel: Panel) -> bool:
    return panel_audience(user, panel) in SITTING | {Audience.GOVERNANCE}


def can_review_audit(user: User | AnonymousUser) -> bool:
    """The platform-wide access audit and its export: the data protection officer role only."""
    return is_active_user(user) and user.has_perm(REVIEW_AUDIT)


def can_export_aggregate(user: User | AnonymousUser) -> bool:
    return is_active_user(user) and (
        user.has_perm(EVALUATE) or has(user, Perm.VIEW_GOVERNANCE) or has(user, Perm.COORDINATE_CASES)
    )


def membership_of(user: User | AnonymousUser, panel_id: int) -> PanelMembership | None:
    if not is_active_user(user):
        return None
    return PanelMembership.objects.filter(user=user, panel_id=panel_id, ended_at__isnull=True).first()

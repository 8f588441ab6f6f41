"""The only door to pre-trial meeting permission checks (object-level: this request).

Who sees a request: the person who made it, the administrators of the agency they made it from,
and the VLO team of the request's CPS area (VLO and Area lead roles in a CPS area agency of that
area). Nobody else, whatever their role: another ISVA, another area's VLO team, a non-admin
colleague of the requester, a platform administrator. A refusal is a 404, never a 403, so that a
guessed id says nothing about whether a request exists."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from agencies.models import AgencyKind
from agencies.permissions import can_manage_own_agency
from agencies.victims.permissions import VictimsPerm, has

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.models import User
    from agencies.victims.meetings.models import MeetingRequest


class Audience(StrEnum):
    """Who a viewer is for one request: written to the access audit with every view."""

    REQUESTER = "pretrial_requester"
    VLO_TEAM = "pretrial_vlo_team"
    AGENCY_ADMIN = "pretrial_agency_admin"


# Agencies whose people may ask for a meeting: ISVA services (ISVAs) and police forces (the
# officer in the case).
REQUESTER_AGENCY_KINDS = frozenset({AgencyKind.ISVA_SERVICE, AgencyKind.POLICE_FORCE})


def can_request(user: User | AnonymousUser) -> bool:
    if not has(user, VictimsPerm.REQUEST_PRETRIAL_MEETINGS):
        return False
    agency = getattr(user, "agency", None)
    return agency is not None and agency.is_active and agency.kind in REQUESTER_AGENCY_KINDS


def handled_area_id(user: User | AnonymousUser) -> int | None:
    """The one CPS area whose requests `user` handles: a VLO's or Area lead's own area."""
    if not has(user, VictimsPerm.HANDLE_PRETRIAL_MEETINGS):
        return None
    agency = getattr(user, "agency", None)
    if agency is None or agency.kind != AgencyKind.CPS_AREA or not agency.is_active:
        return None
    return agency.area_id


def administered_agency_id(user: User | AnonymousUser) -> int | None:
    if not can_manage_own_agency(user):
        return None
    return user.agency_id


def can_open(user: User | AnonymousUser) -> bool:
    """Whether the pre-trial meeting pages are open to `user` at all."""
    return can_request(user) or handled_area_id(user) is not None or administered_agency_id(user) is not None


def audience_for(user: User | AnonymousUser, request: MeetingRequest) -> Audience | None:
    """Which audience `user` is for `request`, or None: they may not know it exists."""
    if not user.is_authenticated or not user.is_active:
        return None
    area_id = handled_area_id(user)
    if area_id is not None and area_id == request.area_id:
        return Audience.VLO_TEAM
    if request.requester_id == user.pk:
        return Audience.REQUESTER
    agency_id = administered_agency_id(user)
    if agency_id is not None and agency_id == request.agency_id:
        return Audience.AGENCY_ADMIN
    return None


def can_handle(user: User | AnonymousUser, request: MeetingRequest) -> bool:
    """Confirm, propose, record not needed and the outcome: the area's VLO team only."""
    return audience_for(user, request) is Audience.VLO_TEAM


def can_accept_proposal(user: User | AnonymousUser, request: MeetingRequest) -> bool:
    return audience_for(user, request) is Audience.REQUESTER

"""The only door to VLO directory permission checks (object-level: this area's team)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from agencies.models import AgencyKind
from agencies.permissions import Perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.models import User


class VictimsPerm(StrEnum):
    VIEW_VLO_DIRECTORY = "victims.view_vlo_directory"
    MANAGE_AREA_VLO_TEAM = "victims.manage_area_vlo_team"
    # Pre-trial meetings (agencies/victims/meetings/permissions.py checks them per request).
    REQUEST_PRETRIAL_MEETINGS = "victims.request_pretrial_meetings"
    HANDLE_PRETRIAL_MEETINGS = "victims.handle_pretrial_meetings"


# Who reads the directory (agencies/roles.py explains why): the VLO and Area lead roles through
# their own capability, and the partner roles that work with victims' cases through the one they
# already hold (ISVAs, drop-in hosts, case coordinators, panel members: police, CPS, independent).
DIRECTORY_READER_PERMS: tuple[VictimsPerm | Perm, ...] = (
    VictimsPerm.VIEW_VLO_DIRECTORY,
    Perm.BOOK_DROPINS,
    Perm.HOST_DROPINS,
    Perm.COORDINATE_CASES,
    Perm.SIT_ON_PANELS,
)


# Who sees the "Pre-trial meetings" navigation entry: requesters, VLO teams and agency admins
# (agencies/victims/meetings/permissions.py checks each page and request on its own).
PRETRIAL_NAV_PERMS: tuple[VictimsPerm | Perm, ...] = (
    VictimsPerm.REQUEST_PRETRIAL_MEETINGS,
    VictimsPerm.HANDLE_PRETRIAL_MEETINGS,
    Perm.MANAGE_OWN_AGENCY,
)


def has(user: User | AnonymousUser, perm: VictimsPerm | Perm) -> bool:
    """agencies.permissions.has for this app's capabilities too."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(perm.value))


def can_view_directory(user: User | AnonymousUser) -> bool:
    return any(has(user, perm) for perm in DIRECTORY_READER_PERMS)


def can_manage_any_team(user: User | AnonymousUser) -> bool:
    return has(user, VictimsPerm.MANAGE_AREA_VLO_TEAM)


def managed_area_id(user: User | AnonymousUser) -> int | None:
    """The one area whose team `user` may edit: an Area lead's own CPS area agency's area."""
    if not can_manage_any_team(user):
        return None
    agency = getattr(user, "agency", None)
    if agency is None or agency.kind != AgencyKind.CPS_AREA or not agency.is_active:
        return None
    return agency.area_id


def can_manage_team(user: User | AnonymousUser, area_id: int) -> bool:
    """Edit and confirm this area's VLO team: only an Area lead of a CPS area agency in it."""
    return area_id is not None and managed_area_id(user) == area_id

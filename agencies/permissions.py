"""The only door to permission checks and grants for agencies (and to django-guardian)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.models import User


class Perm(StrEnum):
    BOOK_DROPINS = "agencies.book_dropins"
    HOST_DROPINS = "agencies.host_dropins"
    COORDINATE_CASES = "agencies.coordinate_cases"
    SIT_ON_PANELS = "agencies.sit_on_panels"
    VIEW_GOVERNANCE = "agencies.view_governance"
    MANAGE_ACCOUNTS = "agencies.manage_accounts"
    MANAGE_OWN_AGENCY = "agencies.manage_own_agency"
    ACCESS_CMS = "wagtailadmin.access_admin"


def has(user: User | AnonymousUser, perm: Perm) -> TypeGuard[User]:
    """Whether an active, signed-in account holds `perm` (so, to the type checker, a `User`)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(perm.value))


def can_subscribe_to_own_notifications(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_accounts(user: User | AnonymousUser) -> bool:
    """Platform administrators manage every agency's accounts and invitations."""
    return has(user, Perm.MANAGE_ACCOUNTS)


def can_manage_own_agency(user: User | AnonymousUser) -> TypeGuard[User]:
    """Agency administrators manage the accounts of their own agency, and no other."""
    return has(user, Perm.MANAGE_OWN_AGENCY) and getattr(user, "agency_id", None) is not None


def can_open_account_management(user: User | AnonymousUser) -> bool:
    """Whether the account management pages are open to `user` at all (each object is then
    checked with can_manage_agency / can_manage_person)."""
    return can_manage_accounts(user) or can_manage_own_agency(user)


def can_manage_agency(user: User | AnonymousUser, agency_id: int | None) -> bool:
    """Whether `user` may invite people to, and change the accounts of, this agency: any agency
    for a platform administrator, only their own for an agency administrator."""
    if agency_id is None:
        return False
    if can_manage_accounts(user):
        return True
    return can_manage_own_agency(user) and user.agency_id == agency_id


def _is_administrator(person: User) -> bool:
    from agencies.roles import ADMINISTRATOR_ROLES

    if person.is_superuser:
        return True
    # groups.all(): uses the prefetched groups when the caller loaded them (people lists).
    held = {group.name for group in person.groups.all()}
    return not held.isdisjoint(role.value for role in ADMINISTRATOR_ROLES)


def can_manage_person(user: User | AnonymousUser, person: User) -> bool:
    """Whether `user` may change `person`'s roles, deactivate them or reset their MFA. Nobody
    manages their own account this way (no self-granted roles, no self-lockout). An agency
    administrator manages the people of their own agency except administrators (platform or
    agency) and superusers: those are a platform administrator's to manage."""
    if not user.is_authenticated or person.pk == user.pk:
        return False
    if can_manage_accounts(user):
        return person.agency_id is not None
    return can_manage_agency(user, person.agency_id) and not _is_administrator(person)


def grantable_roles(user: User | AnonymousUser) -> list[str]:
    """The roles `user` may invite people to, grant and remove (role values, table order)."""
    from agencies.roles import ADMINISTRATOR_ROLES, Role

    if can_manage_accounts(user):
        return [role.value for role in Role]
    if can_manage_own_agency(user):
        return [role.value for role in Role if role not in ADMINISTRATOR_ROLES]
    return []


def can_assign_role(user: User | AnonymousUser, role: str) -> bool:
    return role in grantable_roles(user)

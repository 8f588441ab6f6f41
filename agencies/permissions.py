"""The only door to permission checks and grants for agencies (and to django-guardian)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

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
    ACCESS_CMS = "wagtailadmin.access_admin"


def has(user: User | AnonymousUser, perm: Perm) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(perm.value))


def can_subscribe_to_own_notifications(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_accounts(user: User | AnonymousUser) -> bool:
    """Platform administrators manage every agency's accounts and invitations."""
    return has(user, Perm.MANAGE_ACCOUNTS)


def can_manage_agency(user: User | AnonymousUser, agency_id: int | None) -> bool:
    """Whether `user` may invite people to, and change the accounts of, this agency."""
    return agency_id is not None and can_manage_accounts(user)


def can_manage_person(user: User | AnonymousUser, person: User) -> bool:
    """Whether `user` may change `person`'s roles, deactivate them or reset their MFA. Nobody
    manages their own account this way (no self-granted roles, no self-lockout)."""
    return bool(user.is_authenticated and person.pk != user.pk and can_manage_agency(user, person.agency_id))

"""Accounts: granting and removing roles, deactivating and reactivating."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from agencies import audit, permissions
from agencies.models import User
from agencies.realtime import events
from agencies.services.roles import role_from_value
from agencies.services.sessions import sessions_delete_for


@transaction.atomic
def role_grant(*, actor: User, user: User, role: str) -> bool:
    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    role_value = role_from_value(role)
    if not permissions.can_assign_role(actor, role_value.value):
        raise PermissionDenied
    group = Group.objects.get(name=role_value.value)
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    audit.record(
        instance=user,
        action=audit.Action.ROLE_GRANTED,
        actor=actor,
        agency_id=user.agency_id,
        role=role_value.value,
    )
    # A new role can bring new duties (MFA) and rights: sockets re-check either way.
    events.access_changed(user.pk)
    return True


@transaction.atomic
def role_remove(*, actor: User, user: User, role: str) -> bool:
    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    role_value = role_from_value(role)
    if not permissions.can_assign_role(actor, role_value.value):
        raise PermissionDenied
    group = Group.objects.get(name=role_value.value)
    if not user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.remove(group)
    audit.record(
        instance=user,
        action=audit.Action.ROLE_REMOVED,
        actor=actor,
        agency_id=user.agency_id,
        role=role_value.value,
    )
    events.access_changed(user.pk)
    return True


@transaction.atomic
def account_deactivate(*, actor: User, user: User) -> None:
    """Switch an account off. Its sessions stop working at their next request (the auth backend
    refuses inactive users) and are deleted; its open sockets close at once."""
    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    if not user.is_active:
        return
    User.objects.filter(pk=user.pk).update(is_active=False, access_version=F("access_version") + 1)
    user.is_active = False
    sessions_delete_for(user=user, session_model=Session)
    audit.record(
        instance=user, action=audit.Action.ACCOUNT_DEACTIVATED, actor=actor, agency_id=user.agency_id
    )
    events.access_changed(user.pk)


@transaction.atomic
def account_reactivate(*, actor: User, user: User) -> None:
    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    if user.is_active:
        return
    User.objects.filter(pk=user.pk).update(is_active=True, access_version=F("access_version") + 1)
    user.is_active = True
    audit.record(
        instance=user, action=audit.Action.ACCOUNT_REACTIVATED, actor=actor, agency_id=user.agency_id
    )

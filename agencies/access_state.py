"""Session rotation on privilege change.

Every account carries an `access_version` that goes up whenever what the account may do changes:
a role (group) or direct permission granted or removed, its agency, active flag or superuser flag
changed, its two-factor authentication enrolled or reset. Signing in stores the version in the
session; on each request the middleware compares it and, if it moved, gives the session a new key
(`cycle_key`: the old key is deleted), so a session id captured before the change is worthless
after it. People whose access was removed altogether (deactivated) are signed out instead: their
sessions are deleted and the auth backend refuses them.

Group and field changes are caught by signals, so they count however they are made (our services,
Wagtail's user editor, a shell); two-factor changes are bumped by the services that make them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.http import HttpRequest

SESSION_KEY = "agencies_access_version"
# Fields of the account whose change is a change of privilege.
TRACKED_FIELDS = ("agency_id", "is_active", "is_superuser", "is_staff")


def bump(user_ids: Iterable[int]) -> None:
    from agencies.models import User

    ids = [pk for pk in user_ids if pk is not None]
    if ids:
        User.objects.filter(pk__in=ids).update(access_version=F("access_version") + 1)


def current_version(user_id: int) -> int | None:
    from agencies.models import User

    return User.objects.filter(pk=user_id).values_list("access_version", flat=True).first()


def remember(request: HttpRequest, version: int | None = None) -> None:
    """Record the account's access version in its (new) session."""
    if version is None:
        version = current_version(request.user.pk)
    request.session[SESSION_KEY] = version


def rotate_if_changed(request: HttpRequest) -> bool:
    """Give the session a new key if the account's access changed since the session last looked.
    A session from before this mechanism (no version stored) is rotated once too."""
    user = request.user
    if not user.is_authenticated:
        return False
    if request.session.get(SESSION_KEY) == user.access_version:
        return False
    request.session.cycle_key()
    request.session[SESSION_KEY] = user.access_version
    return True


# --- signal receivers (connected in AgenciesConfig.ready) --------------------------------------------


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = current_version(user.pk)


def on_user_pre_save(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A full save() writes every column, access_version included: take the stored version (a
    stale instance must not put it back) and add one if a tracked field changed. A save limited to
    some fields leaves the column alone; post_save bumps it if a tracked field was among them."""
    instance._access_changed = False
    if instance.pk is None or kwargs.get("raw"):
        return
    names = [
        name
        for name in TRACKED_FIELDS
        if update_fields is None or name in update_fields or name.removesuffix("_id") in update_fields
    ]
    if update_fields is not None and not names:
        return
    before = sender.objects.filter(pk=instance.pk).values(*names, "access_version").first()
    if before is None:
        return
    changed = any(before[name] != getattr(instance, name) for name in names)
    if update_fields is None:
        instance.access_version = before["access_version"] + (1 if changed else 0)
    else:
        instance._access_changed = changed


def _refresh(instance: Any) -> None:
    """The in-memory account after a bump: its new version (so its cached permission sets,
    agencies.auth_backends, are not looked up under the old one) and no per-object sets."""
    version = current_version(instance.pk)
    if version is not None:
        instance.access_version = version
    for name in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        instance.__dict__.pop(name, None)


def on_user_post_save(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created and getattr(instance, "_access_changed", False):
        instance._access_changed = False
        bump([instance.pk])
        _refresh(instance)


def on_memberships_changed(
    sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kwargs: Any
) -> None:
    """User.groups or User.user_permissions changed, from either side of the relation."""
    from agencies.models import User

    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not reverse:
        if action == "pre_clear" or pk_set:
            bump([instance.pk])
            _refresh(instance)
        return
    if action == "pre_clear":
        bump(instance.user_set.values_list("pk", flat=True))
    elif pk_set:
        bump(User.objects.filter(pk__in=pk_set).values_list("pk", flat=True))

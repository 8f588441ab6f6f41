"""Django's model backend with each person's permission sets shared through the cache.

Every signed-in page asks what the person may do (the navigation, the views' checks), which costs
Django's ModelBackend two queries per request (the person's own permissions and their groups').
Here both sets come from one cache entry per person, read in one round trip together with the
permissions generation token.

Why the entry can never hand one person's rights to another, or outlive a change:
- It is stored under the person's id and holds their sets only.
- It is used only while it carries the person's current `access_version`, superuser flag and the
  current permissions generation token. `access_version` goes up on every change to the
  person's groups, own permissions, agency, active, staff or superuser flag and two-factor
  enrolment (agencies.access_state), and the user row is read fresh on every request, so such a
  change is seen at the very next request. The generation token is renewed (agencies.cache_tokens:
  at once and on commit) whenever anything that gives a group or a superuser its permissions
  changes: a group's permissions (from either side), a group or permission created, renamed or
  deleted, a content type changed, `roles_sync`, a migration run.
- Nothing is stored while the connection is inside a transaction the application opened (its
  writes could still be rolled back, and a rolled-back version number would be issued again).
- Inactive and anonymous users get no permissions, as from Django's backend, before any lookup.
- Entries expire after TTL seconds whatever happens: the bound on a change made behind the
  signals' back (raw SQL).

Not cached here: django-guardian's object permissions (its own backend answers those) and
Wagtail's page and collection permissions (Wagtail reads them itself).
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import cache

from agencies import cache_tokens

GENERATION_KEY = "agencies:permissions:generation"
ENTRY_KEY = "agencies:permissions:v1:{user_id}"
TTL = 300


def _perm_names(queryset: Any) -> frozenset[str]:
    rows = queryset.values_list("content_type__app_label", "codename").order_by()
    return frozenset(f"{app_label}.{codename}" for app_label, codename in rows)


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose per-person permission sets are read through the cache (see module)."""

    def _load_sets(self, user_obj: Any) -> tuple[frozenset[str], frozenset[str]]:
        key = ENTRY_KEY.format(user_id=user_obj.pk)
        found = cache.get_many([GENERATION_KEY, key])
        token = cache_tokens.token_from(found, GENERATION_KEY)
        stamp = (token, user_obj.access_version, bool(user_obj.is_superuser))
        entry = found.get(key)
        if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == stamp:
            return entry[1], entry[2]
        if user_obj.is_superuser:
            user_perms = group_perms = _perm_names(Permission.objects.all())
        else:
            user_perms = _perm_names(self._get_user_permissions(user_obj))
            group_perms = _perm_names(self._get_group_permissions(user_obj))
        if not cache_tokens.in_application_transaction():
            cache.set(key, (stamp, user_perms, group_perms), TTL)
        return user_perms, group_perms

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        perm_cache_name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, perm_cache_name):
            user_perms, group_perms = self._load_sets(user_obj)
            # Per object, as Django's backend does (copies: callers may change what they get).
            user_obj._user_perm_cache = set(user_perms)
            user_obj._group_perm_cache = set(group_perms)
        return getattr(user_obj, perm_cache_name)

    async def _aget_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        return await sync_to_async(self._get_permissions)(user_obj, obj, from_name)


def invalidate(**kwargs: Any) -> None:
    """Retire every person's cached permission sets (signal receiver; also called directly)."""
    cache_tokens.new_generation([GENERATION_KEY])


def _group_permissions_changed(action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        invalidate()


def connect_signals() -> None:
    """Called from AgenciesConfig.ready."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

    # Group.permissions, changed from the group's side (Wagtail's group editor, roles_sync) or the
    # permission's (permission.group_set): one through model, one receiver.
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="agencies.permissions.group-permissions",
    )
    # Deleting a group or permission removes its rows from the through tables without m2m signals.
    for model in (Group, Permission, ContentType):
        name = model._meta.label_lower
        post_save.connect(invalidate, sender=model, dispatch_uid=f"agencies.permissions.saved.{name}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"agencies.permissions.deleted.{name}")
    # Migrations create permissions in bulk (no post_save): a superuser's set grows.
    post_migrate.connect(invalidate, dispatch_uid="agencies.permissions.migrated")

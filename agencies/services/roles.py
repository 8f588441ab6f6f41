"""Roles as groups: syncing the role table onto groups and Wagtail permissions."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from agencies import auth_backends, roles


@transaction.atomic
def roles_sync() -> list[str]:
    """Create each role's group and set its permissions to exactly those of the role table,
    including Wagtail page permissions on the site root. Returns one line per role."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root_page = site.root_page if site is not None else Page.get_first_root_node()
    report = []
    for role, spec in roles.ROLE_TABLE.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in sorted(spec.permissions):
            app_label, codename = dotted.split(".", 1)
            try:
                wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
            except Permission.DoesNotExist as exc:
                raise LookupError(f"Role {role.value!r} names an unknown permission {dotted!r}.") from exc
        group.permissions.set(wanted)
        GroupPagePermission.objects.filter(group=group).exclude(page=root_page).delete()
        existing = set(
            GroupPagePermission.objects.filter(group=group, page=root_page).values_list(
                "permission__codename", flat=True
            )
        )
        wanted_page = {f"{kind}_page" for kind in spec.page_permissions}
        GroupPagePermission.objects.filter(group=group, page=root_page).exclude(
            permission__codename__in=wanted_page
        ).delete()
        if root_page is not None:
            for codename in sorted(wanted_page - existing):
                GroupPagePermission.objects.create(group=group, page=root_page, permission_type=codename[:-5])
        collection_permissions_sync(group=group, codenames=spec.collection_permissions)
        page_kinds = ", ".join(sorted(spec.page_permissions)) or "-"
        report.append(f"{role.value}: {len(wanted)} permissions, page: {page_kinds}")
    # The m2m signals of group.permissions.set() already renewed it when something changed; say it
    # here too, so the sync is a boundary for cached permission sets whatever it touched.
    auth_backends.invalidate()
    return report


def collection_permissions_sync(*, group: Group, codenames: frozenset[str]) -> None:
    """The group holds exactly these Wagtail collection permissions, on the root collection."""
    root = Collection.get_first_root_node()
    GroupCollectionPermission.objects.filter(group=group).exclude(
        collection=root, permission__codename__in=codenames
    ).delete()
    if root is None:
        return
    existing = set(
        GroupCollectionPermission.objects.filter(group=group, collection=root).values_list(
            "permission__codename", flat=True
        )
    )
    for codename in sorted(codenames - existing):
        app_label = "wagtaildocs" if codename.endswith("_document") else "wagtailimages"
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.create(group=group, collection=root, permission=permission)


def role_from_value(value: str) -> object:
    try:
        return roles.Role(value)
    except ValueError as exc:
        raise ValidationError({"role": "Choose a role."}) from exc

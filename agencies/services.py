"""Every write to agencies data: keyword-only, typed, atomic; events are published on commit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from agencies import events
from agencies.models import Notification, NotificationKind, User


@transaction.atomic
def notification_send(
    *, recipient: User, title: str, kind: str = NotificationKind.GENERAL, url: str = ""
) -> Notification:
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind: {kind!r}")
    notification = Notification(recipient=recipient, kind=kind, title=title[:200], url=url[:300])
    notification.full_clean()
    notification.save()
    events.publish(
        events.user_group(recipient.pk), events.NotificationCreated(notification_id=notification.pk)
    )
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    count = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        events.publish(events.user_group(actor.pk), events.NotificationsRead(count=count))
    return count


@transaction.atomic
def roles_sync() -> list[str]:
    """Create each role's group and set its permissions to exactly those of the role table,
    including Wagtail page permissions on the site root. Returns one line per role."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Page, Site

    from agencies.roles import ROLE_TABLE

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root_page = site.root_page if site is not None else Page.get_first_root_node()
    report = []
    for role, spec in ROLE_TABLE.items():
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
        page_kinds = ", ".join(sorted(spec.page_permissions)) or "-"
        report.append(f"{role.value}: {len(wanted)} permissions, page: {page_kinds}")
    return report

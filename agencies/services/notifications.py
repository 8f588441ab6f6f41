"""In-site notifications: sending one, marking them read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from agencies.models import Notification, NotificationKind, User
from agencies.realtime import events
from agencies.selectors import notification_unread_forget


@transaction.atomic
def notification_send(
    *, recipient: User, title: str, kind: str = NotificationKind.GENERAL, url: str = ""
) -> Notification:
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind: {kind!r}")
    notification = Notification(recipient=recipient, kind=kind, title=title[:200], url=url[:300])
    notification.full_clean()
    notification.save()  # post_save retires the recipient's cached unread count (agencies.selectors)
    events.publish(
        events.user_group(recipient.pk), events.NotificationCreated(notification_id=notification.pk)
    )
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    count = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        # An UPDATE sends no post_save: retire the cached unread count here.
        notification_unread_forget([actor.pk])
        events.publish(events.user_group(actor.pk), events.NotificationsRead(count=count))
    return count

"""Every read of agencies data. Each selector takes the viewer, so scoping can't be forgotten."""

from __future__ import annotations

from django.db.models import QuerySet

from agencies.models import Notification, User


def notification_list(*, viewer: User, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=viewer).order_by("-created_at", "-pk")[:limit]


def notification_unread_count(*, viewer: User) -> int:
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()


def notification_get(*, viewer: User, notification_id: int) -> Notification | None:
    return Notification.objects.filter(recipient=viewer, pk=notification_id).first()

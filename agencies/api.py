"""Account endpoints under /api/v1/account/: the signed-in person's own notifications."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from agencies import selectors, services

router = Router(tags=["account"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    url: str
    created_at: datetime
    read: bool


class NotificationListOut(Schema):
    unread: int
    items: list[NotificationOut]


class MarkedReadOut(Schema):
    marked_read: int


@router.get("/notifications", response=NotificationListOut, summary="My notifications (newest first)")
def list_notifications(request: HttpRequest) -> dict:
    items = [
        NotificationOut(
            id=n.pk,
            kind=n.kind,
            title=n.title,
            url=n.url,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in selectors.notification_list(viewer=request.user)
    ]
    return {"unread": selectors.notification_unread_count(viewer=request.user), "items": items}


@router.post("/notifications/read", response=MarkedReadOut, summary="Mark all my notifications as read")
def mark_notifications_read(request: HttpRequest) -> dict:
    return {"marked_read": services.notification_mark_all_read(actor=request.user)}

"""Account endpoints under /api/v1/account/: the signed-in person's own notifications."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Router, Schema
from pydantic import AfterValidator

from agencies import selectors, services
from agencies.http import AuthenticatedHttpRequest

router = Router(tags=["account"])


def _plain_text(value: str) -> str:
    """Text a database can store: JSON can carry NUL (\\u0000) and unpaired surrogates
    (\\ud800), which PostgreSQL and SQLite refuse with an error; refuse them as invalid input."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no unpaired surrogates)") from None
    return value


# Every free-text field of every JSON API input uses this type (not a bare `str`).
PlainText = Annotated[str, AfterValidator(_plain_text)]
# A database id: positive and within a 64-bit column, so it never overflows a query.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class PageQuery(Schema):
    """How every JSON list pages (first used by GET /dropins/sessions): `offset` rows skipped and
    at most `limit` returned; the answer carries `count`, every row the caller may list (never
    rows hidden from them), and `items`, that slice."""

    offset: int = Field(0, ge=0, le=100_000, description="Rows to skip (0 to 100,000)")
    limit: int = Field(25, ge=1, le=100, description="Rows to return (1 to 100, 25 unless given)")


class ErrorOut(Schema):
    """Every JSON 4xx a service refusal gives (agencies.errors.error_body, mapped once in config.api);
    endpoints answer their own 403 and 404 in the same shape."""

    detail: str
    errors: dict[str, list[str]] = {}
    field: str | None = None
    code: str = "invalid"


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
def list_notifications(request: AuthenticatedHttpRequest) -> dict:
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
def mark_notifications_read(request: AuthenticatedHttpRequest) -> dict:
    return {"marked_read": services.notification_mark_all_read(actor=request.user)}

"""The ISVA's private calendar feed."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from agencies.dropins import permissions
from agencies.dropins.models import (
    CalendarFeed,
)
from agencies.models import User


@transaction.atomic
def calendar_feed_ensure(*, actor: User) -> CalendarFeed:
    if not permissions.can_book_any(actor):
        raise PermissionDenied
    feed, _ = CalendarFeed.objects.get_or_create(user=actor, defaults={"secret": secrets.token_urlsafe(32)})
    return feed


@transaction.atomic
def calendar_feed_reset(*, actor: User) -> CalendarFeed:
    """Replace the secret: the old feed URL stops working at once."""
    if not permissions.can_book_any(actor):
        raise PermissionDenied
    feed, created = CalendarFeed.objects.get_or_create(
        user=actor, defaults={"secret": secrets.token_urlsafe(32)}
    )
    if not created:
        feed.secret = secrets.token_urlsafe(32)
        feed.created_at = timezone.now()
        feed.save(update_fields=["secret", "created_at"])
    return feed

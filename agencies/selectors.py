"""Every read of agencies data. Each selector takes the viewer, so scoping can't be forgotten."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet

from agencies import cache_tokens, permissions
from agencies.models import Agency, Invitation, Notification, User


def notification_list(*, viewer: User, limit: int = 50) -> QuerySet[Notification]:
    return notifications_of(viewer=viewer)[:limit]


def notifications_of(*, viewer: User) -> QuerySet[Notification]:
    """All of the viewer's own notifications, newest first (a total order, for pages)."""
    return Notification.objects.filter(recipient=viewer).order_by("-created_at", "-pk")


# The unread count is on every signed-in page (the navigation badge), the live badge
# (agencies.realtime.consumers) and the API: one cache entry per person, stored with that person's
# notifications generation token (agencies.cache_tokens) and used only while the token is current.
# The key holds the recipient's id and the entry only their own count, so nobody is ever shown
# another person's count. The token is renewed whenever one of their notifications is created,
# changed or deleted (post_save/post_delete below, which also cover cascades from a deleted
# account) and by the bulk write that marks all read (services.notification_mark_all_read, an
# UPDATE that sends no signals); any new bulk write must call notification_unread_forget too.
UNREAD_GENERATION_KEY = "agencies:notifications:{user_id}:generation"
UNREAD_ENTRY_KEY = "agencies:notifications:{user_id}:unread"
UNREAD_TTL = 300


def notification_unread_count(*, viewer: User) -> int:
    if not viewer.is_authenticated:
        return 0
    token_key = UNREAD_GENERATION_KEY.format(user_id=viewer.pk)
    entry_key = UNREAD_ENTRY_KEY.format(user_id=viewer.pk)
    found = cache.get_many([token_key, entry_key])
    token = cache_tokens.token_from(found, token_key)
    entry = found.get(entry_key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == token:
        return int(entry[1])
    count = Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()
    if not cache_tokens.in_application_transaction():
        cache.set(entry_key, (token, count), UNREAD_TTL)
    return count


def notification_unread_forget(user_ids: Iterable[int]) -> None:
    """Retire the cached unread counts of these people (now and when the transaction commits)."""
    cache_tokens.new_generation(UNREAD_GENERATION_KEY.format(user_id=pk) for pk in set(user_ids))


def _notification_row_changed(sender: Any, instance: Notification, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    notification_unread_forget([instance.recipient_id])


def connect_notification_signals() -> None:
    """Called from AgenciesConfig.ready."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_notification_row_changed, sender=Notification, dispatch_uid="agencies.unread.saved")
    post_delete.connect(
        _notification_row_changed, sender=Notification, dispatch_uid="agencies.unread.deleted"
    )


def notification_get(*, viewer: User, notification_id: int) -> Notification | None:
    return Notification.objects.filter(recipient=viewer, pk=notification_id).first()


# --- Account management (platform admins: every agency; agency admins: their own) ---------------


def managed_agency_list(*, viewer: User) -> QuerySet[Agency]:
    """The agencies whose accounts `viewer` manages, with member counts (one query)."""
    if permissions.can_manage_accounts(viewer):
        agencies = Agency.objects.all()
    elif permissions.can_manage_own_agency(viewer):
        agencies = Agency.objects.filter(pk=viewer.agency_id)
    else:
        return Agency.objects.none()
    return (
        agencies.select_related("area")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )


def managed_agency_get(*, viewer: User, agency_id: int) -> Agency | None:
    if not permissions.can_manage_agency(viewer, agency_id):
        return None
    return Agency.objects.select_related("area").filter(pk=agency_id).first()


def agency_people(*, viewer: User, agency: Agency) -> QuerySet[User]:
    if not permissions.can_manage_agency(viewer, agency.pk):
        return User.objects.none()
    from django.contrib.auth.models import Group

    return (
        User.objects.filter(agency=agency)
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .order_by("last_name", "first_name", "email")
    )


def agency_invitations(*, viewer: User, agency: Agency, limit: int = 100) -> QuerySet[Invitation]:
    if not permissions.can_manage_agency(viewer, agency.pk):
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(agency=agency).select_related("invited_by").order_by("-created_at")[:limit]
    )


def managed_invitation_get(*, viewer: User, invitation_id: int) -> Invitation | None:
    invitation = Invitation.objects.select_related("agency").filter(pk=invitation_id).first()
    if invitation is None or not permissions.can_manage_agency(viewer, invitation.agency_id):
        return None
    return invitation


def managed_person_get(*, viewer: User, person_id: int) -> User | None:
    """A person whose account `viewer` may change (never their own)."""
    person = User.objects.select_related("agency").filter(pk=person_id).first()
    if person is None or not permissions.can_manage_person(viewer, person):
        return None
    return person

"""Every read of agencies data. Each selector takes the viewer, so scoping can't be forgotten."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from agencies import permissions
from agencies.models import Agency, Invitation, Notification, User


def notification_list(*, viewer: User, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=viewer).order_by("-created_at", "-pk")[:limit]


def notification_unread_count(*, viewer: User) -> int:
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()


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

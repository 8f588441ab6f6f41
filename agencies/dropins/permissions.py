"""The only door to drop-in permission checks (object-level: this schedule, this booking)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agencies.permissions import Perm, has

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.dropins.models import Booking, DropInSchedule, DropInSession
    from agencies.models import User


def can_book_any(user: User | AnonymousUser) -> bool:
    return has(user, Perm.BOOK_DROPINS) and getattr(user.agency, "area_id", None) is not None


def can_host_any(user: User | AnonymousUser) -> bool:
    return has(user, Perm.HOST_DROPINS)


def can_view_dropins(user: User | AnonymousUser) -> bool:
    return can_book_any(user) or can_host_any(user)


def can_book_schedule(
    user: User | AnonymousUser, schedule: DropInSchedule, *, area_ids: set[int] | None = None
) -> bool:
    """An ISVA may book a schedule open to their agency's area. `area_ids` (the schedule's allowed
    areas) may be passed in when already loaded, to save a query."""
    if not can_book_any(user):
        return False
    if area_ids is None:
        area_ids = {a.pk for a in schedule.allowed_areas.all()}
    return user.agency.area_id in area_ids


def can_host_schedule(user: User | AnonymousUser, schedule: DropInSchedule) -> bool:
    return can_host_any(user) and user.agency_id == schedule.host_agency_id


def can_view_session(user: User | AnonymousUser, session: DropInSession) -> bool:
    return can_host_schedule(user, session.schedule) or can_book_schedule(user, session.schedule)


def can_manage_booking(user: User | AnonymousUser, booking: Booking) -> bool:
    """Cancel or rebook: only the ISVA who made it, while they still hold the capability."""
    return has(user, Perm.BOOK_DROPINS) and booking.isva_id == user.pk


def can_record_attendance(user: User | AnonymousUser, booking: Booking) -> bool:
    return can_host_schedule(user, booking.session.schedule)


def can_view_stats(user: User | AnonymousUser) -> bool:
    return has(user, Perm.VIEW_GOVERNANCE)

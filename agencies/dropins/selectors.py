"""Every read of drop-in data, scoped by the viewer. ISVAs see sessions open to their agency's area
and only their own bookings; hosts see their agency's schedules and their attendees."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from agencies.dropins import permissions
from agencies.dropins.models import (
    ACTIVE_STATUSES,
    HELD_SEAT_STATUSES,
    Booking,
    BookingStatus,
    CalendarFeed,
    DropInSchedule,
    DropInSession,
    SessionStatus,
    Topic,
)
from agencies.models import Area, User


@dataclass(frozen=True)
class SessionFilters:
    area_id: int | None = None
    mode: str | None = None
    on_or_after: date | None = None
    on_or_before: date | None = None


def _visible_sessions(viewer: User) -> QuerySet[DropInSession]:
    visible = Q(pk__in=[])
    if permissions.can_book_any(viewer):
        visible |= Q(schedule__allowed_areas=viewer.agency.area_id)
    if permissions.can_host_any(viewer):
        visible |= Q(schedule__host_agency_id=viewer.agency_id)
    # Filtering through the m2m join could repeat a row; resolve to ids first.
    return DropInSession.objects.filter(pk__in=DropInSession.objects.filter(visible).values("pk"))


def _with_my_booking(queryset: QuerySet[DropInSession], viewer: User) -> QuerySet[DropInSession]:
    mine = Booking.objects.filter(session=OuterRef("pk"), isva=viewer, status__in=ACTIVE_STATUSES)
    return queryset.annotate(
        my_booking_id=Subquery(mine.values("pk")[:1]), my_booking_status=Subquery(mine.values("status")[:1])
    )


def session_list(
    *, viewer: User, filters: SessionFilters | None = None, now: datetime | None = None
) -> QuerySet[DropInSession]:
    """Upcoming sessions the viewer may see, soonest first, with the viewer's own booking status."""
    now = now or timezone.now()
    filters = filters or SessionFilters()
    sessions = _visible_sessions(viewer).filter(status=SessionStatus.SCHEDULED, starts_at__gt=now)
    if filters.area_id is not None:
        sessions = sessions.filter(schedule__host_agency__area_id=filters.area_id)
    if filters.mode:
        sessions = sessions.filter(schedule__mode=filters.mode)
    if filters.on_or_after:
        sessions = sessions.filter(starts_at__date__gte=filters.on_or_after)
    if filters.on_or_before:
        sessions = sessions.filter(starts_at__date__lte=filters.on_or_before)
    return _with_my_booking(
        sessions.select_related("schedule__host_agency__area").order_by("starts_at", "pk"), viewer
    )


def session_get(*, viewer: User, session_id: int) -> DropInSession | None:
    return (
        _with_my_booking(_visible_sessions(viewer), viewer)
        .select_related("schedule__host_agency__area")
        .filter(pk=session_id)
        .first()
    )


def session_counts(*, viewer: User, session_id: int) -> dict[str, int] | None:
    """Counts only, for the live seat display (re-read by each consumer as its own user)."""
    row = (
        _visible_sessions(viewer)
        .filter(pk=session_id)
        .values("pk", "capacity", "confirmed_count", "waitlist_count", "status")
        .first()
    )
    if row is None:
        return None
    return {
        "session_id": row["pk"],
        "capacity": row["capacity"],
        "confirmed": row["confirmed_count"],
        "remaining": 0
        if row["status"] != SessionStatus.SCHEDULED
        else max(0, row["capacity"] - row["confirmed_count"]),
        "waitlisted": row["waitlist_count"],
    }


def session_for_host(*, viewer: User, session_id: int) -> DropInSession | None:
    if not permissions.can_host_any(viewer):
        return None
    attendees = (
        Booking.objects.exclude(status=BookingStatus.CANCELLED).select_related("isva__agency").order_by("pk")
    )
    return (
        DropInSession.objects.filter(pk=session_id, schedule__host_agency_id=viewer.agency_id)
        .select_related("schedule__host_agency")
        .prefetch_related(Prefetch("bookings", queryset=attendees, to_attr="attendees"))
        .first()
    )


def schedules_for_host(*, viewer: User) -> QuerySet[DropInSchedule]:
    if not permissions.can_host_any(viewer):
        return DropInSchedule.objects.none()
    now = timezone.now()
    return (
        DropInSchedule.objects.filter(host_agency_id=viewer.agency_id)
        .annotate(
            upcoming=Count(
                "sessions",
                filter=Q(sessions__starts_at__gt=now, sessions__status=SessionStatus.SCHEDULED),
            )
        )
        .order_by("title", "pk")
    )


def schedule_for_host(*, viewer: User, schedule_id: int) -> DropInSchedule | None:
    if not permissions.can_host_any(viewer):
        return None
    return (
        DropInSchedule.objects.filter(pk=schedule_id, host_agency_id=viewer.agency_id)
        .prefetch_related("allowed_areas")
        .first()
    )


def schedule_sessions(*, viewer: User, schedule: DropInSchedule) -> QuerySet[DropInSession]:
    if not permissions.can_host_schedule(viewer, schedule):
        return DropInSession.objects.none()
    return DropInSession.objects.filter(schedule=schedule).order_by("starts_at", "pk")


def my_bookings(*, viewer: User, now: datetime | None = None) -> QuerySet[Booking]:
    """The viewer's own bookings: upcoming first, then the last 90 days."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(isva=viewer, session__ends_at__gt=now - timedelta(days=90))
        .select_related("session__schedule__host_agency")
        .order_by("session__starts_at", "pk")
    )


def my_upcoming_bookings(*, viewer: User, now: datetime | None = None) -> QuerySet[Booking]:
    """The viewer's own bookings of sessions not yet over, soonest first (my bookings' first list)."""
    return my_bookings(viewer=viewer, now=now).filter(session__ends_at__gt=now or timezone.now())


def my_recent_bookings(*, viewer: User, now: datetime | None = None) -> QuerySet[Booking]:
    """The viewer's own bookings of sessions over in the last 90 days, latest first."""
    return (
        my_bookings(viewer=viewer, now=now)
        .filter(session__ends_at__lte=now or timezone.now())
        .order_by("-session__starts_at", "-pk")
    )


def booking_get(*, viewer: User, booking_id: int) -> Booking | None:
    booking = (
        Booking.objects.filter(pk=booking_id, isva=viewer)
        .select_related("session__schedule__host_agency")
        .first()
    )
    if booking is None or not permissions.can_manage_booking(viewer, booking):
        return None
    return booking


def rebook_options(*, viewer: User, booking: Booking, now: datetime | None = None) -> QuerySet[DropInSession]:
    """Other upcoming sessions of the same schedule with a free seat and no queue."""
    return (
        session_list(viewer=viewer, now=now)
        .filter(schedule_id=booking.session.schedule_id, waitlist_count=0)
        .exclude(pk=booking.session_id)
        .exclude(confirmed_count__gte=F("capacity"))
    )[:50]


def area_choices() -> QuerySet[Area]:
    return Area.objects.order_by("name")


def calendar_feed_for(*, viewer: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=viewer).first()


def feed_owner(*, token: str) -> User | None:
    """The person a feed token belongs to, or None. The secret is compared in constant time."""
    user_part, _, secret = token.partition(".")
    if not user_part.isdigit() or not secret or len(secret) > 64:
        return None
    feed = CalendarFeed.objects.select_related("user__agency").filter(user_id=int(user_part)).first()
    if feed is None or not hmac.compare_digest(feed.secret.encode(), secret.encode()):
        return None
    if not permissions.can_book_any(feed.user):
        return None
    return feed.user


def feed_bookings(*, viewer: User, now: datetime | None = None) -> QuerySet[Booking]:
    """Seats the viewer holds (and ones cancelled lately, so calendars drop them)."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(
            isva=viewer,
            status__in=[*HELD_SEAT_STATUSES, BookingStatus.CANCELLED],
            session__ends_at__gt=now - timedelta(days=30),
        )
        .select_related("session__schedule__host_agency")
        .order_by("session__starts_at", "pk")
    )


def dropin_stats(*, viewer: User, area: Area | None = None) -> dict:
    """Aggregate drop-in figures for governance dashboards (no names, no questions).

    sessions_offered, seats: scheduled sessions (past and future); confirmed: seats held
    (confirmed, attended or no-show); attended / no_shows: recorded attendance; utilisation:
    held seats / seats offered (0.0-1.0); topics: bookings holding a seat per topic."""
    if not permissions.can_view_stats(viewer):
        raise PermissionDenied
    sessions = DropInSession.objects.filter(status=SessionStatus.SCHEDULED)
    bookings = Booking.objects.filter(session__status=SessionStatus.SCHEDULED, status__in=HELD_SEAT_STATUSES)
    if area is not None:
        sessions = sessions.filter(schedule__host_agency__area=area)
        bookings = bookings.filter(session__schedule__host_agency__area=area)
    totals = sessions.aggregate(offered=Count("pk"), seats=Sum("capacity"))
    by_status = dict(bookings.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_topic = dict(bookings.values_list("topic").annotate(n=Count("pk")).values_list("topic", "n"))
    seats = totals["seats"] or 0
    held = sum(by_status.values())
    return {
        "area_id": area.pk if area is not None else None,
        "sessions_offered": totals["offered"] or 0,
        "seats": seats,
        "confirmed": held,
        "attended": by_status.get(BookingStatus.ATTENDED, 0),
        "no_shows": by_status.get(BookingStatus.NO_SHOW, 0),
        "utilisation": round(held / seats, 4) if seats else 0.0,
        "topics": {topic.value: by_topic.get(topic.value, 0) for topic in Topic},
    }


def dropin_stats_by_scope(*, viewer: User, areas: Sequence[Area]) -> dict[int | None, dict]:
    """`dropin_stats` for the whole country (key None) and for each of `areas` (key: the area's
    id) in two queries whatever the number of areas: sessions, then held seats, each grouped by
    the host agency's area (by status and topic too for the seats).

    Each national figure is the sum of the per-area groups (every group, including host agencies
    with no area), which is exact: every count and sum here is over rows that belong to exactly
    one host agency, hence one group; utilisation is worked out from the summed counts, never
    averaged. The values equal `dropin_stats(viewer=viewer, area=...)` scope by scope
    (tests/governance/test_grouped_figures.py checks it on varied data)."""
    if not permissions.can_view_stats(viewer):
        raise PermissionDenied
    keys: list[int | None] = [None, *(area.pk for area in areas)]
    offered: dict[int | None, int] = dict.fromkeys(keys, 0)
    seats: dict[int | None, int] = dict.fromkeys(keys, 0)
    by_status: dict[int | None, dict[str, int]] = {key: {} for key in keys}
    by_topic: dict[int | None, dict[str, int]] = {key: {} for key in keys}

    def targets(area_id: int | None) -> list[int | None]:
        return [None, area_id] if area_id is not None and area_id in offered else [None]

    sessions = (
        DropInSession.objects.filter(status=SessionStatus.SCHEDULED)
        .values("schedule__host_agency__area_id")
        .annotate(offered=Count("pk"), seats=Sum("capacity"))
        .order_by()
    )
    for row in sessions:
        for key in targets(row["schedule__host_agency__area_id"]):
            offered[key] += row["offered"]
            seats[key] += row["seats"] or 0
    held = (
        Booking.objects.filter(session__status=SessionStatus.SCHEDULED, status__in=HELD_SEAT_STATUSES)
        .values("session__schedule__host_agency__area_id", "status", "topic")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in held:
        for key in targets(row["session__schedule__host_agency__area_id"]):
            by_status[key][row["status"]] = by_status[key].get(row["status"], 0) + row["n"]
            by_topic[key][row["topic"]] = by_topic[key].get(row["topic"], 0) + row["n"]
    result: dict[int | None, dict] = {}
    for key in keys:
        taken = sum(by_status[key].values())
        result[key] = {
            "area_id": key,
            "sessions_offered": offered[key],
            "seats": seats[key],
            "confirmed": taken,
            "attended": by_status[key].get(BookingStatus.ATTENDED, 0),
            "no_shows": by_status[key].get(BookingStatus.NO_SHOW, 0),
            "utilisation": round(taken / seats[key], 4) if seats[key] else 0.0,
            "topics": {topic.value: by_topic[key].get(topic.value, 0) for topic in Topic},
        }
    return result

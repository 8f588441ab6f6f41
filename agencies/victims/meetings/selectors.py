"""Every read of pre-trial meeting requests, taking the viewer: a viewer reads only the requests
they are an audience for (agencies/victims/meetings/permissions.py)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from agencies.models import Area, User
from agencies.victims.meetings import permissions
from agencies.victims.meetings.models import MeetingRequest, MeetingSlot


def visible_filter(viewer: User | AnonymousUser) -> Q | None:
    """The requests `viewer` may see, as one filter (None: none at all)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return None
    parts: list[Q] = [Q(requester_id=viewer.pk)]  # their own, whatever their role now
    area_id = permissions.handled_area_id(viewer)
    if area_id is not None:
        parts.append(Q(area_id=area_id))
    agency_id = permissions.administered_agency_id(viewer)
    if agency_id is not None:
        parts.append(Q(agency_id=agency_id))
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def requests_for(*, viewer: User | AnonymousUser) -> QuerySet[MeetingRequest]:
    """The viewer's requests, newest first, with area, requester and confirmed slot joined (one query)."""
    condition = visible_filter(viewer)
    if condition is None:
        return MeetingRequest.objects.none()
    return (
        MeetingRequest.objects.filter(condition)
        .select_related("area", "requester", "agency", "confirmed_slot")
        .order_by("-created_at", "-pk")
    )


def request_get(
    *, viewer: User | AnonymousUser, request_id: int
) -> tuple[MeetingRequest, permissions.Audience] | None:
    """One request and the viewer's audience for it, or None (absent, or not theirs to know of)."""
    request = (
        MeetingRequest.objects.select_related("area", "requester", "agency", "confirmed_slot")
        .prefetch_related(Prefetch("slots", queryset=MeetingSlot.objects.order_by("starts_at", "pk")))
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return None
    audience = permissions.audience_for(viewer, request)
    if audience is None:
        return None
    return request, audience


def area_choices() -> list[tuple[int, str]]:
    return list(Area.objects.order_by("name").values_list("pk", "name"))

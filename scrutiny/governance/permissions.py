"""Who may see which governance dashboard. Area dashboards: governance members whose agency is in
that area, or who belong to a national body. National dashboard: governance members of a national
body."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from agencies.models import AgencyKind, Area
from agencies.permissions import Perm, has

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.models import User
    from scrutiny.governance.models import ExportJob


def _is_national(user: User) -> bool:
    return user.agency.kind == AgencyKind.NATIONAL


def can_view_any(user: User | AnonymousUser) -> bool:
    return has(user, Perm.VIEW_GOVERNANCE) and (_is_national(user) or user.agency.area_id is not None)


def can_view_national(user: User | AnonymousUser) -> bool:
    return has(user, Perm.VIEW_GOVERNANCE) and _is_national(user)


def can_view_area(user: User | AnonymousUser, area_id: int) -> bool:
    if not has(user, Perm.VIEW_GOVERNANCE):
        return False
    return _is_national(user) or user.agency.area_id == int(area_id)


def viewable_areas(user: User | AnonymousUser) -> QuerySet[Area]:
    if not has(user, Perm.VIEW_GOVERNANCE):
        return Area.objects.none()
    if _is_national(user):
        return Area.objects.order_by("name")
    return Area.objects.filter(pk=user.agency.area_id).order_by("name")


def can_view_export(user: User | AnonymousUser, job: ExportJob) -> bool:
    """Export jobs are private to whoever asked for them, and only while they may still see the
    dashboard the export was taken from."""
    if not getattr(user, "is_authenticated", False) or job.requested_by_id != user.pk:
        return False
    return can_view_national(user) if job.area_id is None else can_view_area(user, job.area_id)

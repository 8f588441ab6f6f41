"""Who may see which governance dashboard, and which scopes of aggregate figures anyone may fetch on
any route. Area dashboards: governance members whose agency is in that area, or who belong to a
national body. National dashboard: governance members of a national body.

Aggregate figures (the JSON API, /scrutiny/figures.csv|xlsx, and the dashboards' own routes) follow
the same reach for everyone with aggregate access: a national body reaches the nation and every
area, an agency in an area reaches that area only. Evaluators (the programme's independent
evaluation) reach the nation and every area. So an area governance member or a coordinator gets,
on the API and the CSV, exactly the scopes a dashboard would show them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from agencies.models import AgencyKind, Area
from agencies.permissions import Perm, has
from scrutiny.permissions import EVALUATE, can_export_aggregate

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.models import User
    from scrutiny.governance.models import ExportJob


def _is_national(user: User) -> bool:
    return user.agency.kind == AgencyKind.NATIONAL


def _reaches_nation(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and _is_national(user)


def _reaches_area(user: User | AnonymousUser, area_id: int) -> bool:
    return _reaches_nation(user) or (user.is_authenticated and user.agency.area_id == int(area_id))


def _evaluates(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(EVALUATE))


def can_view_national_figures(user: User | AnonymousUser) -> bool:
    """The national aggregate figures, on any route."""
    return can_export_aggregate(user) and (_evaluates(user) or _reaches_nation(user))


def can_view_area_figures(user: User | AnonymousUser, area_id: int) -> bool:
    """An area's aggregate figures, on any route."""
    return can_export_aggregate(user) and (_evaluates(user) or _reaches_area(user, area_id))


def can_view_any(user: User | AnonymousUser) -> bool:
    return has(user, Perm.VIEW_GOVERNANCE) and (_is_national(user) or user.agency.area_id is not None)


def can_view_national(user: User | AnonymousUser) -> bool:
    return has(user, Perm.VIEW_GOVERNANCE) and _reaches_nation(user)


def can_view_area(user: User | AnonymousUser, area_id: int) -> bool:
    return has(user, Perm.VIEW_GOVERNANCE) and _reaches_area(user, area_id)


def viewable_areas(user: User | AnonymousUser) -> QuerySet[Area]:
    if has(user, Perm.VIEW_GOVERNANCE):
        if _is_national(user):
            return Area.objects.order_by("name")
        if user.agency.area_id is not None:
            return Area.objects.filter(pk=user.agency.area_id).order_by("name")
    return Area.objects.none()


def can_view_export(user: User | AnonymousUser, job: ExportJob) -> bool:
    """Export jobs are private to whoever asked for them, and only while they may still see the
    dashboard the export was taken from."""
    if not getattr(user, "is_authenticated", False) or job.requested_by_id != user.pk:
        return False
    return can_view_national(user) if job.area_id is None else can_view_area(user, job.area_id)

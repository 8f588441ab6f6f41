"""Every read of the VLO directory, taking the viewer."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from agencies.models import Area, User
from agencies.victims import permissions
from agencies.victims.models import Court, VloTeam


@dataclass(frozen=True)
class DirectoryFilters:
    court: str = ""
    area_id: int | None = None


def directory(
    *, viewer: User | AnonymousUser, filters: DirectoryFilters = DirectoryFilters()
) -> QuerySet[VloTeam]:
    """Published teams, with their area and courts in two further queries whatever the count."""
    if not permissions.can_view_directory(viewer):
        return VloTeam.objects.none()
    teams = VloTeam.objects.select_related("area").prefetch_related(
        Prefetch("courts", queryset=Court.objects.order_by("name"))
    )
    if filters.area_id is not None:
        teams = teams.filter(area_id=filters.area_id)
    if filters.court:
        teams = teams.filter(
            pk__in=VloTeam.courts.through.objects.filter(court__name__icontains=filters.court).values(
                "vloteam_id"
            )
        )
    return teams.order_by("area__name", "pk")


def area_choices() -> list[tuple[int, str]]:
    return list(Area.objects.order_by("name").values_list("pk", "name"))


def area_get(*, viewer: User | AnonymousUser, area_id: int) -> Area | None:
    if not permissions.can_view_directory(viewer):
        return None
    return Area.objects.filter(pk=area_id).first()


def team_for_area(*, viewer: User | AnonymousUser, area_id: int) -> VloTeam | None:
    if not permissions.can_view_directory(viewer):
        return None
    return (
        VloTeam.objects.select_related("area")
        .prefetch_related(Prefetch("courts", queryset=Court.objects.order_by("name")))
        .filter(area_id=area_id)
        .first()
    )


def court_choices(*, area_id: int) -> list[tuple[int, str]]:
    return list(Court.objects.filter(area_id=area_id).order_by("name").values_list("pk", "name"))

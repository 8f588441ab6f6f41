"""Display-ready values for content templates."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse

from agencies.models import User
from agencies.permissions import Perm, has


@dataclass(frozen=True)
class EntryPoint:
    title: str
    description: str
    url: str


_ENTRY_POINTS: tuple[tuple[str, str, str, Perm | None], ...] = (
    ("Notifications", "Updates about your bookings, panels and approvals.", "agencies:notifications", None),
    ("Content admin", "Draft and approve good-practice guidance.", "wagtailadmin_home", Perm.ACCESS_CMS),
)


def home_entry_points(*, viewer: User | AnonymousUser) -> list[EntryPoint]:
    if not viewer.is_authenticated:
        return []
    points = []
    for title, description, url_name, perm in _ENTRY_POINTS:
        if perm is not None and not has(viewer, perm):
            continue
        try:
            points.append(EntryPoint(title, description, reverse(url_name)))
        except NoReverseMatch:
            continue
    return points

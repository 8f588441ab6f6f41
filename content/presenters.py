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


ENTRY_POINTS: tuple[tuple[str, str, str, Perm | None], ...] = (
    (
        "My bookings",
        "Your ISVA drop-in bookings, and sessions to book.",
        "dropins:my-bookings",
        Perm.BOOK_DROPINS,
    ),
    (
        "Drop-in schedules",
        "Run your drop-in sessions and record attendance.",
        "dropins:schedule-list",
        Perm.HOST_DROPINS,
    ),
    (
        "My panels",
        "Scrutiny panels you sit on, their meetings and cases.",
        "scrutiny:panel-list",
        Perm.SIT_ON_PANELS,
    ),
    (
        "Dashboards",
        "Live governance figures for your area and nationally.",
        "governance:index",
        Perm.VIEW_GOVERNANCE,
    ),
    ("Notifications", "Updates about your bookings, panels and approvals.", "agencies:notifications", None),
    ("Search guidance", "Find good-practice guidance, boards and publications.", "content:search", None),
    ("Content admin", "Draft and approve good-practice guidance.", "wagtailadmin_home", Perm.ACCESS_CMS),
)


def home_entry_points(*, viewer: User | AnonymousUser) -> list[EntryPoint]:
    if not viewer.is_authenticated:
        return []
    points = []
    for title, description, url_name, perm in ENTRY_POINTS:
        if perm is not None and not has(viewer, perm):
            continue
        try:
            points.append(EntryPoint(title, description, reverse(url_name)))
        except NoReverseMatch:
            continue
    return points

"""Role-aware service navigation: one declarative list, filtered by what the viewer may do."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from agencies.permissions import Perm, has
from agencies.victims.permissions import DIRECTORY_READER_PERMS, PRETRIAL_NAV_PERMS


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: Perm | tuple[Perm, ...] | None = None  # None: every signed-in person; a tuple: any of
    public: bool = False  # shown to signed-out visitors too


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "wagtail_serve", public=True),
    NavItem("Notifications", "agencies:notifications"),
    NavItem("Drop-ins", "dropins:session-list", permission=Perm.BOOK_DROPINS),
    NavItem("Drop-in hosting", "dropins:schedule-list", permission=Perm.HOST_DROPINS),
    # Readers hold one of the partner capabilities or the VLO directory's own (not a Perm member:
    # has() only reads its value).
    NavItem("VLO directory", "victims:directory", permission=DIRECTORY_READER_PERMS),  # type: ignore[arg-type]
    NavItem("Pre-trial meetings", "pretrial:list", permission=PRETRIAL_NAV_PERMS),  # type: ignore[arg-type]
    NavItem("Scrutiny panels", "scrutiny:panel-list", permission=Perm.SIT_ON_PANELS),
    NavItem("Governance", "governance:index", permission=Perm.VIEW_GOVERNANCE),
    NavItem("Search", "content:search", public=True),
    NavItem("Content admin", "wagtailadmin_home", permission=Perm.ACCESS_CMS),
    NavItem(
        "Manage accounts",
        "agencies:manage-agencies",
        permission=(Perm.MANAGE_ACCOUNTS, Perm.MANAGE_OWN_AGENCY),
    ),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    items = []
    for item in NAV_ITEMS:
        if not item.public and not signed_in:
            continue
        if item.permission is not None:
            needed = item.permission if isinstance(item.permission, tuple) else (item.permission,)
            if not any(has(user, perm) for perm in needed):
                continue
        try:
            url = (
                reverse(item.url_name, args=[""])
                if item.url_name == "wagtail_serve"
                else reverse(item.url_name)
            )
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        entry = {"label": item.label, "url": url, "current": current}
        if item.url_name == "agencies:notifications":
            # The live unread badge (frontend/js/notification-badge.js keeps it current).
            from agencies.selectors import notification_unread_count

            entry["unread"] = notification_unread_count(viewer=user)
        items.append(entry)
    return {"service_navigation": items}

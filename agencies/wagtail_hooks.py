"""Wagtail admin for agencies: the Agency viewset (with a permission policy that asks
agencies/permissions.py), the security actions of the audit log, and the site history report's
agency filter."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import ModelLogEntry
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from agencies import permissions
from agencies.audit import ACTIONS
from agencies.models import Agency, Area, User


class AgencyPermissionPolicy(ModelPermissionPolicy):
    """Platform administrators add, view and change agencies; nobody deletes one (accounts and
    history hang off it: switch it off with the active flag instead)."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action == "delete":
            return False
        if action in {"add", "change", "view"}:
            return permissions.can_manage_accounts(user)
        return False

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


class AgencyViewSet(ModelViewSet):
    model = Agency
    icon = "group"
    menu_label = "Agencies"
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "kind", "area", "is_active"]
    list_filter = ["kind", "area", "is_active"]
    search_fields = ["name"]
    form_fields = ["name", "kind", "area", "allowed_email_domains", "is_active"]


register_permission_policy(Agency, AgencyPermissionPolicy(Agency))
# Its own URL namespace: "agencies" is the app's front-end namespace.
agency_viewset = AgencyViewSet("agency_admin", url_prefix="agencies")


@hooks.register("register_admin_viewset")
def register_agency_viewset() -> AgencyViewSet:
    return agency_viewset


@hooks.register("register_log_actions")
def register_security_actions(actions: Any) -> None:
    for model in (User, Agency, Area):
        actions.register_model(model, ModelLogEntry)
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action.value, label, message)


# --- Site history: filter by agency ---------------------------------------------------------------


class AgencySiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """Wagtail's site history filters plus the agency: entries about that agency's accounts (the
    agency recorded in the entry) or made by its members."""

    agency = django_filters.ModelChoiceFilter(
        label="Agency", queryset=Agency.objects.order_by("name"), method="filter_agency"
    )

    def filter_agency(self, queryset: Any, name: str, value: Agency | None) -> Any:
        if value is None:
            return queryset
        return queryset.filter(Q(data__agency_id=value.pk) | Q(user__agency_id=value.pk))


class AgencySiteHistoryView(LogEntriesView):
    filterset_class = AgencySiteHistoryFilterSet


def site_history_urlpatterns() -> list[Any]:
    """Mounted by config/urls.py ahead of Wagtail's admin URLs, at the same paths, so the admin's
    own site history menu item and links open the agency-filterable report."""
    from django.urls import path

    return [
        path("cms/reports/site-history/", require_admin_access(AgencySiteHistoryView.as_view())),
        path(
            "cms/reports/site-history/results/",
            require_admin_access(AgencySiteHistoryView.as_view(results_only=True)),
        ),
    ]


@hooks.register("insert_global_admin_js")
def admin_csp_js() -> str:
    """Initialises Wagtail's widgets and panels from data attributes (see frontend/js/admin-csp.js),
    so the admin works under the same strict CSP as the rest of the site."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<script src="{}"></script>', static("js/admin-csp.js"))

"""CMS wiring: the document privacy check, the admin API's file endpoints (content.admin_api), and
the admin dashboard panel of guidance past review."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from wagtail import hooks
from wagtail.admin.ui.components import Component

from content import publication_admin  # noqa: F401  (the publication check's views and hooks)
from content.selectors import can_view_file, guidance_past_review


@hooks.register("construct_admin_api", order=100)  # after Wagtail's own (order 0), to replace them
def admin_api_lists_only_openable_files(router: Any) -> None:
    from content import admin_api

    admin_api.register(router)


@hooks.register("before_serve_document")
def documents_only_for_visible_pages(document: Any, request: HttpRequest) -> HttpResponse | None:
    """Wagtail's own hook checks collection privacy; this one also hides a document unless a live
    page the viewer may see uses it (a document on a partner-only page is partner-only)."""
    if can_view_file(viewer=request.user, obj=document):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


class GuidancePastReviewPanel(Component):
    name = "guidance_past_review"
    template_name = "content/admin/guidance_past_review_panel.html"
    order = 90

    def get_context_data(self, parent_context: Any) -> dict[str, Any]:
        context = super().get_context_data(parent_context)
        context["pages"] = list(guidance_past_review(viewer=parent_context["request"].user)[:50])
        return context


@hooks.register("construct_homepage_panels")
def add_guidance_past_review_panel(request: HttpRequest, panels: list[Any]) -> None:
    panels.append(GuidancePastReviewPanel())

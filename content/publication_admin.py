"""The CMS side of the publication check: the "Identifier check" page of each page (what holds
it, the overrides recorded on it, and the form a second person uses to record one), its button in
the page header, a warning on the edit view of a held page, and the page-history entry of an
override. Imported by content.wagtail_hooks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.models import Page

from content.identifier_check import checked_texts, holds_for, holds_message, publication_holds
from content.models import PublicationCheckOverride
from content.services import publication_override_record, publication_override_refusal

URL_NAME = "content_identifier_check"
LOG_ACTION = "content.publication_check_override"


def _page_for(request: HttpRequest, page_id: int) -> Any:
    """The page, if the viewer may open it in the CMS editor (else 404: no IDOR)."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404
    page = page.specific
    if page.permissions_for_user(request.user).can_edit():
        return page
    task = page.current_workflow_task
    if task is not None and task.user_can_access_editor(page, request.user):
        return page
    raise Http404


def identifier_check(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _page_for(request, page_id)
    status = 200
    errors: dict[str, list[str]] = {}
    refusal = publication_override_refusal(actor=request.user, page=page)
    if request.method == "POST":
        fingerprint = str(request.POST.get("fingerprint", ""))[:64]
        try:
            publication_override_record(
                actor=request.user,
                page=page,
                fingerprint=fingerprint,
                reason=str(request.POST.get("reason", "")),
            )
        except PermissionDenied as exc:
            errors = {"general": [str(exc) or "You cannot record an override on this page."]}
            status = 403
        except ValidationError as exc:
            errors = exc.message_dict
            status = 400
        else:
            messages.success(request, "Override recorded. It covers only this exact text.")
            return redirect(reverse(URL_NAME, args=[page.pk]))
    elif request.method != "GET":
        return HttpResponse(status=405)
    current = page.get_latest_revision_as_object() if page.get_latest_revision() else page
    texts, unreadable = checked_texts(current)
    every_hold = holds_for(texts, unreadable)
    overrides = list(PublicationCheckOverride.objects.filter(page=page).select_related("created_by"))
    covered = {override.fingerprint for override in overrides}
    context = {
        "page": page,
        "open_holds": [hold for hold in every_hold if hold.fingerprint not in covered],
        "covered_holds": [hold for hold in every_hold if hold.fingerprint in covered],
        "overrides": overrides,
        "refusal": refusal,
        "errors": errors,
        "posted_fingerprint": str(request.POST.get("fingerprint", ""))[:64] if errors else "",
        "posted_reason": str(request.POST.get("reason", ""))[:2000] if errors else "",
    }
    return TemplateResponse(request, "content/admin/identifier_check.html", context, status=status)


@hooks.register("register_admin_urls")
def identifier_check_urls() -> list[Any]:
    return [path("content/pages/<int:page_id>/identifier-check/", identifier_check, name=URL_NAME)]


@hooks.register("register_page_header_buttons")
def identifier_check_button(page: Any, user: Any, view_name: str, next_url: str | None = None) -> Any:
    if page.is_root():
        return
    yield Button("Identifier check", reverse(URL_NAME, args=[page.pk]), priority=66)


@hooks.register("before_edit_page")
def warn_when_held(request: HttpRequest, page: Any) -> None:
    if request.method != "GET":
        return None
    holds = publication_holds(page.get_latest_revision_as_object(), page_id=page.pk)
    if holds:
        messages.warning(request, holds_message(holds))
    return None


@hooks.register("after_edit_page")
def warn_after_submission(request: HttpRequest, page: Any) -> None:
    if request.POST.get("action-submit") or request.POST.get("action-restart-workflow"):
        holds = publication_holds(page.get_latest_revision_as_object(), page_id=page.pk)
        if holds:
            messages.warning(request, holds_message(holds))
    return None


@hooks.register("register_log_actions")
def register_override_log_action(actions: Any) -> None:
    @actions.register_action(LOG_ACTION)
    class OverrideFormatter(LogFormatter):
        label = "Identifier check: override"

        def format_message(self, log_entry: Any) -> str:
            data = log_entry.data or {}
            return f"Override recorded for {data.get('kind', 'a hit')} in {data.get('field', 'a field')}"

        def format_comment(self, log_entry: Any) -> str:
            return str((log_entry.data or {}).get("reason", ""))

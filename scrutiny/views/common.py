"""Helpers every scrutiny page shares: the bound POST, form errors, audited views and the
object-or-404 lookups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from agencies.errors import attach_to_form
from agencies.http import AuthenticatedHttpRequest
from scrutiny import permissions, selectors, services
from scrutiny.models import (
    AccessChannel,
    AccessVerb,
    Case,
    Meeting,
)
from scrutiny.redaction import Audience

GET_POST = ["GET", "POST"]
# Saved but held back for a second person's check: a warning (shown as "Important", like an error),
# not an error, because the post was accepted; an error message on a redirect means a refusal
# (tests/hostile.py checks that a refusal wrote nothing).
HELD_MESSAGE = (
    "Saved, but it may contain identifiers, so the panel and governance do not see it yet. The "
    "coordinator or the chair (not you) must check it first."
)


def page_number(request: AuthenticatedHttpRequest) -> int:
    """?page=N for Paginator.get_page: anything but a short run of digits is page 1 (0 or a number
    past the end becomes the last page there), so no page value can raise."""
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


def query_without_page(request: AuthenticatedHttpRequest) -> str:
    """The list's query string without "page", for the pagination links to keep its filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def posted(request: AuthenticatedHttpRequest) -> Any:
    """The POST data to bind a form to (an empty POST is still a submission, so it gets errors)."""
    return request.POST if request.method == "POST" else None


def submitted(form: Any, call: Callable[[], Any]) -> tuple[bool, Any]:
    """Run one service write for a valid form: (True, what it returned), or (False, None) when the
    service refused, with its messages put on the form. The view then redirects on success, or
    re-renders the form, which answers 400 because the form now has errors. Nothing was written
    on a refusal: the service is atomic."""
    try:
        return True, call()
    except ValidationError as exc:
        attach_to_form(form, exc)
        return False, None


def log_view(
    request: AuthenticatedHttpRequest, obj: Any, audience: Any, panel_id: int, meeting_id: int | None = None
) -> None:
    services.access_record(
        actor=request.user,
        verb=AccessVerb.VIEW,
        obj=obj,
        audience=audience,
        channel=AccessChannel.PAGE,
        panel_id=panel_id,
        meeting_id=meeting_id,
    )


def panel_or_404(request: AuthenticatedHttpRequest, panel_id: int, *, with_forces: bool = True) -> Any:
    panel = selectors.panel_get(viewer=request.user, panel_id=panel_id, with_forces=with_forces)
    if panel is None:
        raise Http404
    return panel


def meeting_or_404(request: AuthenticatedHttpRequest, meeting_id: int) -> Meeting:
    meeting = selectors.meeting_get(viewer=request.user, meeting_id=meeting_id)
    if meeting is None:
        raise Http404
    return meeting


def case_or_404(request: AuthenticatedHttpRequest, case_id: int) -> Case:
    """The case, or 404. A case the viewer declared involvement in is a 404 too (the refusal
    audited by scrutiny_view): nothing tells them it is there, not even its pseudonym."""
    case = selectors.case_get(viewer=request.user, case_id=case_id)
    if case is None:
        raise Http404
    if permissions.audience_for(request.user, case) == Audience.INVOLVED:
        raise permissions.Walled(case, panel_id=case.panel_id, audience=Audience.INVOLVED)
    return case


def coordinated_case(request: AuthenticatedHttpRequest, case_id: int) -> Case:
    case = case_or_404(request, case_id)
    if not permissions.can_coordinate(request.user, case.panel):
        raise permissions.Refused(case, panel_id=case.panel_id)
    return case

"""The scrutiny router, its response schemas and the helpers every endpoint shares."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from agencies.http import AuthenticatedHttpRequest
from scrutiny import selectors, services
from scrutiny.models import AccessChannel, AccessVerb
from scrutiny.reporting import ScrutinyExceptionReporterFilter

router = Router(tags=["scrutiny"])


def cleanse_reports(request: AuthenticatedHttpRequest) -> None:
    """Error reports for these endpoints carry no POST values or frame variables (case content)."""
    request.exception_reporter_filter = ScrutinyExceptionReporterFilter()


class Redacted(Schema):
    """A record redacted for the caller: only the fields their audience may see."""

    audience: str
    data: dict[str, Any]


class RedactedList(Schema):
    audience: str
    items: list[dict[str, Any]]


class RedactedPage(RedactedList):
    """A list that pages (agencies.api.PageQuery): `count` rows the caller may list in all."""

    count: int


class CaseOut(Schema):
    audience: str
    data: dict[str, Any]
    key: dict[str, Any]
    decision_points: list[dict[str, Any]]
    extracts: list[dict[str, Any]]


class MeetingOut(Schema):
    audience: str
    data: dict[str, Any]
    agenda: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    findings: list[dict[str, Any]]


def audit_read(
    request: AuthenticatedHttpRequest,
    obj: Any,
    audience: Any,
    panel_id: int | None,
    meeting_id: int | None = None,
) -> None:
    services.access_record(
        actor=request.user,
        verb=AccessVerb.VIEW,
        obj=obj,
        audience=audience,
        channel=AccessChannel.API,
        panel_id=panel_id,
        meeting_id=meeting_id,
    )


def panel_for_api(request: AuthenticatedHttpRequest, panel_id: int, *, with_forces: bool = True) -> Any:
    panel = selectors.panel_get(viewer=request.user, panel_id=panel_id, with_forces=with_forces)
    if panel is None:
        raise HttpError(404, "Not found.")
    return panel

"""Error reports and logs never carry case content.

Every scrutiny view runs with `ScrutinyExceptionReporterFilter` as the request's reporter filter:
Django's technical 500 report and the admin error emails then show no POST values, no local
variables of any frame and no request body. `CaseContentLogFilter` is for log handlers: it drops
the arguments of any record logged from scrutiny code, keeping the message template only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.debug import SafeExceptionReporterFilter


class ScrutinyExceptionReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request: HttpRequest | None) -> bool:
        return True

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, str]:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(
        self, request: HttpRequest | None, tb_frame: Any
    ) -> list[tuple[str, str]]:
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class CaseContentLogFilter(logging.Filter):
    """Strip interpolation arguments (which could be case text) from scrutiny log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("scrutiny"):
            record.args = ()
        return True


def scrutiny_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view as handling case content: its error reports are cleansed completely, and a
    refusal of case data (`scrutiny.permissions.Refused`, from a selector or the view) is written
    to the access audit before Django answers 403 (404 for `Walled`: a record of a case the viewer
    declared involvement in is answered exactly as a record that does not exist)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from scrutiny.permissions import Refused, Walled

        request.exception_reporter_filter = ScrutinyExceptionReporterFilter()
        try:
            return view(request, *args, **kwargs)
        except Refused as refusal:
            audit_refusal(request.user, refusal, channel="page")
            if isinstance(refusal, Walled):
                raise Http404 from None
            raise

    return wrapped


def audit_refusal(user: Any, refusal: Any, *, channel: str) -> None:
    """One AccessEvent (verb refused) for a refusal of case data: ids only, never content."""
    from scrutiny import services
    from scrutiny.models import AccessVerb

    services.access_record(
        actor=user,
        verb=AccessVerb.REFUSED,
        obj=refusal.obj,
        audience=refusal.audience,
        channel=channel,
        panel_id=refusal.panel_id,
        meeting_id=refusal.meeting_id,
    )

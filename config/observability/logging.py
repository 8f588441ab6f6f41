"""Log records as one JSON object per line (production), each with the request ID.

python-json-logger is a `logging.Formatter`: records keep going through the standard handlers and
their filters, so scrutiny.reporting.CaseContentLogFilter (which strips the arguments of records
logged from scrutiny code) still runs before anything is formatted, whatever the format.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from config.observability.request_id import current_request_id

# Tasks every socket of a process shares (agencies.realtime.fanout's hub): they were created inside
# the first connection's context, so they would log that connection's request ID for everyone.
_SHARED_TASK_PREFIX = "fanout-"


def _task_is_shared() -> bool:
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running loop in this thread
        return False
    return task is not None and task.get_name().startswith(_SHARED_TASK_PREFIX)


class RequestIdFilter(logging.Filter):
    """Sets `record.request_id`: the current request's or connection's ID, or None."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        if request_id is not None and _task_is_shared():
            request_id = None
        record.request_id = request_id
        return True


# The fields of every line; a record from scrutiny code gets these only (below).
BASE_FIELDS = frozenset({"time", "level", "logger", "message", "request_id", "exc_info", "stack_info"})


class JsonFormatter(_JsonFormatter):
    """`{"time": …, "level": …, "logger": …, "message": …, "request_id": …}` and, for an exception,
    `exc_info` (the traceback as text). Attributes passed with `extra=` are added too (the request
    object excepted), but not for records logged from scrutiny code: the plain format never printed
    extras, and scrutiny.reporting.CaseContentLogFilter strips only a record's arguments, so an
    `extra=` value would otherwise carry case text straight into the line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "asctime": "time"})
        kwargs.setdefault("timestamp", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s", *args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        """ISO 8601 in UTC with milliseconds: `2026-12-03T16:51:07.515+00:00`."""
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data.pop("request", None)  # django.request's extra: the HttpRequest object
        log_data.pop("server_time", None)
        log_data.setdefault("request_id", getattr(record, "request_id", None))
        if record.name.startswith("scrutiny"):  # the rule of scrutiny.reporting.CaseContentLogFilter
            for key in [key for key in log_data if key not in BASE_FIELDS]:
                del log_data[key]

"""Request IDs across the task queue: a task queued while a request (or WebSocket connection) is
handled logs with that request's ID when a worker runs it, so one ID follows a booking from the
click to its confirmation email. A task queued with no request around it (a scheduled reminder run)
gets an ID of its own for the run, so its lines still group.

The ID travels beside the task, not in its arguments (no task's signature changes): it is kept in
the cache under the task result's id when the task is queued, and read back when the worker starts
the task. Best effort, like any log context: with the cache unreachable the worker generates an ID.
The immediate backend (the embedded default) runs the task inside the request, which already has the
ID, so nothing is stored for it.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django_tasks.backends.immediate import ImmediateBackend

from config.observability.request_id import current_request_id, new_request_id, request_id_var

CACHE_PREFIX = "task-request-id"
# Longer than any task waits in the queue (reminders are queued up to a week ahead).
CACHE_SECONDS = 8 * 24 * 3600


def _key(task_result: Any) -> str:
    return f"{CACHE_PREFIX}:{task_result.id}"


def _runs_inline(sender: Any) -> bool:
    backend = sender if isinstance(sender, type) else type(sender)
    return issubclass(backend, ImmediateBackend)


def on_task_enqueued(sender: Any, task_result: Any, **kwargs: Any) -> None:
    request_id = current_request_id()
    if request_id is not None and not _runs_inline(sender):
        cache.set(_key(task_result), request_id, CACHE_SECONDS)


def on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if _runs_inline(sender):
        return
    request_id_var.set(cache.get(_key(task_result)) or new_request_id())


def on_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if _runs_inline(sender):
        return
    cache.delete(_key(task_result))
    request_id_var.set(None)  # the worker's next task gets its own

"""A task queued during a request logs with that request's ID when the worker runs it
(config.observability.tasks), on the database queue the scale-out stack runs."""

from __future__ import annotations

import contextvars

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from config.observability import tasks
from config.observability.request_id import request_id_var
from tests.config.observability_tasks import log_a_line
from tests.config.test_logging_json import GENERATED, json_lines  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def run_worker(monkeypatch):
    """`db_worker` in-process, in a fresh context as a separate process would be (no request ID
    inherited from the test). Its close_old_connections() would close the test's connection."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run() -> None:
        contextvars.Context().run(
            call_command, "db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0
        )

    return run


def _queued_in_request(request_id: str, label: str) -> None:
    token = request_id_var.set(request_id)
    try:
        log_a_line.enqueue(label)
    finally:
        request_id_var.reset(token)


def _task_lines(lines) -> dict[str, str]:
    return {
        line["message"].removeprefix("task ran: "): line["request_id"]
        for line in lines()
        if line["message"].startswith("task ran: ")
    }


@override_settings(TASKS=DATABASE_QUEUE)
def test_each_queued_task_logs_with_the_id_of_the_request_that_queued_it(json_lines, run_worker) -> None:  # noqa: F811
    _queued_in_request("booking-click-1", "first")
    _queued_in_request("booking-click-2", "second")
    assert DBTaskResult.objects.count() == 2
    run_worker()
    assert _task_lines(json_lines) == {"first": "booking-click-1", "second": "booking-click-2"}
    # Nothing left behind: the cache entries are gone and the worker's context is clean.
    assert all(cache.get(f"{tasks.CACHE_PREFIX}:{r.id}") is None for r in DBTaskResult.objects.all())


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_task_queued_outside_any_request_gets_an_id_of_its_own(json_lines, run_worker) -> None:  # noqa: F811
    assert request_id_var.get() is None
    log_a_line.enqueue("scheduled a")
    log_a_line.enqueue("scheduled b")
    run_worker()
    ids = _task_lines(json_lines)
    assert set(ids) == {"scheduled a", "scheduled b"}
    assert all(GENERATED.fullmatch(value) for value in ids.values())
    assert ids["scheduled a"] != ids["scheduled b"]


@override_settings(TASKS=IMMEDIATE)
def test_the_immediate_backend_keeps_the_requests_own_id_and_stores_nothing(json_lines) -> None:  # noqa: F811
    token = request_id_var.set("inline-request")
    try:
        result = log_a_line.enqueue("inline")
        assert request_id_var.get() == "inline-request"  # the task did not clear the request's ID
    finally:
        request_id_var.reset(token)
    assert _task_lines(json_lines) == {"inline": "inline-request"}
    assert cache.get(f"{tasks.CACHE_PREFIX}:{result.id}") is None

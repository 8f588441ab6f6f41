"""A task for the request-ID tests (a task must live at an importable path for the queue)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger("config.observability.tests")


@task()
def log_a_line(label: str) -> None:
    logger.warning("task ran: %s", label)

"""The platform's task worker: runs the periodic governance jobs in a loop (the overdue sweep and
notification digests). Tasks themselves run through django-tasks' configured backend."""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from scrutiny.governance.overdue import flag_overdue_actions
from scrutiny.governance.services import notification_digests_send

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run periodic governance jobs every --interval seconds until stopped (SIGTERM/SIGINT)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument("--once", action="store_true", help="run each job once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            for name, job in (
                ("flag_overdue_actions", flag_overdue_actions),
                ("digests", notification_digests_send),
            ):
                try:
                    result = job()
                    if result:
                        logger.info("%s: %s", name, result)
                except Exception:
                    logger.exception("governance worker job %s failed", name)
                finally:
                    close_old_connections()
            if options["once"]:
                return
            deadline = time.monotonic() + options["interval"]
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)

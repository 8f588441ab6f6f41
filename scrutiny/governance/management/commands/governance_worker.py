"""The platform's scheduler: runs the periodic jobs in a loop until stopped. Background tasks
themselves (exports, deferred drop-in reminders) are run by django-tasks-db's `db_worker`, which
platform/launch.py starts beside this; django-tasks has no scheduler of its own, so this is it.

Each job is an existing management command, so cron can run any of them instead:
  flag_overdue_actions        every --interval (announces newly overdue actions live)
  send_notification_digests   every --interval (each person's digest is due at most daily/weekly)
  send_dropin_reminders       every --interval (idempotent: each booking gets one reminder)
  publish_scheduled           every --interval (Wagtail's scheduled publishing and expiry)
  apply_retention             every --retention-interval (default hourly; deletes past-retention
                              scrutiny records, legal holds excepted)
A failing job is logged and the others still run."""

from __future__ import annotations

import io
import logging
import signal
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

logger = logging.getLogger(__name__)

FREQUENT_JOBS = (
    "flag_overdue_actions",
    "send_notification_digests",
    "send_dropin_reminders",
    "publish_scheduled",
)
SLOW_JOBS = ("apply_retention",)


def run_job(name: str) -> bool:
    """Run one periodic command; False (after logging) if it failed."""
    out = io.StringIO()
    try:
        call_command(name, stdout=out, stderr=out)
    except Exception:
        logger.exception("periodic job %s failed", name)
        return False
    else:
        text = out.getvalue().strip()
        if text:
            logger.info("%s: %s", name, text)
        return True
    finally:
        close_old_connections()


class Command(BaseCommand):
    help = "Run the periodic jobs (overdue sweep, digests, reminders, scheduled publishing, retention)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between frequent jobs")
        parser.add_argument(
            "--retention-interval", type=float, default=3600.0, help="seconds between retention runs"
        )
        parser.add_argument("--once", action="store_true", help="run each job once and exit")
        parser.add_argument(
            "--start-delay", type=float, default=0.0, help="seconds to wait before the first run"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        if not options["once"]:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        next_slow = 0.0
        deadline = time.monotonic() + options["start_delay"]
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.2)
        while not stopping:
            jobs = list(FREQUENT_JOBS)
            if time.monotonic() >= next_slow:
                jobs += SLOW_JOBS
                next_slow = time.monotonic() + options["retention_interval"]
            failed = [name for name in jobs if not run_job(name)]
            if options["once"]:
                if failed:
                    self.stderr.write(f"Failed: {', '.join(failed)}")
                return
            deadline = time.monotonic() + options["interval"]
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)

"""Apply the retention schedule to every record type (agencies/retention.py's registry): delete
what is past its period unless a legal hold keeps it, writing an audit entry per deletion batch.
--dry-run reports, per record type, what would be deleted (counts and ids, never content) and
what a legal hold keeps back, and writes nothing."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scrutiny.retention import RetentionResult, apply_retention

SHOWN_IDS = 50


def _ids(ids: Sequence[Any]) -> str:
    shown = ", ".join(str(pk) for pk in ids[:SHOWN_IDS])
    more = len(ids) - SHOWN_IDS
    return f"{shown} and {more} more" if more > 0 else shown


def describe(result: RetentionResult, *, dry_run: bool) -> str:
    verb = "would delete" if dry_run else "deleted"
    count = result.due_count if dry_run else result.deleted
    line = f"{result.record_type}: {verb} {count}"
    if result.ids_shown and result.due_ids:
        line += f" (ids {_ids(result.due_ids)})"
    elif not result.ids_shown and count:
        line += " (ids not shown: they are credentials)"
    line += f"; kept under legal hold {result.held}"
    if result.held_ids:
        line += f" (ids {_ids(result.held_ids)})"
    line += f". Period {result.period_days} days from {result.anchor}"
    if result.note:
        line += f"; {result.note}"
    return line + "."


class Command(BaseCommand):
    help = "Apply the retention schedule to every record type; legal holds are kept."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be deleted; delete nothing."
        )
        parser.add_argument("--today", help="Evaluate as of this date (YYYY-MM-DD); default today.")

    def handle(
        self, *args: object, dry_run: bool = False, today: str | None = None, **options: object
    ) -> None:
        try:
            as_of = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--today must be a date like 2031-01-31.") from exc
        for result in apply_retention(today=as_of, dry_run=dry_run):
            self.stdout.write(describe(result, dry_run=dry_run))

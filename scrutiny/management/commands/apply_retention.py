"""Delete scrutiny records past their retention period (legal holds excepted); log each deletion."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scrutiny.retention import apply_retention


class Command(BaseCommand):
    help = "Apply scrutiny retention: delete cases and closed meetings past their period unless held."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
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
            verb = "would delete" if dry_run else "deleted"
            self.stdout.write(
                f"{result.record_type}: {verb} {len(result.deleted_ids)}, kept under legal hold {result.held}"
            )

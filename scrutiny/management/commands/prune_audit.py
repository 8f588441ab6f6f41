"""Delete access events past the audit's retention period, keeping the chain verifiable."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from scrutiny.audit import AuditChainBroken, prune_audit, retention_days
from scrutiny.retention import audit_log_prune_before


class Command(BaseCommand):
    help = (
        "Prune the access audit: the oldest rows older than RETENTION_DAYS_AUDIT_LOG (or an earlier "
        "--before), after checking their chain; records a checkpoint verify_audit resumes from. "
        "On PostgreSQL run it with the owner's DATABASE_URL (the runtime role cannot delete)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be deleted; delete nothing."
        )
        parser.add_argument(
            "--before",
            help="Delete rows older than this date (YYYY-MM-DD, UTC); at most now minus the retention.",
        )
        parser.add_argument(
            "--database", default=None, help="Default: owner if MIGRATION_DATABASE_URL is set."
        )

    def handle(
        self,
        *args: object,
        dry_run: bool = False,
        before: str | None = None,
        database: str,
        **options: object,
    ) -> None:
        cut_off = None
        if before:
            try:
                cut_off = dt.datetime.combine(dt.date.fromisoformat(before), dt.time(), tzinfo=dt.UTC)
            except ValueError as exc:
                raise CommandError("--before must be a date like 2018-01-31.") from exc
        days = retention_days()
        limit = timezone.now() - dt.timedelta(days=days)
        if cut_off is not None and cut_off > limit:
            raise CommandError(
                f"Access events are kept for {days} days: --before may be {limit:%Y-%m-%d} at the latest."
            )
        # Never into the events about a case or meeting on legal hold (the schedule's own bound).
        cut_off = min(cut_off or limit, audit_log_prune_before(timezone.localdate()))
        try:
            result = prune_audit(before=cut_off, dry_run=dry_run, using=database)
        except (ValueError, AuditChainBroken) as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(
                f"The database refused the pruning ({type(exc).__name__}); run it as the owner."
            ) from exc
        verb = "would delete" if dry_run else "deleted"
        span = f" (ids {result.first_id}-{result.through_id})" if result.count else ""
        self.stdout.write(
            f"access events: {verb} {result.count}{span}, older than {result.before:%Y-%m-%d}; "
            f"retention {retention_days()} days"
        )

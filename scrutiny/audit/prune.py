"""The audit's own retention: pruning old rows behind a checkpoint, verified first."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from scrutiny.audit.chain import GENESIS, lock_head, retention_days
from scrutiny.audit.verify import audit_rows, walk_chain

# Retention ------------------------------------------------------------------------------------------


class AuditChainBroken(Exception):
    pass


@dataclass(frozen=True)
class PruneResult:
    """What prune_audit deleted (or, with dry_run, would delete)."""

    before: dt.datetime
    dry_run: bool
    count: int
    first_id: int | None
    through_id: int | None
    oldest_at: dt.datetime | None
    newest_at: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def owner_alias() -> str:
    """The database alias that runs as the owner: "owner" when MIGRATION_DATABASE_URL is set."""
    return "owner" if "owner" in settings.DATABASES else "default"


def prune_audit(
    *, before: dt.datetime | None = None, dry_run: bool = False, using: str | None = None
) -> PruneResult:
    """Delete the oldest access events, all older than `before` (default: now minus
    RETENTION_DAYS["audit_log"]; a later `before` is refused), after checking their chain, and record a
    checkpoint so the rest of the chain stays verifiable. Only the longest run of rows from the
    start of the log that are all past `before` goes, so the chain is never cut in the middle.
    On PostgreSQL this needs the owner (the runtime role can neither delete nor checkpoint): it
    uses the "owner" alias when MIGRATION_DATABASE_URL is set."""
    from scrutiny.models import AccessChannel, AccessEvent, AccessVerb, AuditCheckpoint

    using = using or owner_alias()

    days = retention_days()
    now = timezone.now()
    limit = now - dt.timedelta(days=days)
    before = limit if before is None else before
    if timezone.is_naive(before):
        raise ValueError("`before` must be timezone-aware.")
    if before > limit:
        raise ValueError(
            f"Access events are kept for {days} days: `before` may be {limit:%Y-%m-%d} at the latest."
        )
    with transaction.atomic(using=using):
        lock_head(using)
        checkpoint = AuditCheckpoint.objects.using(using).order_by("-through_id").first()
        start, expected = (checkpoint.through_id, checkpoint.through_hash) if checkpoint else (0, GENESIS)
        events = AccessEvent.objects.using(using).filter(pk__gt=start)
        first_young = events.filter(at__gte=before).order_by("pk").values_list("pk", flat=True).first()
        doomed = events if first_young is None else events.filter(pk__lt=first_young)
        ids = list(doomed.order_by("pk").values_list("pk", "at"))
        if not ids:
            return PruneResult(before, dry_run, 0, None, None, None, None)
        first_id, through_id = ids[0][0], ids[-1][0]
        result = PruneResult(
            before, dry_run, len(ids), first_id, through_id, min(a for _, a in ids), max(a for _, a in ids)
        )
        if dry_run:
            return result
        check = walk_chain(audit_rows(using, start, through_id), expected)
        if not check.ok:
            raise AuditChainBroken(f"Access event {check.broken_id} {check.problem}: nothing was pruned.")
        AuditCheckpoint.objects.using(using).create(
            created_at=now,
            before=before,
            retention_days=days,
            through_id=through_id,
            through_hash=check.head_hash,
            first_prev_hash=expected,
            pruned=len(ids),
        )
        with connections[using].cursor() as cursor:
            cursor.execute("DELETE FROM scrutiny_accessevent WHERE id > %s AND id <= %s", [start, through_id])
        AccessEvent(
            actor=None,
            verb=AccessVerb.DELETE,
            object_type="access_events",
            object_id=through_id,
            audience="none",
            channel=AccessChannel.COMMAND,
        ).save(using=using)
    return result

"""Verification: walking the chain in id order and checking the checkpoints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scrutiny.audit.chain import CONTENT_FIELDS, GENESIS, digest
from scrutiny.audit.guards import missing_guards

# Verification ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    head_id: int | None
    head_hash: str
    broken_id: int | None = None
    problem: str = ""


def audit_rows(using: str, after: int, through: int | None = None) -> Iterator[dict[str, Any]]:
    from scrutiny.models import AccessEvent

    rows = AccessEvent.objects.using(using).filter(pk__gt=after)
    if through is not None:
        rows = rows.filter(pk__lte=through)
    fields = ("id", "prev_hash", "row_hash", *CONTENT_FIELDS)
    yield from rows.order_by("pk").values(*fields).iterator(chunk_size=2000)


def walk_chain(rows: Iterator[dict[str, Any]], expected_prev: str) -> Verification:
    checked, last_id = 0, None
    for row in rows:
        if row["prev_hash"] != expected_prev:
            problem = "does not follow the previous row (a row before it was deleted, added or changed)"
            return Verification(False, checked, last_id, expected_prev, row["id"], problem)
        if digest(row, row["prev_hash"]) != row["row_hash"]:
            return Verification(False, checked, last_id, expected_prev, row["id"], "its content was changed")
        expected_prev, last_id, checked = row["row_hash"], row["id"], checked + 1
    return Verification(True, checked, last_id, expected_prev)


def _checkpoints_problem(using: str) -> tuple[int | None, str] | None:
    """Each checkpoint must continue the previous one and have pruned only rows past the
    retention period it recorded. Returns (checkpoint id, problem) or None."""
    from scrutiny.models import AuditCheckpoint

    previous = GENESIS
    for checkpoint in AuditCheckpoint.objects.using(using).order_by("through_id"):
        if checkpoint.first_prev_hash != previous:
            return checkpoint.pk, "does not continue the previous checkpoint"
        if checkpoint.before > checkpoint.created_at - dt.timedelta(days=checkpoint.retention_days):
            return checkpoint.pk, "pruned rows younger than its retention period"
        if checkpoint.retention_days < 365:
            return checkpoint.pk, "recorded a retention period under a year"
        previous = checkpoint.through_hash
    return None


def verify_chain(*, using: str = "default") -> Verification:
    """Check the whole chain from the newest pruning checkpoint (or the genesis) to the head."""
    from scrutiny.models import AccessEvent, AuditCheckpoint

    problem = _checkpoints_problem(using)
    if problem is not None:
        return Verification(False, 0, None, "", None, f"pruning checkpoint {problem[0]} {problem[1]}")
    checkpoint = AuditCheckpoint.objects.using(using).order_by("-through_id").first()
    start, expected = (checkpoint.through_id, checkpoint.through_hash) if checkpoint else (0, GENESIS)
    if checkpoint is not None:
        leftover = AccessEvent.objects.using(using).filter(pk__lte=start).order_by("pk").first()
        if leftover is not None:
            return Verification(False, 0, None, "", leftover.pk, "is covered by a pruning checkpoint")
    result = walk_chain(audit_rows(using, start), expected)
    if result.ok:
        missing = missing_guards(using=using)
        if missing:
            return Verification(
                False, result.checked, result.head_id, result.head_hash, None, f"guards missing: {missing}"
            )
    return result


def audit_state(using: str) -> dict[str, Any]:
    """The chain's state as a backup manifest records it (agencies/backups.py)."""
    result = verify_chain(using=using)
    return {"ok": result.ok, "rows": result.checked, "head_id": result.head_id, "head_hash": result.head_hash}

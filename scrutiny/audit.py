"""The access audit's integrity: its hash chain, its database guards and its own retention.

Every AccessEvent stores `prev_hash`, the previous row's `row_hash`, and `row_hash`, the SHA-256 of
its canonical content (`canonical`) with `prev_hash` in it. Appends serialise on the chain head
through the unique index on `prev_hash`: two rows can never extend one head. On PostgreSQL a second
writer that read the same head waits on the index for the first one's commit, inserts nothing (ON
CONFLICT DO NOTHING) and reads the new head (optimistic: no lock is held for the rest of the
request's transaction, no savepoint, and no query is added); on SQLite the IMMEDIATE transaction
(config/settings/base.py) already holds the write lock. A row's successor reads it only after it
committed, so it always has the higher id: chain order is id order, and `verify_audit` walks the
chain in id order and names the first row that does not fit. Pruning takes a transaction-level
advisory lock (one pruning at a time).

Database guards (migration scrutiny/0006, and `ensure_guards` after every migrate because SQLite's
table rebuilds drop triggers): UPDATE of an access event is refused; DELETE is refused unless a
pruning checkpoint (AuditCheckpoint) covers the row; checkpoints cannot be changed or deleted. On
PostgreSQL the application runs as a role that may only SELECT and INSERT access events and only
SELECT checkpoints (`manage.py grant_runtime_role`), so it cannot prune, TRUNCATE, ALTER, disable
or drop a trigger: those need the owner, which runs the migrations and `manage.py prune_audit`.

Retention: `settings.RETENTION_DAYS["audit_log"]` (RETENTION_DAYS_AUDIT_LOG). `prune_audit` deletes
only the oldest rows past it, after checking their chain, and records a checkpoint (the last pruned
row's hash) that `verify_audit` resumes from. Nothing here ever changes a row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

GENESIS = "0" * 64
# pg_advisory_xact_lock key for the chain head: "scrutiny audit" folded into a bigint.
CHAIN_LOCK_KEY = 0x5C_A0_D1_7C
# What a row's hash covers: everything but the id (unknown before the insert; the chain fixes order).
CONTENT_FIELDS = (
    "at",
    "actor_id",
    "verb",
    "object_type",
    "object_id",
    "audience",
    "channel",
    "panel_id",
    "meeting_id",
)
DEFAULT_RETENTION_DAYS = 8 * 365
APPEND_ATTEMPTS = 50


def retention_days() -> int:
    """How long access events are kept: longer than any record they describe (cases six years,
    meetings seven, scrutiny/retention.py), plus a year for complaints and investigations."""
    days = int(settings.RETENTION_DAYS.get("audit_log", DEFAULT_RETENTION_DAYS))
    if days < 365:
        raise ValueError('RETENTION_DAYS["audit_log"] (RETENTION_DAYS_AUDIT_LOG) must be at least 365.')
    return days


# The chain ------------------------------------------------------------------------------------------


def _at(value: dt.datetime | str) -> str:
    if isinstance(value, str):  # a raw SQLite read
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: dict[str, Any], prev_hash: str) -> bytes:
    """The bytes a row's hash covers: its content as sorted JSON, a line break, the previous hash.
    Never change this: every stored hash depends on it (and the INSERT below builds it in SQL)."""
    return (content_json(values) + "\n" + prev_hash).encode()


def content_json(values: dict[str, Any]) -> str:
    content = {name: values[name] for name in CONTENT_FIELDS}
    content["at"] = _at(content["at"])
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def digest(values: dict[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical(values, prev_hash)).hexdigest()


def _values(event: Any) -> dict[str, Any]:
    return {name: getattr(event, name) for name in CONTENT_FIELDS}


def _lock_head(using: str) -> None:
    """Serialise prunings until the transaction ends."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    # SQLite: the transaction is BEGIN IMMEDIATE (settings), so it already holds the write lock.


def head_hash(using: str = "default") -> str:
    from scrutiny.models import AccessEvent, AuditCheckpoint

    last = AccessEvent.objects.using(using).order_by("-pk").values_list("row_hash", flat=True).first()
    if last is not None:
        return last
    checkpoint = AuditCheckpoint.objects.using(using).order_by("-through_id").first()
    return checkpoint.through_hash if checkpoint is not None else GENESIS


# One statement reads the head and inserts the row with its hash (the pages' query budgets have
# no room for a separate read): the hash of the content JSON (from Python), a line break and the
# head's hash, computed by the database: sha256() on PostgreSQL, scrutiny_sha256 (registered on
# every SQLite connection, see register_sqlite_functions) on SQLite.
_COLUMNS = (*CONTENT_FIELDS, "prev_hash", "row_hash")
_HEAD = (
    "COALESCE("
    "(SELECT row_hash FROM scrutiny_accessevent ORDER BY id DESC LIMIT 1), "
    "(SELECT through_hash FROM scrutiny_auditcheckpoint ORDER BY through_id DESC LIMIT 1), "
    "%s)"
)
_HASH = {
    "postgresql": f"encode(sha256(convert_to(%s::text || chr(10) || {_HEAD}, 'UTF8')), 'hex')",
    "sqlite": f"scrutiny_sha256(%s || char(10) || {_HEAD})",
}


def _insert_sql(vendor: str) -> str:
    columns = ", ".join(f'"{name}"' for name in _COLUMNS)
    values = ", ".join(["%s"] * len(CONTENT_FIELDS))
    # Both head subqueries read the same snapshot (one statement).
    return (
        f'INSERT INTO "scrutiny_accessevent" ({columns}) '  # noqa: S608 (names are constants)
        f"VALUES ({values}, {_HEAD}, {_HASH[vendor]}) "
        'ON CONFLICT ("prev_hash") DO NOTHING '
        'RETURNING "id", "prev_hash", "row_hash"'
    )


def chain_append(event: Any, using: str | None = None) -> None:
    """Called by AccessEvent.save for a new row: link it to the head and insert it."""
    from scrutiny.models import AccessEvent

    using = using or router.db_for_write(AccessEvent, instance=event)
    connection = connections[using]
    if event.at is None:
        event.at = timezone.now()
    params = [
        AccessEvent._meta.get_field(name).get_db_prep_save(getattr(event, name), connection)
        for name in CONTENT_FIELDS
    ]
    if connection.vendor not in _HASH:
        raise NotImplementedError(f"The access audit has no chain insert for {connection.vendor}.")
    sql = _insert_sql(connection.vendor)
    payload = content_json(_values(event))
    # SQLite in autocommit: a transaction, so that it begins IMMEDIATE (the write lock before the
    # head is read). Inside a transaction (a request's), nothing: no savepoint.
    outer = transaction.atomic(using=using) if not connection.in_atomic_block else nullcontext()
    with outer:
        _insert(event, connection, sql, [*params, GENESIS, payload, GENESIS])
    event._state.adding = False
    event._state.db = using


def _insert(event: Any, connection: Any, sql: str, params: list[Any]) -> None:
    for _attempt in range(APPEND_ATTEMPTS):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is not None:
            event.pk, event.prev_hash, event.row_hash = row
            break
        # Another writer extended the same head first (prev_hash is unique; PostgreSQL makes this
        # insert wait for that writer's commit, then skips it: ON CONFLICT DO NOTHING, so no
        # savepoint is needed and the request's transaction is untouched): read the new head.
    else:
        raise IntegrityError("The access audit's head kept moving; the event was not recorded.")


def _sqlite_sha256(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: the chain insert's hash function on SQLite. A client without it (the
    sqlite3 shell) cannot insert an access event at all, so cannot append a forged one."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("scrutiny_sha256", 1, _sqlite_sha256, deterministic=True)


# Verification ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    head_id: int | None
    head_hash: str
    broken_id: int | None = None
    problem: str = ""


def _rows(using: str, after: int, through: int | None = None) -> Iterator[dict[str, Any]]:
    from scrutiny.models import AccessEvent

    rows = AccessEvent.objects.using(using).filter(pk__gt=after)
    if through is not None:
        rows = rows.filter(pk__lte=through)
    fields = ("id", "prev_hash", "row_hash", *CONTENT_FIELDS)
    yield from rows.order_by("pk").values(*fields).iterator(chunk_size=2000)


def _walk(rows: Iterator[dict[str, Any]], expected_prev: str) -> Verification:
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
    result = _walk(_rows(using, start), expected)
    if result.ok:
        missing = missing_guards(using=using)
        if missing:
            return Verification(
                False, result.checked, result.head_id, result.head_hash, None, f"guards missing: {missing}"
            )
    return result


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
        _lock_head(using)
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
        check = _walk(_rows(using, start, through_id), expected)
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


# Database guards ------------------------------------------------------------------------------------

APPEND_ONLY = "scrutiny_accessevent is append-only"  # a constant: the f-strings below hold no input
SQLITE_TRIGGERS = {
    "scrutiny_accessevent_no_update": f"""CREATE TRIGGER IF NOT EXISTS scrutiny_accessevent_no_update
BEFORE UPDATE ON scrutiny_accessevent BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    "scrutiny_accessevent_no_delete": f"""CREATE TRIGGER IF NOT EXISTS scrutiny_accessevent_no_delete
BEFORE DELETE ON scrutiny_accessevent
WHEN NOT EXISTS (SELECT 1 FROM scrutiny_auditcheckpoint WHERE through_id >= OLD.id)
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",  # noqa: S608
    "scrutiny_auditcheckpoint_no_update": """CREATE TRIGGER IF NOT EXISTS scrutiny_auditcheckpoint_no_update
BEFORE UPDATE ON scrutiny_auditcheckpoint
BEGIN SELECT RAISE(ABORT, 'scrutiny_auditcheckpoint is append-only'); END""",
    "scrutiny_auditcheckpoint_no_delete": """CREATE TRIGGER IF NOT EXISTS scrutiny_auditcheckpoint_no_delete
BEFORE DELETE ON scrutiny_auditcheckpoint
BEGIN SELECT RAISE(ABORT, 'scrutiny_auditcheckpoint is append-only'); END""",
}
PG_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION scrutiny_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM scrutiny_auditcheckpoint WHERE through_id >= OLD.id
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '{APPEND_ONLY}';
END;
$$ LANGUAGE plpgsql""",  # noqa: S608
    """CREATE OR REPLACE FUNCTION scrutiny_auditcheckpoint_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'scrutiny_auditcheckpoint is append-only';
END;
$$ LANGUAGE plpgsql""",
]
PG_TRIGGERS = {
    "scrutiny_accessevent_no_update": (
        "scrutiny_accessevent",
        "BEFORE UPDATE ON scrutiny_accessevent FOR EACH ROW "
        "EXECUTE FUNCTION scrutiny_accessevent_append_only()",
    ),
    "scrutiny_accessevent_no_delete": (
        "scrutiny_accessevent",
        "BEFORE DELETE ON scrutiny_accessevent FOR EACH ROW "
        "EXECUTE FUNCTION scrutiny_accessevent_append_only()",
    ),
    "scrutiny_auditcheckpoint_no_update": (
        "scrutiny_auditcheckpoint",
        "BEFORE UPDATE ON scrutiny_auditcheckpoint FOR EACH ROW "
        "EXECUTE FUNCTION scrutiny_auditcheckpoint_append_only()",
    ),
    "scrutiny_auditcheckpoint_no_delete": (
        "scrutiny_auditcheckpoint",
        "BEFORE DELETE ON scrutiny_auditcheckpoint FOR EACH ROW "
        "EXECUTE FUNCTION scrutiny_auditcheckpoint_append_only()",
    ),
}


def _existing_triggers(connection: Any) -> dict[str, bool]:
    """Trigger name -> enabled."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            return {name: True for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT tgname, tgenabled <> 'D' FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid IN ('scrutiny_accessevent'::regclass, 'scrutiny_auditcheckpoint'::regclass)"
        )
        return dict(cursor.fetchall())


def missing_guards(*, using: str = "default") -> list[str]:
    """The guard triggers that are absent or disabled (empty on other databases)."""
    connection = connections[using]
    if connection.vendor not in {"sqlite", "postgresql"}:
        return []
    names = SQLITE_TRIGGERS if connection.vendor == "sqlite" else PG_TRIGGERS
    existing = _existing_triggers(connection)
    return [name for name in names if not existing.get(name)]


def ensure_guards(connection: Any) -> None:
    """Create any missing guard trigger (idempotent). Run by migration 0006 and after every
    migrate: on SQLite, Django rebuilds a table to alter it, and the rebuild drops its triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in SQLITE_TRIGGERS.values():
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            for statement in PG_FUNCTIONS:
                cursor.execute(statement)
            existing = _existing_triggers(connection)
            for name, (table, body) in PG_TRIGGERS.items():
                if name not in existing:
                    cursor.execute(f"CREATE TRIGGER {name} {body}")
                elif not existing[name]:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")


def sqlite_flush_wrap(statements: list[str]) -> list[str]:
    """For the test harness's flush on SQLite (the owner emptying every table, as TRUNCATE does on
    PostgreSQL): drop the guards, empty the tables, put the guards back, in one transaction."""
    drops = [f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_TRIGGERS]
    return [*drops, *statements, *(f"{sql};" for sql in SQLITE_TRIGGERS.values())]

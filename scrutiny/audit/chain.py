"""The hash chain: canonical content, digests, the head, and appending a row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from contextlib import nullcontext
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


def lock_head(using: str) -> None:
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

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
row's hash) that `verify_audit` resumes from. Nothing here ever changes a row."""

from scrutiny.audit.chain import (
    APPEND_ATTEMPTS,
    CHAIN_LOCK_KEY,
    CONTENT_FIELDS,
    DEFAULT_RETENTION_DAYS,
    GENESIS,
    canonical,
    chain_append,
    content_json,
    digest,
    head_hash,
    register_sqlite_functions,
    retention_days,
)
from scrutiny.audit.guards import (
    APPEND_ONLY,
    PG_FUNCTIONS,
    PG_TRIGGERS,
    SQLITE_TRIGGERS,
    ensure_guards,
    missing_guards,
    sqlite_flush_wrap,
)
from scrutiny.audit.prune import (
    AuditChainBroken,
    PruneResult,
    owner_alias,
    prune_audit,
)
from scrutiny.audit.verify import (
    Verification,
    verify_chain,
)

__all__ = [
    "APPEND_ATTEMPTS",
    "APPEND_ONLY",
    "AuditChainBroken",
    "CHAIN_LOCK_KEY",
    "CONTENT_FIELDS",
    "DEFAULT_RETENTION_DAYS",
    "GENESIS",
    "PG_FUNCTIONS",
    "PG_TRIGGERS",
    "PruneResult",
    "SQLITE_TRIGGERS",
    "Verification",
    "canonical",
    "chain_append",
    "content_json",
    "digest",
    "ensure_guards",
    "head_hash",
    "missing_guards",
    "owner_alias",
    "prune_audit",
    "register_sqlite_functions",
    "retention_days",
    "sqlite_flush_wrap",
    "verify_chain",
]

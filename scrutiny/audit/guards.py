"""Database guards: the triggers and functions that keep the access audit append-only."""

from __future__ import annotations

from typing import Any

from django.db import connections

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

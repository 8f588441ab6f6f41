"""Database-level guard for the append-only access log.

PostgreSQL: row triggers refuse UPDATE and DELETE (TRUNCATE, used only by test database flushes,
is a separate statement-level event and stays possible). SQLite: a trigger refuses UPDATE; a
DELETE trigger would also block Django's test flush (which deletes row by row on SQLite), so
deletion there is refused by the ORM guards in AccessEvent and its queryset.
"""

from django.db import migrations

PG_FORWARD = [
    """CREATE OR REPLACE FUNCTION scrutiny_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'scrutiny_accessevent is append-only';
END;
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER scrutiny_accessevent_no_update BEFORE UPDATE ON scrutiny_accessevent
    FOR EACH ROW EXECUTE FUNCTION scrutiny_accessevent_append_only()""",
    """CREATE TRIGGER scrutiny_accessevent_no_delete BEFORE DELETE ON scrutiny_accessevent
    FOR EACH ROW EXECUTE FUNCTION scrutiny_accessevent_append_only()""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS scrutiny_accessevent_no_update ON scrutiny_accessevent",
    "DROP TRIGGER IF EXISTS scrutiny_accessevent_no_delete ON scrutiny_accessevent",
    "DROP FUNCTION IF EXISTS scrutiny_accessevent_append_only()",
]
SQLITE_FORWARD = """
CREATE TRIGGER IF NOT EXISTS scrutiny_accessevent_no_update BEFORE UPDATE ON scrutiny_accessevent
BEGIN SELECT RAISE(ABORT, 'scrutiny_accessevent is append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS scrutiny_accessevent_no_update;"


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_FORWARD:
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("scrutiny", "0001_panels_cases_reviews_audit")]

    operations = [migrations.RunPython(forward, backward)]

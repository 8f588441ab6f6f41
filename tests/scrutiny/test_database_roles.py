"""PostgreSQL: the running application's role cannot erase or alter the access audit, whatever
SQL it sends (issue 13 point 6). Two real roles, made in the test (and gone with its transaction):
an owner, which owns the audit tables as the migrating role does in production, and the runtime
role, set up by `manage.py grant_runtime_role`. Reproduction on main: the application's database
user was the owner, so TRUNCATE and ALTER TABLE ... DISABLE TRIGGER worked."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from scrutiny import services
from scrutiny.audit import verify_chain
from scrutiny.models import AccessChannel, AccessEvent, AccessVerb

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

AUDIT_TABLES = ("scrutiny_accessevent", "scrutiny_auditcheckpoint")
REFUSED = [
    "TRUNCATE scrutiny_accessevent",
    "TRUNCATE scrutiny_accessevent CASCADE",
    "ALTER TABLE scrutiny_accessevent DISABLE TRIGGER scrutiny_accessevent_no_delete",
    "ALTER TABLE scrutiny_accessevent DISABLE TRIGGER ALL",
    "ALTER TABLE scrutiny_accessevent DISABLE TRIGGER USER",
    "DROP TRIGGER scrutiny_accessevent_no_delete ON scrutiny_accessevent",
    "DROP TRIGGER scrutiny_accessevent_no_update ON scrutiny_accessevent",
    "ALTER TABLE scrutiny_accessevent RENAME TO scrutiny_accessevent_gone",
    "ALTER TABLE scrutiny_accessevent ADD COLUMN note text",
    "ALTER TABLE scrutiny_accessevent OWNER TO CURRENT_USER",
    "DROP TABLE scrutiny_accessevent",
    "DELETE FROM scrutiny_accessevent",
    "UPDATE scrutiny_accessevent SET verb = 'edit'",
    "CREATE TRIGGER x BEFORE INSERT ON scrutiny_accessevent FOR EACH ROW "
    "EXECUTE FUNCTION scrutiny_accessevent_append_only()",
    "SET session_replication_role = replica",
    "DROP FUNCTION scrutiny_accessevent_append_only() CASCADE",
    "CREATE OR REPLACE FUNCTION scrutiny_accessevent_append_only() RETURNS trigger AS $$ "
    "BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql",
    "INSERT INTO scrutiny_auditcheckpoint (created_at, before, retention_days, through_id, through_hash, "
    "first_prev_hash, pruned) VALUES (now(), now(), 3000, 999999999, 'x', 'x', 0)",
    "DELETE FROM scrutiny_auditcheckpoint",
    "TRUNCATE scrutiny_auditcheckpoint",
    "CREATE TABLE runtime_made (id int)",
    "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())",
]


def _event() -> AccessEvent:
    return services.access_record(
        actor=None,
        verb=AccessVerb.VIEW,
        object_type="case",
        object_id=1,
        audience="panel",
        channel=AccessChannel.API,
    )


@pytest.fixture
def roles():
    """(owner, runtime): made inside the test's transaction, so rolled back with it."""
    suffix = uuid.uuid4().hex[:8]
    owner, runtime = f"scrutiny_owner_{suffix}", f"scrutiny_app_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
        cursor.execute(f"CREATE ROLE {runtime} NOLOGIN")
        # The audit tables and their trigger functions belong to the owner, as after a migrate run
        # by that role; the runtime role owns nothing.
        for table in AUDIT_TABLES:
            cursor.execute(f"ALTER TABLE {table} OWNER TO {owner}")
        for function in ("scrutiny_accessevent_append_only()", "scrutiny_auditcheckpoint_append_only()"):
            cursor.execute(f"ALTER FUNCTION {function} OWNER TO {owner}")
    call_command("grant_runtime_role", runtime, stdout=StringIO())
    return owner, runtime


def _as(role: str, statement: str) -> str | None:
    """Run `statement` as `role`; the error's SQLSTATE class, or None if it worked."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {role}")
            cursor.execute(statement)
            raise _Worked
    except _Worked:
        return None
    except DatabaseError as exc:
        return getattr(getattr(exc, "__cause__", None), "sqlstate", None) or type(exc).__name__


class _Worked(Exception):
    """Roll the savepoint back after a statement that worked (so it changes nothing)."""


@pytest.mark.parametrize("statement", REFUSED)
def test_the_runtime_role_cannot_erase_or_alter_the_audit(roles, statement) -> None:
    _owner, runtime = roles
    _event()
    assert _as(runtime, statement) is not None, statement
    assert AccessEvent.objects.count() == 1


def test_the_runtime_role_can_append_and_read_and_the_chain_holds(roles) -> None:
    _owner, runtime = roles
    _event()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {runtime}")
        _event()  # the application's own insert, as the runtime role
        _event()
        cursor.execute("SELECT count(*) FROM scrutiny_accessevent")
        assert cursor.fetchone()[0] == 3
        cursor.execute("SELECT count(*) FROM scrutiny_panel")  # ordinary tables: read and write
        cursor.execute("RESET ROLE")
    assert verify_chain().ok


def test_the_owner_can_what_the_runtime_role_cannot(roles) -> None:
    """The guards are not in the way of the owner (migrations, prune_audit): the difference is the
    role. Rolled back."""
    owner, runtime = roles
    statement = "ALTER TABLE scrutiny_accessevent DISABLE TRIGGER scrutiny_accessevent_no_delete"
    assert _as(owner, statement) is None
    assert _as(runtime, statement) is not None


def test_grant_runtime_role_refuses_a_role_that_owns_or_is_the_owner(roles) -> None:
    owner, _runtime = roles
    with pytest.raises(CommandError, match="owns"):
        call_command("grant_runtime_role", owner, stdout=StringIO())
    with pytest.raises(CommandError, match="superuser|running this command"):
        call_command("grant_runtime_role", "postgres", stdout=StringIO())
    with pytest.raises(CommandError, match="no role"):
        call_command("grant_runtime_role", "scrutiny_nobody_here", stdout=StringIO())
    with pytest.raises(CommandError, match="identifier"):
        call_command("grant_runtime_role", 'x"; DROP TABLE scrutiny_accessevent; --', stdout=StringIO())

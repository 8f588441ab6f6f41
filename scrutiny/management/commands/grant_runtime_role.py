"""PostgreSQL: give the application's runtime role exactly what it needs, and nothing it could
use to erase the audit (docs/SECURITY.md §9, ADR 0011)."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# table -> privileges; every other table of the schema gets READ_WRITE.
READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"
RESTRICTED = {
    "scrutiny_accessevent": "SELECT, INSERT",  # append-only: no UPDATE, DELETE, TRUNCATE
    "scrutiny_auditcheckpoint": "SELECT",  # pruning is the owner's (manage.py prune_audit)
    "django_migrations": "SELECT",  # migrations are the owner's
}


def runtime_problems(cursor, role: str) -> list[str]:
    """Why `role` cannot be the runtime role (empty: it can)."""
    cursor.execute(
        "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s", [role]
    )
    row = cursor.fetchone()
    if row is None:
        return [f"there is no role {role} (CREATE ROLE {role} LOGIN PASSWORD '...' first)"]
    problems = []
    if any(row):
        problems.append("it is a superuser or may create roles or databases or bypass row security")
    cursor.execute("SELECT current_user")
    if cursor.fetchone()[0] == role:
        problems.append("it is the role running this command (the owner)")
    cursor.execute("SELECT pg_has_role(%s, current_user, 'MEMBER')", [role])
    if cursor.fetchone()[0]:
        problems.append("it is a member of the owner role, so it has the owner's rights")
    cursor.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s", [role]
    )
    owned = cursor.fetchone()[0]
    cursor.execute(
        "SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE r.rolname = %s",
        [role],
    )
    owned += cursor.fetchone()[0]
    if owned:
        problems.append(f"it owns {owned} tables, sequences or schemas in this database")
    return problems


def grant(cursor, role: str) -> dict[str, str]:
    """Revoke everything on the schema's tables from `role`, then grant what it needs."""
    quoted = f'"{role}"'
    cursor.execute("SELECT current_database(), current_schema()")
    database, schema = cursor.fetchone()
    cursor.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {quoted}')
    cursor.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {quoted}')
    cursor.execute(f'REVOKE CREATE ON SCHEMA "{schema}" FROM {quoted}')
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
    granted = {}
    for (table,) in cursor.fetchall():
        privileges = RESTRICTED.get(table, READ_WRITE)
        cursor.execute(f'REVOKE ALL ON TABLE "{schema}"."{table}" FROM {quoted}')
        cursor.execute(f'GRANT {privileges} ON TABLE "{schema}"."{table}" TO {quoted}')
        granted[table] = privileges
    cursor.execute(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM {quoted}')
    cursor.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {quoted}')
    return granted


class Command(BaseCommand):
    help = (
        "PostgreSQL only; run as the owner (the role that ran migrate), after every migrate. Grants ROLE "
        "what the running application needs: read and write on every table except the access audit "
        "(SELECT and INSERT only), its pruning checkpoints and django_migrations (SELECT only). "
        "Refuses a ROLE that owns anything, is a superuser, or is a member of the owner."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The runtime role, e.g. scrutiny_app.")
        parser.add_argument("--database", default="default")

    def handle(self, *args: object, role: str, database: str, **options: object) -> None:
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("grant_runtime_role is for PostgreSQL (SQLite has no roles).")
        if not ROLE_NAME.match(role):
            raise CommandError("ROLE must be a lower-case PostgreSQL identifier (letters, digits, _).")
        with transaction.atomic(using=database), connection.cursor() as cursor:
            problems = runtime_problems(cursor, role)
            if problems:
                raise CommandError(f"{role} cannot be the runtime role: " + "; ".join(problems) + ".")
            granted = grant(cursor, role)
        restricted = ", ".join(f"{table} ({granted[table]})" for table in RESTRICTED if table in granted)
        self.stdout.write(
            f"{role}: read and write on {len(granted) - sum(t in granted for t in RESTRICTED)} tables; "
            f"{restricted}. "
            "Run this again after every migrate."
        )
